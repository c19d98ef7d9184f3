/** Protocol constants of Channel Access 4.13 (caProto.h, db_access.h, caeventmask.h). */

/** UDP and TCP port of servers (EPICS_CA_SERVER_PORT). */
export const CA_SERVER_PORT = 5064;
/** UDP port of the repeater, where beacons go (EPICS_CA_REPEATER_PORT). */
export const CA_REPEATER_PORT = 5065;

export const CA_MAJOR_VERSION = 4;
/** The minor protocol version we speak. */
export const CA_MINOR_VERSION = 13;
/** libca refuses peers older than 4.4. */
export const CA_MINIMUM_MINOR_VERSION = 4;

/** Feature gates by the peer's minor version (caProto.h). */
export const caVersionSupports = {
  /** The extended header (large arrays) and circuit priorities. */
  largeArrays: (minor: number): boolean => minor >= 9,
  beaconCounter: (minor: number): boolean => minor >= 10,
  /** Sequence numbers in the UDP VERSION; the server sends VERSION at once. */
  udpSequenceNumbers: (minor: number): boolean => minor >= 11,
  tcpSearch: (minor: number): boolean => minor >= 12,
  /** Count 0 in requests means "the current length". */
  zeroCountRequests: (minor: number): boolean => minor >= 13,
} as const;

/** Command codes (the header's first field). */
export const CaCommand = {
  VERSION: 0,
  EVENT_ADD: 1,
  EVENT_CANCEL: 2,
  READ: 3,
  WRITE: 4,
  SNAPSHOT: 5,
  SEARCH: 6,
  BUILD: 7,
  EVENTS_OFF: 8,
  EVENTS_ON: 9,
  READ_SYNC: 10,
  ERROR: 11,
  CLEAR_CHANNEL: 12,
  RSRV_IS_UP: 13,
  NOT_FOUND: 14,
  READ_NOTIFY: 15,
  READ_BUILD: 16,
  REPEATER_CONFIRM: 17,
  CREATE_CHAN: 18,
  WRITE_NOTIFY: 19,
  CLIENT_NAME: 20,
  HOST_NAME: 21,
  ACCESS_RIGHTS: 22,
  ECHO: 23,
  REPEATER_REGISTER: 24,
  SIGNAL: 25,
  CREATE_CH_FAIL: 26,
  SERVER_DISCONN: 27,
} as const;

const commandNames = new Map<number, string>(
  Object.entries(CaCommand).map(([name, code]) => [code, name]),
);

/** "CREATE_CHAN" for 18; "command 99" for a code that does not exist. */
export function caCommandName(command: number): string {
  return commandNames.get(command) ?? `command ${command}`;
}

/** SEARCH data type: answer NOT_FOUND when the name is unknown (unicast, name servers). */
export const SEARCH_DO_REPLY = 10;
/** SEARCH data type: stay silent when the name is unknown (broadcast). */
export const SEARCH_DONT_REPLY = 5;
/** UDP VERSION data type saying parameter1 holds a sequence number. */
export const SEQUENCE_NUMBER_IS_VALID = 1;

/** ACCESS_RIGHTS bits (parameter2). */
export const AccessRights = { NONE: 0, READ: 1, WRITE: 2, READ_WRITE: 3 } as const;

/** Monitor masks of EVENT_ADD. */
export const DBE = { VALUE: 1, LOG: 2, ARCHIVE: 2, ALARM: 4, PROPERTY: 8 } as const;

/** Circuit priorities carried by the TCP VERSION. */
export const CA_PRIORITY_MIN = 0;
export const CA_PRIORITY_MAX = 99;

/** Size of a DBR_STRING element, NUL included. */
export const MAX_STRING_SIZE = 40;
/** Size of the units field of GR/CTRL structures, NUL included. */
export const MAX_UNITS_SIZE = 8;
/** Number of enum states a GR/CTRL_ENUM carries. */
export const MAX_ENUM_STATES = 16;
/** Size of one enum state string, NUL included. */
export const MAX_ENUM_STRING_SIZE = 26;
/** libca treats longer PV names as invalid. */
export const UNREASONABLE_PV_NAME_SIZE = 500;
/** Largest UDP payload that fits an Ethernet frame (1500 − 20 − 8): the search datagram limit. */
export const ETHERNET_MAX_UDP = 1472;
/** libca's default EPICS_CA_MAX_ARRAY_BYTES. */
export const DEFAULT_MAX_ARRAY_BYTES = 16384;

/** The EPICS epoch, 1990-01-01 00:00 UTC, in POSIX seconds. */
export const EPICS_EPOCH_UNIX_SECONDS = 631152000;
