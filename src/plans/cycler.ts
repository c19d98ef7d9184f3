import type { Movable } from "../core/index.js";

export interface ProductOptions {
  /** Reverse the inner axes on every other outer point: a winding path, no flyback. */
  snake?: boolean;
}

/**
 * The points of a step scan, after Python's cycler that bluesky scans over: motors (keys)
 * and, per point, one position for each. Immutable; `add` zips (inner product), `mul`
 * nests (outer product), `concat` appends. Iterating gives one Map per point.
 */
export class Cycler implements Iterable<Map<Movable<number>, number>> {
  /** The motors, in order: the first is the slowest axis of a product. */
  readonly keys: ReadonlyArray<Movable<number>>;
  private readonly rows: ReadonlyArray<readonly number[]>;

  private constructor(
    keys: ReadonlyArray<Movable<number>>,
    rows: ReadonlyArray<readonly number[]>,
  ) {
    this.keys = keys;
    this.rows = rows;
  }

  /** One motor over `positions`. */
  static of(motor: Movable<number>, positions: Iterable<number>): Cycler {
    return new Cycler(
      [motor],
      Array.from(positions, (position) => [position]),
    );
  }

  /** The number of points. */
  get length(): number {
    return this.rows.length;
  }

  /** Moves both together, point by point: the same number of points, different motors. */
  add(other: Cycler): Cycler {
    this.checkDisjoint(other);
    if (other.length !== this.length) {
      throw new RangeError(
        `cannot zip ${this.length} points of ${this.names()} with ${other.length} of ${other.names()}`,
      );
    }
    return new Cycler(
      [...this.keys, ...other.keys],
      this.rows.map((row, i) => [...row, ...other.rows[i]!]),
    );
  }

  /** Every point of `other` at each point of this one; `snake` winds the inner axes. */
  mul(other: Cycler, { snake = false }: ProductOptions = {}): Cycler {
    this.checkDisjoint(other);
    const reversed = [...other.rows].reverse();
    const rows = this.rows.flatMap((outer, i) =>
      (snake && i % 2 === 1 ? reversed : other.rows).map((inner) => [...outer, ...inner]),
    );
    return new Cycler([...this.keys, ...other.keys], rows);
  }

  /** The points of `other` after these: the same motors, in the same order. */
  concat(other: Cycler): Cycler {
    const same =
      other.keys.length === this.keys.length && other.keys.every((k, i) => k === this.keys[i]);
    if (!same) throw new RangeError(`cannot append ${other.names()} to ${this.names()}`);
    return new Cycler(this.keys, [...this.rows, ...other.rows]);
  }

  /** The points in the opposite order. */
  reversed(): Cycler {
    return new Cycler(this.keys, [...this.rows].reverse());
  }

  /** Each motor's positions, point by point. */
  byKey(): Map<Movable<number>, number[]> {
    return new Map(this.keys.map((key, k) => [key, this.rows.map((row) => row[k]!)]));
  }

  /** Positions by motor name, for metadata. */
  toJSON(): Record<string, number[]> {
    return Object.fromEntries([...this.byKey()].map(([key, positions]) => [key.name, positions]));
  }

  *[Symbol.iterator](): Iterator<Map<Movable<number>, number>> {
    const keys = this.keys;
    for (const row of this.rows) {
      const point = new Map<Movable<number>, number>();
      for (let k = 0; k < keys.length; k++) point.set(keys[k]!, row[k]!);
      yield point;
    }
  }

  private names(): string {
    return `[${this.keys.map((k) => k.name).join(", ")}]`;
  }

  private checkDisjoint(other: Cycler): void {
    const shared = other.keys.filter((k) => this.keys.includes(k));
    if (shared.length > 0) {
      throw new RangeError(`${shared.map((k) => k.name).join(", ")} cannot be in both cyclers`);
    }
  }
}

/** One motor over `positions`; combine with `add`, `mul` and `concat`. */
export function cycler(motor: Movable<number>, positions: Iterable<number>): Cycler {
  return Cycler.of(motor, positions);
}

/** `num` evenly spaced positions from `start` to `stop`, both included (numpy's linspace). */
export function linspace(start: number, stop: number, num: number): number[] {
  if (!Number.isInteger(num) || num < 1) {
    throw new RangeError(`the number of points must be a whole number ≥ 1, not ${num}`);
  }
  if (num === 1) return [start];
  const step = (stop - start) / (num - 1);
  return Array.from({ length: num }, (_, i) => (i === num - 1 ? stop : start + i * step));
}
