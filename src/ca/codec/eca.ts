/**
 * ECA status codes (caerr.h): message number << 3 | severity. Bit 0 set means success
 * (SUCCESS 1 or INFO 3); WARNING 0, ERROR 2 and SEVERE/FATAL 4/6 are failures.
 */
const severities = { WARNING: 0, SUCCESS: 1, ERROR: 2, INFO: 3, FATAL: 6 } as const;
type Severity = keyof typeof severities;

const table = [
  ["NORMAL", "SUCCESS"],
  ["MAXIOC", "ERROR"],
  ["UKNHOST", "ERROR"],
  ["UKNSERV", "ERROR"],
  ["SOCK", "ERROR"],
  ["CONN", "WARNING"],
  ["ALLOCMEM", "WARNING"],
  ["UKNCHAN", "WARNING"],
  ["UKNFIELD", "WARNING"],
  ["TOLARGE", "WARNING"],
  ["TIMEOUT", "WARNING"],
  ["NOSUPPORT", "WARNING"],
  ["STRTOBIG", "WARNING"],
  ["DISCONNCHID", "ERROR"],
  ["BADTYPE", "ERROR"],
  ["CHIDNOTFND", "INFO"],
  ["CHIDRETRY", "INFO"],
  ["INTERNAL", "FATAL"],
  ["DBLCLFAIL", "WARNING"],
  ["GETFAIL", "WARNING"],
  ["PUTFAIL", "WARNING"],
  ["ADDFAIL", "WARNING"],
  ["BADCOUNT", "WARNING"],
  ["BADSTR", "ERROR"],
  ["DISCONN", "WARNING"],
  ["DBLCHNL", "WARNING"],
  ["EVDISALLOW", "ERROR"],
  ["BUILDGET", "WARNING"],
  ["NEEDSFP", "WARNING"],
  ["OVEVFAIL", "WARNING"],
  ["BADMONID", "ERROR"],
  ["NEWADDR", "WARNING"],
  ["NEWCONN", "INFO"],
  ["NOCACTX", "WARNING"],
  ["DEFUNCT", "FATAL"],
  ["EMPTYSTR", "WARNING"],
  ["NOREPEATER", "WARNING"],
  ["NOCHANMSG", "WARNING"],
  ["DLCKREST", "WARNING"],
  ["SERVBEHIND", "WARNING"],
  ["NOCAST", "WARNING"],
  ["BADMASK", "ERROR"],
  ["IODONE", "INFO"],
  ["IOINPROGRESS", "INFO"],
  ["BADSYNCGRP", "ERROR"],
  ["PUTCBINPROG", "ERROR"],
  ["NORDACCESS", "WARNING"],
  ["NOWTACCESS", "WARNING"],
  ["ANACHRONISM", "ERROR"],
  ["NOSEARCHADDR", "WARNING"],
  ["NOCONVERT", "WARNING"],
  ["BADCHID", "ERROR"],
  ["BADFUNCPTR", "ERROR"],
  ["ISATTACHED", "WARNING"],
  ["UNAVAILINSERV", "WARNING"],
  ["CHANDESTROY", "WARNING"],
  ["BADPRIORITY", "ERROR"],
  ["NOTTHREADED", "ERROR"],
  ["16KARRAYCLIENT", "WARNING"],
  ["CONNSEQTMO", "WARNING"],
  ["UNRESPTMO", "WARNING"],
] as const satisfies ReadonlyArray<readonly [string, Severity]>;

/** The names of caerr.h without their ECA_ prefix. */
export type EcaName = (typeof table)[number][0];

/** Every ECA status code by name, e.g. `ECA.NORMAL` = 1, `ECA.GETFAIL` = 152. */
export const ECA: Readonly<Record<EcaName, number>> = Object.fromEntries(
  table.map(([name, severity], number) => [name, (number << 3) | severities[severity]]),
) as Record<EcaName, number>;

const names = new Map<number, string>(Object.entries(ECA).map(([name, code]) => [code, name]));

/** True for the success codes (bit 0 set: NORMAL and the INFO codes). */
export function isEcaSuccess(status: number): boolean {
  return (status & 1) === 1;
}

/** "ECA_GETFAIL" for 152; "ECA status 5" for a code caerr.h does not define. */
export function ecaName(status: number): string {
  const name = names.get(status);
  return name === undefined ? `ECA status ${status}` : `ECA_${name}`;
}
