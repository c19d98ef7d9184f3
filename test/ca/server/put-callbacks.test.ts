// Put-callbacks (WRITE_NOTIFY) on one channel run one at a time, in order, as in RSRV, and the
// channel's later requests wait behind them; a put stalling the next is given up on with
// ECA_PUTCBINPROG; too many waiting stop the reading.
import { afterEach, beforeEach, expect, it } from "vitest";
import { VirtualClock } from "../../../src/core/index.js";
import { AccessRights, DBR, ECA, SoftPv, type CaPv, type CaServer } from "../../../src/ca/index.js";
import { RawClient, sleep, startServer } from "./helpers.js";

let server: CaServer;
let client: RawClient;
let clock: VirtualClock;
/** Every value written to T:motor, with the function that completes that move. */
let moves: Array<{ target: number; arrive: () => void }>;
/** Whether clients may write T:motor (after server.refreshAccessRights()). */
let writable: boolean;

beforeEach(async () => {
  moves = [];
  writable = true;
  clock = new VirtualClock({ auto: false });
  const soft = new SoftPv({
    value: 0,
    onWrite: (value) =>
      new Promise<void>((arrive) => moves.push({ target: Number(value[0]), arrive })),
  });
  const motor: CaPv = {
    nativeType: soft.nativeType,
    maxCount: soft.maxCount,
    read: () => soft.read(),
    write: soft.write?.bind(soft),
    subscribe: (listener) => soft.subscribe(listener),
    accessRights: (who) =>
      AccessRights.READ | (writable && who.user !== "guest" ? AccessRights.WRITE : 0),
  };
  const pvs = new Map<string, CaPv>([
    ["T:motor", motor],
    ["T:other", new SoftPv({ value: 1 })],
  ]);
  server = await startServer(pvs, { clock, putCallbackStallTimeout: 60 });
  client = await RawClient.open(server.tcpPort, 13);
});

afterEach(async () => {
  client.close();
  await server.close();
});

function putCallback(sid: number, ioid: number, value: number): void {
  client.send({
    type: "WriteNotifyRequest",
    sid,
    ioid,
    dataType: DBR.DOUBLE,
    dataCount: 1,
    data: { value },
  });
}

/** T:motor moving to 10 (put-callback 1), and a put-callback to 20 (2) waiting behind it. */
async function oneMovingOneWaiting(): Promise<{ sid: number; cid: number }> {
  const motor = await client.create("T:motor");
  putCallback(motor.sid, 1, 10);
  putCallback(motor.sid, 2, 20);
  return motor;
}

/** A WRITE (no callback) of one double. */
function plainWrite(sid: number, ioid: number, value: number) {
  return {
    type: "WriteRequest",
    sid,
    ioid,
    dataType: DBR.DOUBLE,
    dataCount: 1,
    data: { value },
  } as const;
}

async function answer(ioid: number): Promise<number> {
  return (await client.next("WriteNotifyResponse", (m) => m.ioid === ioid)).ecaStatus;
}

it("starts a put-callback once the one before it on the channel has completed", async () => {
  const motor = await client.create("T:motor");
  const other = await client.create("T:other");
  putCallback(motor.sid, 1, 10);
  putCallback(motor.sid, 2, 20);
  putCallback(other.sid, 3, 5);
  // Other channels go on while the motor's second put waits.
  expect(await answer(3)).toBe(ECA.NORMAL);
  await sleep(20);
  expect(moves.map((m) => m.target)).toEqual([10]);

  moves[0]!.arrive();
  expect(await answer(1)).toBe(ECA.NORMAL);
  await sleep(20);
  expect(moves.map((m) => m.target)).toEqual([10, 20]);
  expect(client.inbox.some((m) => m.type === "WriteNotifyResponse")).toBe(false);
  moves[1]!.arrive();
  expect(await answer(2)).toBe(ECA.NORMAL);
});

it("gives up on a put that holds up the next for 60 s, with ECA_PUTCBINPROG", async () => {
  await oneMovingOneWaiting();
  await sleep(20);
  await clock.advance(59.9);
  expect(moves).toHaveLength(1);
  await clock.advance(0.1);
  expect(await answer(1)).toBe(ECA.PUTCBINPROG);
  await sleep(20);
  expect(moves.map((m) => m.target)).toEqual([10, 20]);
  moves[0]!.arrive(); // too late: already answered
  moves[1]!.arrive();
  expect(await answer(2)).toBe(ECA.NORMAL);
  await sleep(20);
  expect(client.inbox.filter((m) => m.type === "WriteNotifyResponse")).toEqual([]);
});

