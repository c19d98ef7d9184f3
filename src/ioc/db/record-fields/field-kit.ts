// The building blocks the record-type tables are written with: spec constructors and
// generators for EPICS's numbered and lettered field families.

import type { FieldSpec, FieldTable } from "../record-types.js";

/** A string field holds `size - 1` characters (EPICS counts the terminating NUL). */
export const str = (size: number): FieldSpec => ({ type: "STRING", size });
export const menu = (name: string): FieldSpec => ({ type: "MENU", menu: name });

/** An alarm severity field. */
export const severity: FieldSpec = menu("menuAlarmSevr");

/** The sixteen slots 0..F of seq and fanout. */
export const hexDigits = [..."0123456789ABCDEF"];
/** The sixteen states of mbbi/mbbo: ZR (zero), ON (one), ... FF (fifteen). */
export const mbbStates = [
  "ZR", "ON", "TW", "TH", "FR", "FV", "SX", "SV",
  "EI", "NI", "TE", "EL", "TV", "TT", "FT", "FF",
]; // prettier-ignore

/** One field per key, each named by `name(key)` and all of one spec. */
export const family = (
  keys: readonly string[],
  name: (key: string) => string,
  spec: FieldSpec,
): FieldTable => Object.fromEntries(keys.map((key) => [name(key), spec]));

/** The same spec for each of the named fields. */
export const alike = (names: readonly string[], spec: FieldSpec): FieldTable =>
  family(names, (name) => name, spec);
