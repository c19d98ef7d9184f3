import { HilError } from "../../core/index.js";
import { type DbProblem, formatProblem } from "../db/index.js";

/** An .acf file EPICS would refuse: every problem found, each at file:line:col. */
export class AcfError extends HilError {
  readonly problems: readonly DbProblem[];

  constructor(problems: readonly DbProblem[]) {
    super("HIL_ACF", problems.map(formatProblem).join("\n"));
    this.problems = problems;
  }
}
