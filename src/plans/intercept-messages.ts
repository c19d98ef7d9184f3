import type { Msg, Plan } from "../core/index.js";

/**
 * Says what happens to one message of the wrapped plan: the returned plan yields whatever
 * should go to the engine in its place (the message itself, a rewrite, extra messages
 * around it) and returns the response the wrapped plan gets for it.
 */
export type Interceptor = (msg: Msg) => Plan<unknown>;

/**
 * Runs `plan`, passing each of its messages through `intercept`. Errors the engine throws
 * in go on into `plan` (so its try/finally runs); so does an early `return()`, after which
 * the messages its cleanup yields still go out. Our small stand-in for plan_mutator.
 */
export function* interceptMessages<R>(plan: Plan<R>, intercept: Interceptor): Plan<R> {
  let step = plan.next();
  let finished = false;
  try {
    while (!step.done) {
      let response: unknown;
      try {
        response = yield* intercept(step.value);
      } catch (error) {
        step = plan.throw(error);
        continue;
      }
      step = plan.next(response);
    }
    finished = true;
    return step.value;
  } finally {
    // Unfinished: `plan` threw (it is closed already and return() does nothing) or our
    // caller returned early, which closes `plan` too and lets its cleanup messages out.
    if (!finished) {
      let cleanup = plan.return(undefined as R);
      while (!cleanup.done) cleanup = plan.next(yield* intercept(cleanup.value));
    }
  }
}

/** Rewrites each message of `plan` with `fn`; responses and errors go back into `plan`. */
export function mapMessages<R>(plan: Plan<R>, fn: (msg: Msg) => Msg): Plan<R> {
  return interceptMessages(plan, function* (msg) {
    return yield fn(msg);
  });
}
