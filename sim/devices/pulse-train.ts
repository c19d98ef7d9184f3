/**
 * Hardware trigger pulses on the clock, e.g. a motion controller's position-compare output
 * (a pulse each time the encoder crosses the next position of an armed list). Pulses are
 * known ahead as times, not delivered as callbacks: a detector on the train works out which
 * frames it has taken whenever it is asked, so 10^6 pulses cost no timers.
 */
export interface PulseTrain {
  /** How many pulses the armed train fires in all. */
  readonly total: number;
  /** How many have fired by `time` (seconds on the clock). */
  countAt(time: number): number;
  /** When pulse `index` (from 0) fires. */
  timeOf(index: number): number;
  /** Where the axis was at pulse `index`, when the source is a position compare. */
  positionOf?(index: number): number;
  /**
   * For a train whose times are not fixed when armed: calls back when they change (it starts
   * at a kickoff, timeOf being Infinity before; a stop cuts it short, lowering `total`), so a
   * detector can wait for its last frame without polling. Returns the unsubscribe function.
   */
  onChange?(listener: () => void): () => void;
}

/** A device with a trigger output: its train for the fly scan it was prepared for. */
export interface PulseSource {
  readonly name: string;
  /** The armed train; undefined until prepared. */
  readonly pulses: PulseTrain | undefined;
}

/** A device with a trigger output: has a string `name` and a `pulses` property. */
export function isPulseSource(value: unknown): value is PulseSource {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { name?: unknown }).name === "string" &&
    "pulses" in value
  );
}

/**
 * Slack for times computed by adding periods and exposures, seconds: the clock adds in
 * floats, so a pulse or frame due at t counts at t - 1 ns.
 */
export const TIME_TOLERANCE = 1e-9;
