import { HilError } from "../../core/index.js";

/** A CALC expression EPICS would refuse; `offset` is the character where it went wrong. */
export class CalcSyntaxError extends HilError {
  readonly source: string;
  readonly offset: number;
  readonly reason: string;

  constructor(source: string, offset: number, reason: string) {
    super("HIL_CALC_SYNTAX", `CALC ${JSON.stringify(source)}: ${reason} at ${offset}`);
    this.source = source;
    this.offset = offset;
    this.reason = reason;
  }
}
