// The receiving end of the 0MQ benchmark in a process of its own, as on another machine: a
// proxy and a RemoteDispatcher on its out-port. Prints `ready <in-port>` once the dispatcher
// has subscribed, then `stop <documents received>` at each run's stop document.
import { ZmqProxy, ZmqRemoteDispatcher } from "../src/callbacks/index.js";

const serializer = process.argv[2] === "json" ? "json" : "msgpack";
const proxy = new ZmqProxy({ inPort: 0, outPort: 0 });
await proxy.start();
const dispatcher = new ZmqRemoteDispatcher(`127.0.0.1:${proxy.outPort}`, {
  deserializer: serializer,
});
let received = 0;
dispatcher.subscribe((...[name]) => {
  received++;
  if (name === "stop") {
    process.stdout.write(`stop ${received}\n`);
    received = 0;
  }
});
dispatcher.start();
await proxy.subscribers(1);
process.stdout.write(`ready ${proxy.inPort}\n`);
process.stdin.resume();
process.stdin.on("end", () => {
  void dispatcher.close().then(() => proxy.close());
});
