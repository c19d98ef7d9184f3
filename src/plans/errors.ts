import { HilError } from "../core/index.js";

/** rampPlan's move was still going after its timeout. */
export class RampTimeoutError extends HilError {
  constructor(timeout: number) {
    super("HIL_RAMP_TIMEOUT", `the ramp did not finish within ${timeout} s`);
  }
}

/** A plan that steers by a reading did not find the field it needs. */
export class MissingReadingError extends HilError {
  readonly field: string;

  constructor(plan: string, field: string, found: readonly string[]) {
    const have = found.length > 0 ? found.join(", ") : "nothing";
    super("HIL_MISSING_READING", `${plan} needs the field "${field}" but read ${have}`);
    this.field = field;
  }
}
