// Edits the queue at path argv[2] in an endless loop, printing each finished step's number;
// the crash test kills it with SIGKILL at a random moment. Batch numbers start at argv[3].
import type { ItemSubmission } from "../../../src/server/queue/index.js";
import { QueueStore } from "../../../src/server/queue/index.js";

const store = new QueueStore(process.argv[2]!);
const who = { user: "writer", user_group: "primary" };
const batchOf = (item: { kwargs: Record<string, unknown> }) => Number(item.kwargs["batch"]);

for (let n = Number(process.argv[3] ?? 0); ; n++) {
  const batch: ItemSubmission[] = Array.from({ length: 5 }, (_, index) => ({
    item_type: "plan",
    name: "count",
    kwargs: { batch: n, index },
  }));
  store.queue.addBatch(batch, who, { pos: n % 2 === 0 ? "back" : "front" });
  const items = store.queue.get().items;
  if (n % 3 === 2) {
    // Moves the front batch to the back, whole.
    const first = batchOf(items[0]!);
    const uids = items.filter((i) => batchOf(i) === first).map((i) => i.item_uid);
    store.queue.moveBatch(uids, { pos_dest: "back" });
  }
  if (n % 4 === 3 && !store.queue.runningItem()) {
    const last = batchOf(items.at(-1)!);
    store.queue.removeBatch(items.filter((i) => batchOf(i) === last).map((i) => i.item_uid));
  }
  if (n % 5 === 4 && store.running.startNext()) {
    // A failed plan returns to the front with a new uid: its batch stays whole.
    store.running.finish({ exit_status: "failed", msg: "simulated failure" });
  }
  process.stdout.write(`${n}\n`);
}
