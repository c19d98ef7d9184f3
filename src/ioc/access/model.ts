// An access security configuration as an .acf file states it, checked and ready to use.
import type { CalcExpression, CalcInput } from "../calc/index.js";
import type { DbProblem, SourceLocation } from "../db/index.js";

/** What a RULE grants, in EPICS's order: each grants everything the one before it does. */
export type AccessKind = "NONE" | "READ" | "WRITE";

export interface AcfRule {
  /** 0 covers only ASL0 fields; 1 (or more) covers ASL0 and ASL1 fields. */
  readonly level: number;
  readonly access: AccessKind;
  /** Writes granted by this rule go to the trap-write listeners (put logging). */
  readonly trapWrite: boolean;
  /** UAG names: the client's user must be in one of them (none listed: any user). */
  readonly uags: readonly string[];
  /** HAG names: the client's host must be in one of them (none listed: any host). */
  readonly hags: readonly string[];
  readonly calc?: CalcExpression;
  readonly at: SourceLocation;
}

/** `INPx("pv")`: the PV whose value the group's CALC conditions read as x. */
export interface AcfInput {
  readonly input: CalcInput;
  readonly pv: string;
  readonly at: SourceLocation;
}

export interface AcfGroup {
  readonly name: string;
  readonly inputs: readonly AcfInput[];
  /** In file order; a group with no rule grants nothing. */
  readonly rules: readonly AcfRule[];
}

export interface AcfConfig {
  /** UAG name -> user names, as written (users compare case-sensitively). */
  readonly uags: ReadonlyMap<string, readonly string[]>;
  /** HAG name -> host names, as written (compared in lower case, or as addresses). */
  readonly hags: ReadonlyMap<string, readonly string[]>;
  /** Always holds DEFAULT: an empty one (no access) when the file does not define it. */
  readonly groups: ReadonlyMap<string, AcfGroup>;
  /** What EPICS accepts but reports, such as a user listed twice in one UAG. */
  readonly warnings: readonly DbProblem[];
}

/** The group of records with no ASG, or with an ASG the file does not define. */
export const DEFAULT_GROUP = "DEFAULT";
