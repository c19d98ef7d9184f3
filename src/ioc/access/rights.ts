// Rights as Channel Access sends them in ACCESS_RIGHTS: a read bit and a write bit. In
// EPICS write access includes read access, so the rights are none, read, or both.

export const AS_READ = 1;
export const AS_WRITE = 2;

/** 0: none; 1: read (AS_READ); 3: read and write (AS_READ | AS_WRITE). */
export type AsRights = 0 | 1 | 3;

/** What a client may do with one field. */
export interface AsAccess {
  readonly rights: AsRights;
  /** The granting rule has TRAPWRITE: its writes go to the put loggers. */
  readonly trapWrite: boolean;
}

/** Who asks: the CA client's CLIENT_NAME and HOST_NAME (or peer address, see checkClientIP). */
export interface AsIdentity {
  readonly user: string;
  readonly host: string;
}

/** A field's access security level: ASL0 (operational, e.g. VAL) or ASL1 (configuration). */
export type AsLevel = 0 | 1;

export const FULL_ACCESS: AsAccess = { rights: 3, trapWrite: false };

export const canRead = (rights: AsRights): boolean => (rights & AS_READ) !== 0;
export const canWrite = (rights: AsRights): boolean => (rights & AS_WRITE) !== 0;
