// menuAlarmStat and menuAlarmSevr indexes, as records raise them.
export const STAT = {
  NO_ALARM: 0,
  READ: 1,
  WRITE: 2,
  HIHI: 3,
  HIGH: 4,
  LOLO: 5,
  LOW: 6,
  STATE: 7,
  COS: 8,
  COMM: 9,
  TIMEOUT: 10,
  HWLIMIT: 11,
  CALC: 12,
  SCAN: 13,
  LINK: 14,
  SOFT: 15,
  BAD_SUB: 16,
  UDF: 17,
  DISABLE: 18,
  SIMM: 19,
  READ_ACCESS: 20,
  WRITE_ACCESS: 21,
} as const;

export const SEVR = { NO_ALARM: 0, MINOR: 1, MAJOR: 2, INVALID: 3 } as const;
