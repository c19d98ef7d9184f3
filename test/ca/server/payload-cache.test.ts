// A PV's state is encoded once per DBR type and count and shared by reads and monitor
// updates until the next post; a provider returning a fresh state object is never served
// an old payload.
import { afterEach, describe, expect, it } from "vitest";
import {
  DBE,
  DBR,
  ECA,
  type CaPv,
  type CaPvState,
  type CaPvUpdate,
  type CaServer,
} from "../../../src/ca/index.js";
import { sharedPayload } from "../../../src/ca/server/dbr-reply.js";
import { RawClient, startServer } from "./helpers.js";

/** A waveform PV whose states count how often their value is taken to be encoded. */
class CountingPv implements CaPv {
  readonly nativeType = DBR.DOUBLE;
  readonly maxCount = 1000;
  encodings = 0;
  fresh = false;
  #state: CaPvState;
  readonly #listeners = new Set<(update: CaPvUpdate) => void>();

  constructor(first: number) {
    this.#state = this.#make(first);
  }

  #make(first: number): CaPvState {
    const value = Float64Array.from({ length: this.maxCount }, (_, i) => first + i);
    const counter = (): void => void this.encodings++;
    return {
      get value() {
        counter();
        return value;
      },
      units: "V",
    };
  }

  read(): CaPvState {
    // A fresh object each time, with the same (counting) value.
    return this.fresh ? (Object.create(this.#state) as CaPvState) : this.#state;
  }

  subscribe(listener: (update: CaPvUpdate) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  post(first: number): void {
    this.#state = this.#make(first);
    for (const listener of this.#listeners) listener({ state: this.#state, events: DBE.VALUE });
  }
}

let server: CaServer | undefined;
const clients: RawClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await server?.close();
  server = undefined;
});

async function open(pv: CaPv): Promise<{ client: RawClient; sid: number }> {
  server ??= await startServer({ "T:wave": pv });
  const client = await RawClient.open(server.tcpPort);
  clients.push(client);
  const { sid } = await client.create("T:wave");
  return { client, sid };
}

describe("shared payloads", () => {
  it("encodes a state once for reads and monitors of one type; a post encodes anew", async () => {
    const pv = new CountingPv(0);
    const a = await open(pv);
    const b = await open(pv);
    const first = await a.client.read(a.sid, DBR.TIME_DOUBLE, 1000, 1);
    expect(first.data?.value).toEqual(Float64Array.from({ length: 1000 }, (_, i) => i));
    expect(pv.encodings).toBe(1);
    const again = await b.client.read(b.sid, DBR.TIME_DOUBLE, 1000, 2);
    expect(again.data?.value).toEqual(first.data?.value);
    for (const { client, sid } of [a, b]) {
      client.monitor(sid, { subscriptionId: 5, dataType: DBR.TIME_DOUBLE, dataCount: 1000 });
      expect((await client.next("EventAddResponse")).data?.value).toEqual(first.data?.value);
    }
    expect(pv.encodings).toBe(1);

    // Another type or count is another payload; the first stays shared.
    const ctrl = await a.client.read(a.sid, DBR.CTRL_DOUBLE, 1000, 3);
    expect(ctrl.data?.units).toBe("V");
    const short = await a.client.read(a.sid, DBR.TIME_DOUBLE, 3, 4);
    expect(short.data?.value).toEqual(Float64Array.of(0, 1, 2));
    expect(pv.encodings).toBe(3);
    await a.client.read(a.sid, DBR.TIME_DOUBLE, 1000, 5);
    expect(pv.encodings).toBe(3);

    // A post: both subscribers get the new value from one encoding, and reads see it.
    pv.post(100);
    const expected = Float64Array.from({ length: 1000 }, (_, i) => 100 + i);
    for (const { client } of [a, b]) {
      const update = await client.next("EventAddResponse");
      expect(update.ecaStatus).toBe(ECA.NORMAL);
      expect(update.data?.value).toEqual(expected);
    }
    expect(pv.encodings).toBe(4);
    expect((await b.client.read(b.sid, DBR.TIME_DOUBLE, 1000, 6)).data?.value).toEqual(expected);
    expect(pv.encodings).toBe(4);
  });

  it("a provider returning a fresh state object each read is encoded every time", async () => {
    const pv = new CountingPv(0);
    pv.fresh = true;
    const { client, sid } = await open(pv);
    await client.read(sid, DBR.DOUBLE, 1000, 1);
    await client.read(sid, DBR.DOUBLE, 1000, 2);
    expect(pv.encodings).toBe(2);
    pv.post(7);
    const after = await client.read(sid, DBR.DOUBLE, 2, 3);
    expect(after.data?.value).toEqual(Float64Array.of(7, 8));
  });

  it("keeps a few payloads per state, the oldest going first", () => {
    const state = { value: [1, 2, 3] };
    const double = sharedPayload(state, DBR.DOUBLE, 3);
    expect(sharedPayload(state, DBR.DOUBLE, 3)).toBe(double);
    for (let count = 4; count < 8; count++) sharedPayload(state, DBR.DOUBLE, count);
    expect(sharedPayload(state, DBR.DOUBLE, 3)).not.toBe(double);
    expect(sharedPayload({ value: [1, 2, 3] }, DBR.DOUBLE, 3)).not.toBe(
      sharedPayload(state, DBR.DOUBLE, 3),
    );
  });

  it("a value that does not convert is still ECA_GETFAIL", async () => {
    const text: CaPv = {
      nativeType: DBR.STRING,
      maxCount: 1,
      read: () => state,
      subscribe: () => () => {},
    };
    const state: CaPvState = { value: "not a number" };
    const { client, sid } = await open(text);
    expect((await client.read(sid, DBR.DOUBLE, 1, 1)).ecaStatus).toBe(ECA.GETFAIL);
    expect((await client.read(sid, DBR.DOUBLE, 1, 2)).ecaStatus).toBe(ECA.GETFAIL);
    expect((await client.read(sid, DBR.STRING, 1, 3)).data?.value).toEqual(["not a number"]);
  });
});
