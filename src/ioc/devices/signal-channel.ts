// A device signal as a record's device channel: its readings kept as they come (a
// subscription), read afresh when the backend can say at once, and written through set(),
// whose Status is the record's completion.
import type { Reading, SignalR } from "../../core/index.js";
import { SignalRW } from "../../core/index.js";
import type { ChannelState, DeviceChannel, FieldValue } from "../records/index.js";

/** How values cross between the signal's type and the record's fields. */
export interface ValueMapping {
  toField(value: unknown): FieldValue;
  fromField(value: FieldValue): unknown;
}

export const numberMapping: ValueMapping = {
  toField: (value) => Number(value),
  fromField: (value) => Number(value),
};

export const integerMapping: ValueMapping = {
  toField: (value) => Number(value),
  fromField: (value) => Math.trunc(Number(value)),
};

export const booleanMapping: ValueMapping = {
  toField: (value) => (value ? 1 : 0),
  fromField: (value) => Number(value) !== 0,
};

export const textMapping: ValueMapping = {
  toField: (value) => String(value),
  fromField: (value) => String(value),
};

/** An enumeration served as an mbbi/mbbo: the state index on the wire, the choice in the signal. */
export function choiceMapping(choices: readonly string[]): ValueMapping {
  return {
    // A value that is none of the choices is past the states: the mbbi's unknown-state alarm.
    toField: (value) => {
      const index = choices.indexOf(String(value));
      return index < 0 ? choices.length : index;
    },
    fromField: (value) => {
      const choice = choices[Number(value)];
      if (choice === undefined) throw new Error(`no state ${String(value)} of ${choices.length}`);
      return choice;
    },
  };
}

export const arrayMapping: ValueMapping = {
  toField: (value) => Float64Array.from(isArrayLike(value) ? value : [Number(value)], Number),
  fromField: (value) => (isArrayLike(value) ? Array.from(value, Number) : [Number(value)]),
};

function isArrayLike(value: unknown): value is ArrayLike<number> {
  return Array.isArray(value) || ArrayBuffer.isView(value);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class SignalChannel implements DeviceChannel {
  #latest: ChannelState;
  /** The latest value came from a read no pass has shown yet. */
  #fresh = false;
  /** Passes waiting for the read in flight, told when it has come. */
  #waiting: (() => void)[] | undefined;
  readonly #news = new Set<() => void>();
  #unsubscribe: (() => void) | undefined;

  constructor(
    private readonly signal: SignalR<unknown>,
    private readonly mapping: ValueMapping,
  ) {}

  /**
   * A signal that can answer at once is read now. Otherwise the latest that came; with
   * `fresher` (a periodic record) a read is started whose value comes through `fresher`, a
   * second pass, as an asyn record's read completes. A value read that no pass has shown yet
   * is given first, without asking again.
   */
  read(fresher?: () => void): ChannelState {
    if (this.signal.canReadNow()) {
      try {
        this.#keep(Object.values(this.signal.readNow())[0]);
      } catch (error) {
        this.#latest = { error: messageOf(error) };
      }
    } else if (fresher) {
      if (this.#fresh) this.#fresh = false;
      else this.#refresh(fresher);
    }
    return this.#latest;
  }

  watch(news: () => void): () => void {
    this.#news.add(news);
    this.#unsubscribe ??= this.signal.subscribe((reading) => this.#arrived(reading), {
      onError: (error) => this.#failed(error),
    });
    return () => {
      this.#news.delete(news);
      if (this.#news.size > 0) return;
      this.#unsubscribe?.();
      this.#unsubscribe = undefined;
    };
  }

  get write(): DeviceChannel["write"] {
    const signal = this.signal;
    if (!(signal instanceof SignalRW)) return undefined;
    return async (value) => {
      await signal.set(this.mapping.fromField(value));
      return undefined;
    };
  }

  /** A value that came from elsewhere (the device's own read after an acquisition). */
  offer(reading: Reading | undefined): void {
    if (reading) this.#arrived(reading);
  }

  /** A read for the passes that asked; each is told when its value has come. */
  #refresh(fresher: () => void): void {
    if (this.#waiting) {
      this.#waiting.push(fresher);
      return;
    }
    const waiting = (this.#waiting = [fresher]);
    const done = (): void => {
      this.#waiting = undefined;
      this.#fresh = true;
      for (const pass of waiting) pass();
    };
    this.signal.read().then(
      (readings) => {
        this.#keep(Object.values(readings)[0]);
        done();
      },
      (error: unknown) => {
        this.#latest = { error: messageOf(error) };
        done();
      },
    );
  }

  #arrived(reading: Reading | undefined): void {
    this.#keep(reading);
    for (const news of [...this.#news]) news();
  }

  #failed(error: unknown): void {
    this.#latest = { error: messageOf(error) };
    for (const news of [...this.#news]) news();
  }

  #keep(reading: Reading | undefined): void {
    if (!reading) return;
    this.#latest = {
      value: this.mapping.toField(reading.value),
      severity: reading.alarm_severity ?? 0,
    };
  }
}
