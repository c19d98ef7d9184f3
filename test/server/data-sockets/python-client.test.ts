// A Python script with only the standard library's sockets, speaking PyExpLabSys's commands,
// reads our pull socket and pushes to our push socket.
import { execFile } from "node:child_process";
import { debianPython } from "../../support/peers.js";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/core/index.js";
import {
  PullSocketCore,
  PushSocketCore,
  SocketGroup,
  UdpDataSocket,
  pyInt,
  pyRepr,
} from "../../../src/server/data-sockets/index.js";

const python = "/usr/bin/python3";
const script = join(dirname(fileURLToPath(import.meta.url)), "pyexplabsys_client.py");

interface Exchange {
  port: "pull" | "push";
  request: string;
  reply: string;
  parsed?: string;
}

describe.skipIf(!debianPython().available)(
  "a standard-library Python client against our sockets",
  () => {
    const served: UdpDataSocket[] = [];
    afterAll(async () => {
      for (const socket of served) await socket.close();
    });

    it("gets the replies PyExpLabSys's sockets give", async () => {
      const clock = new VirtualClock({ start: 1414150005.0, auto: false });
      const group = new SocketGroup();
      const pull = new PullSocketCore({
        name: "moon socket",
        codenames: ["power", "duration", "old"],
        timeouts: [null, 30, 0.5],
        clock,
        group,
      });
      const received: string[] = [];
      const push = new PushSocketCore({
        name: "push socket",
        clock,
        group,
        onData: (data) => received.push(pyRepr(data)),
      });
      pull.setPointNow("old", 1.0);
      await clock.advance(10.697648);
      pull.setPoint("power", [clock.now(), 47.0]);
      pull.setPoint("duration", [1414150015.697672, 1e-5]);
      pull.setPoint("duration", [1414150015.697672, pyInt(2)]);
      served.push(await UdpDataSocket.serve(pull, { port: 0 }));
      served.push(await UdpDataSocket.serve(push, { port: 0 }));
      const [pullPort, pushPort] = served.map((s) => String(s.port));

      const { stdout } = await promisify(execFile)(python, [
        script,
        "127.0.0.1",
        pullPort!,
        pushPort!,
      ]);
      const exchanges = stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as Exchange);
      const reply = (port: "pull" | "push", request: string): Exchange => {
        const found = exchanges.find((e) => e.port === port && e.request === request);
        if (!found) throw new Error(`no exchange ${port} ${request}`);
        return found;
      };

      expect(reply("pull", "name").reply).toBe("moon socket");
      expect(reply("pull", "codenames_json")).toMatchObject({
        reply: '["power", "duration", "old"]',
        parsed: "['power', 'duration', 'old']",
      });
      expect(reply("pull", "codenames_raw").reply).toBe("power,duration,old");
      expect(reply("pull", "power#json")).toMatchObject({
        reply: "[1414150015.697648, 47.0]",
        parsed: "[1414150015.697648, 47.0]",
      });
      expect(reply("pull", "power#raw").reply).toBe("1414150015.697648,47.0");
      expect(reply("pull", "duration#raw").reply).toBe("1414150015.697672,2");
      expect(reply("pull", "old#json")).toMatchObject({
        reply: '"OLD_DATA"',
        parsed: "'OLD_DATA'",
      });
      expect(reply("pull", "old#raw").reply).toBe("OLD_DATA");
      expect(reply("pull", "json_wn").reply).toBe(
        '{"power": [1414150015.697648, 47.0], "duration": [1414150015.697672, 2], "old": "OLD_DATA"}',
      );
      expect(reply("pull", "raw_wn").reply).toBe(
        "power:1414150015.697648,47.0;duration:1414150015.697672,2;old:OLD_DATA",
      );
      expect(reply("pull", "json").reply).toBe(
        '[[1414150015.697648, 47.0], [1414150015.697672, 2], "OLD_DATA"]',
      );
      expect(reply("pull", "raw").reply).toBe(
        "1414150015.697648,47.0;1414150015.697672,2;OLD_DATA",
      );
      expect(reply("pull", "status").parsed).toBe(
        `{'system_status': {}, 'socket_server_status': {'${pullPort}': {'name': 'moon socket', 'type': 'date', 'status': 'OK', 'since_last_activity': 0.0}, '${pushPort}': {'name': 'push socket', 'type': 'push', 'status': 'DISABLED', 'since_last_activity': None}}}`,
      );
      expect(reply("pull", "nope#raw").reply).toBe("UNKNOWN_COMMMAND");
      expect(reply("pull", "bad command").reply).toBe("UNKNOWN_COMMMAND");

      expect(reply("push", "name").reply).toBe("RET#push socket");
      expect(reply("push", "commands").reply).toBe(
        'RET#["json_wn#", "raw_wn#", "name", "status", "commands"]',
      );
      const pushes = exchanges.filter((e) => e.port === "push").map((e) => e.reply);
      expect(pushes.slice(2)).toEqual([
        "ACK#{'greeting': 'Live long and prosper', 'number': 47}",
        `ACK#{'a': True, 'b': None, 'c': 1e-05, 'd': [1, 2.0], 'e': "it's"}`,
        "ACK#{'greeting': 'Live long and prosper', 'numbers': [47, 42]}",
        "ACK#{'f': [1.0, 2.5, 1e+20], 'b': True, 's': 'x'}",
        "ERROR#The data part 'number:88' did not match the expected format of 3 parts divided by ':'",
        "ERROR#The object '[1, 2]' returned after decoding the JSON string is not a dict",
        "ERROR#UNKNOWN_COMMMAND",
      ]);
      expect(received).toEqual(pushes.slice(2, 6).map((ack) => ack.slice("ACK#".length)));
      expect(pyRepr(push.updated)).toBe(
        "{'greeting': 'Live long and prosper', 'number': 47, 'a': True, 'b': True, 'c': 1e-05, 'd': [1, 2.0], 'e': \"it's\", 'numbers': [47, 42], 'f': [1.0, 2.5, 1e+20], 's': 'x'}",
      );
    });
  },
);