it("stops reading the circuit while 64 put-callbacks wait, and goes on as they start", async () => {
  const motor = await client.create("T:motor");
  for (let ioid = 1; ioid <= 70; ioid++) putCallback(motor.sid, ioid, ioid);
  client.send({
    type: "ReadNotifyRequest",
    sid: motor.sid,
    ioid: 500,
    dataType: DBR.DOUBLE,
    dataCount: 1,
  });
  await sleep(50);
  // One moving, 64 waiting: the rest (and the read behind them) are not read yet.
  expect(moves).toHaveLength(1);
  expect(server.circuits()[0]!.channels).toBe(1);
  expect(client.inbox.some((m) => m.type === "ReadNotifyResponse")).toBe(false);

  for (let done = 0; done < 70; done++) {
    while (moves.length <= done) await sleep(1);
    moves[done]!.arrive();
    expect(await answer(done + 1)).toBe(ECA.NORMAL);
  }
  expect(moves.map((m) => m.target)).toEqual(Array.from({ length: 70 }, (_, i) => i + 1));
  // The read waited behind the channel's puts: it saw the last one's target.
  expect((await client.next("ReadNotifyResponse")).data?.value).toEqual(Float64Array.of(70));
});

it("keeps the channel's later requests behind a waiting put-callback, in order", async () => {
  const motor = await oneMovingOneWaiting();
  const other = await client.create("T:other");
  client.send(
    plainWrite(motor.sid, 3, 30),
    { type: "ReadNotifyRequest", sid: motor.sid, ioid: 4, dataType: DBR.DOUBLE, dataCount: 1 },
    { type: "ReadNotifyRequest", sid: other.sid, ioid: 5, dataType: DBR.DOUBLE, dataCount: 1 },
  );
  // Another channel is not held up; this one's write and read wait their turn.
  expect((await client.next("ReadNotifyResponse", (m) => m.ioid === 5)).data?.value).toEqual(
    Float64Array.of(1),
  );
  await sleep(20);
  expect(moves.map((m) => m.target)).toEqual([10]);
  expect(client.inbox.some((m) => m.type === "ReadNotifyResponse")).toBe(false);

  moves[0]!.arrive();
  expect(await answer(1)).toBe(ECA.NORMAL);
  // The second put starts, then the plain write after it, then the read sees that write.
  const read = await client.next("ReadNotifyResponse", (m) => m.ioid === 4);
  expect(read.data?.value).toEqual(Float64Array.of(30));
  expect(moves.map((m) => m.target)).toEqual([10, 20, 30]);
  moves[1]!.arrive();
  expect(await answer(2)).toBe(ECA.NORMAL);
});

it("clears a channel in its turn: the puts ahead start, none is answered after the clear", async () => {
  const motor = await oneMovingOneWaiting();
  client.send({ type: "ClearChannelRequest", sid: motor.sid, cid: motor.cid });
  await sleep(20);
  expect(client.inbox.some((m) => m.type === "ClearChannelResponse")).toBe(false);
  moves[0]!.arrive();
  expect(await answer(1)).toBe(ECA.NORMAL);
  await client.next("ClearChannelResponse");
  expect(moves.map((m) => m.target)).toEqual([10, 20]);
  moves[1]!.arrive();
  await sleep(50);
  expect(client.inbox.filter((m) => m.type === "WriteNotifyResponse")).toEqual([]);
});

it("refuses a put-callback without write access only after the requests ahead of it", async () => {
  const motor = await oneMovingOneWaiting();
  await sleep(20);
  writable = false;
  server.refreshAccessRights();
  await client.next("AccessRightsResponse");
  putCallback(motor.sid, 3, 30);
  await sleep(20);
  expect(client.inbox.some((m) => m.type === "WriteNotifyResponse")).toBe(false);
  moves[0]!.arrive();
  const order: number[] = [];
  for (let i = 0; i < 2; i++) order.push((await client.next("WriteNotifyResponse")).ioid);
  expect(order).toEqual([1, 3]); // 2 started (it was sent with access), 3 refused after it
  moves[1]!.arrive();
  expect(await answer(2)).toBe(ECA.NORMAL);
});

it("still answers a clear held behind puts when the server drops the channel", async () => {
  const motor = await oneMovingOneWaiting();
  client.send({ type: "ClearChannelRequest", sid: motor.sid, cid: motor.cid });
  await sleep(20);
  server.disconnectChannels("T:motor");
  expect((await client.next("ServerDisconnResponse")).cid).toBe(motor.cid);
  expect((await client.next("ClearChannelResponse")).sid).toBe(motor.sid);
});

it("takes a new client name, which may change rights, only after the requests held before it", async () => {
  const motor = await oneMovingOneWaiting();
  client.send(plainWrite(motor.sid, 3, 30), { type: "ClientNameRequest", name: "guest" });
  await sleep(20);
  expect(client.inbox.some((m) => m.type === "AccessRightsResponse")).toBe(false);
  moves[0]!.arrive();
  // The write was sent with write access and is applied; then the rename takes it away.
  expect((await client.next("AccessRightsResponse")).accessRights).toBe(AccessRights.READ);
  expect(moves.map((m) => m.target)).toEqual([10, 20, 30]);
  expect(client.inbox.some((m) => m.type === "ErrorResponse")).toBe(false);
});
