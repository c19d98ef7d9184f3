// The cores of the data sockets against the replies captured from PyExpLabSys's own sockets.
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/core/index.js";
import {
  DataSocketError,
  LiveSocketCore,
  PullSocketCore,
  PushSocketCore,
  type PyValue,
  type ReturnFormat,
  SocketGroup,
  parsePyJson,
  pyFloatRepr,
  pyInt,
  pyJson,
  pyRepr,
  pyStr,
} from "../../../src/server/data-sockets/index.js";

const t0 = 1414150015.697648;

/** The captured socket: power and duration set, old with a 0.5 s timeout and 10 s old. */
function moonSocket(): PullSocketCore {
  const socket = new PullSocketCore({
    name: "moon socket",
    codenames: ["power", "duration", "old"],
    timeouts: [null, null, 0.5],
    clock: { now: () => t0 + 0.01 },
  });
  socket.setPoint("power", [t0, 47.0]);
  socket.setPoint("duration", [1414150015.697672, 1e-5]);
  socket.setPoint("old", [t0 - 10, 1.0]);
  return socket;
}

describe("Python's number and text formatting", () => {
  it.each([
    [47, "47.0"],
    [-0, "-0.0"],
    [1e-5, "1e-05"],
    [1.5e-7, "1.5e-07"],
    [1e16, "1e+16"],
    [1.5e16, "1.5e+16"],
    [1e100, "1e+100"],
    [0.0001, "0.0001"],
    [9999999999999998, "9999999999999998.0"],
    [1e17, "1e+17"],
    [t0, "1414150015.697648"],
    [0.1, "0.1"],
    [123.456, "123.456"],
    [NaN, "nan"],
    [-Infinity, "-inf"],
  ])("repr(%s) is %s", (value, text) => {
    expect(pyFloatRepr(value)).toBe(text);
  });

  it("spells ints, bools, None, strings and containers as str(), repr() and json.dumps do", () => {
    expect(pyStr(pyInt(2))).toBe("2");
    expect(pyStr(true)).toBe("True");
    expect(pyStr(null)).toBe("None");
    expect(pyRepr("it's")).toBe(`"it's"`);
    expect(pyRepr("x")).toBe("'x'");
    expect(pyJson([NaN, Infinity, -Infinity, true, null])).toBe(
      "[NaN, Infinity, -Infinity, true, null]",
    );
    expect(pyJson(new Map([["x", "\u00e9\n"]]))).toBe('{"x": "\\u00e9\\n"}');
  });

  it("reads JSON as json.loads does: ints kept, NaN accepted, the last duplicate wins", () => {
    const value = parsePyJson('{"a": 1, "b": 2.0, "a": NaN, "c": [1e-5, -Infinity]}');
    expect(pyRepr(value)).toBe("{'a': nan, 'b': 2.0, 'c': [1e-05, -inf]}");
    expect(() => parsePyJson("nonsense")).toThrow();
    expect(() => parsePyJson("[1,")).toThrow();
  });
});

describe("pull sockets (DateDataPullSocket)", () => {
  it.each([
    ["name", "moon socket"],
    ["codenames_raw", "power,duration,old"],
    ["codenames_json", '["power", "duration", "old"]'],
    ["raw", "1414150015.697648,47.0;1414150015.697672,1e-05;OLD_DATA"],
    ["json", '[[1414150015.697648, 47.0], [1414150015.697672, 1e-05], "OLD_DATA"]'],
    ["raw_wn", "power:1414150015.697648,47.0;duration:1414150015.697672,1e-05;old:OLD_DATA"],
    [
      "json_wn",
      '{"power": [1414150015.697648, 47.0], "duration": [1414150015.697672, 1e-05], "old": "OLD_DATA"}',
    ],
    ["power#raw", "1414150015.697648,47.0"],
    ["power#json", "[1414150015.697648, 47.0]"],
    ["old#raw", "OLD_DATA"],
    ["old#json", '"OLD_DATA"'],
    ["nope#raw", "UNKNOWN_COMMMAND"],
    ["power#xml", "UNKNOWN_COMMMAND"],
    ["a#b#c", "UNKNOWN_COMMMAND"],
    ["", "UNKNOWN_COMMMAND"],
    ["name\n", "UNKNOWN_COMMMAND"],
    [" name", "UNKNOWN_COMMMAND"],
    ["NAME", "UNKNOWN_COMMMAND"],
  ])("%j gives %s", (request, reply) => {
    expect(moonSocket().reply(request)).toBe(reply);
  });

  it("turns a point into OLD_DATA once its x is older than the timeout, on the clock", async () => {
    const clock = new VirtualClock({ start: 1000 });
    const socket = new PullSocketCore({ name: "s", codenames: ["a"], timeouts: 2, clock });
    socket.setPointNow("a", 1.5);
    expect(socket.reply("a#raw")).toBe("1000.0,1.5");
    await clock.sleep(2);
    expect(socket.reply("a#raw")).toBe("1000.0,1.5");
    await clock.sleep(0.5);
    expect(socket.reply("a#raw")).toBe("OLD_DATA");
    expect(socket.reply("a#json")).toBe('"OLD_DATA"');
  });

  it("judges a DataPullSocket's point by when it was set, so a never-set codename is old at once", async () => {
    const clock = new VirtualClock({ start: 1000 });
    const socket = new PullSocketCore({
      name: "s",
      codenames: ["a", "b"],
      timeouts: 1,
      clock,
      type: "data",
    });
    expect(socket.reply("raw")).toBe("OLD_DATA;OLD_DATA");
    socket.setPoint("a", [5.0, pyInt(2)]);
    expect(socket.reply("raw_wn")).toBe("a:5.0,2;b:OLD_DATA");
    await clock.sleep(1.5);
    expect(socket.reply("a#raw")).toBe("OLD_DATA");
  });

  it("formats other values as the original does", () => {
    const socket = new PullSocketCore({
      name: "s",
      codenames: ["n", "b", "i"],
      clock: { now: () => 0 },
    });
    socket.setPoint("n", [1414150015.5, NaN]);
    socket.setPoint("b", [1414150015.5, true]);
    socket.setPoint("i", [pyInt(1414150015), 1e17]);
    expect(socket.reply("raw")).toBe("1414150015.5,nan;1414150015.5,True;1414150015,1e+17");
    expect(socket.reply("json")).toBe(
      "[[1414150015.5, NaN], [1414150015.5, true], [1414150015, 1e+17]]",
    );
  });

  it("refuses codenames as the original's constructor does", () => {
    const clock = { now: () => 0 };
    for (const char of ["#", ",", ";", ":", "&"]) {
      expect(() => new PullSocketCore({ name: "s", codenames: [`a${char}`], clock })).toThrow(
        new DataSocketError(`The character '${char}' is not allowed in the codenames`),
      );
    }
    expect(() => new PullSocketCore({ name: "s", codenames: ["x", "x"], clock })).toThrow(
      "Codenames must be unique; 'x' is present more than once",
    );
    expect(
      () => new PullSocketCore({ name: "s", codenames: ["x"], timeouts: [1, 2], clock }),
    ).toThrow(
      "If a list of timeouts is supplied, it must have as many items as there are in codenames",
    );
    expect(
      new PullSocketCore({ name: "s", codenames: ["with space"], clock }).reply("codenames_raw"),
    ).toBe("with space");
  });

  it("answers no datagram that is not ASCII, and none whose reply is not", () => {
    const socket = new PullSocketCore({
      name: "m\u00e5ne",
      codenames: ["a"],
      clock: { now: () => 0 },
    });
    expect(socket.handle(Buffer.from("codenames_raw"))).toEqual(Buffer.from("a"));
    expect(socket.handle(Buffer.from("a\u00e9", "utf8"))).toBeUndefined();
    expect(socket.handle(Buffer.from("name"))).toBeUndefined();
  });
});

describe("status", () => {
  it("reports every socket of the group by port, OK, INACTIVE or DISABLED", async () => {
    const clock = new VirtualClock({ start: 100 });
    const group = new SocketGroup(() => new Map([["machine_name", "vm"]]));
    const pull = new PullSocketCore({
      name: "moon socket",
      codenames: ["a"],
      clock,
      group,
      port: 19000,
      activityTimeout: 5,
    });
    const push = new PushSocketCore({ name: "push socket", clock, group, port: 18500 });
    group.add(pull);
    group.add(push);
    await clock.sleep(2);
    const expected = (status: string, since: string) =>
      `{"system_status": {"machine_name": "vm"}, "socket_server_status": {"19000": {"name": "moon socket", "type": "date", "status": "${status}", "since_last_activity": ${since}}, "18500": {"name": "push socket", "type": "push", "status": "DISABLED", "since_last_activity": null}}}`;
    expect(pull.reply("status")).toBe(expected("OK", "2.0"));
    await clock.sleep(4);
    expect(push.reply("status")).toBe(expected("INACTIVE", "6.0"));
    pull.setPointNow("a", 1.0);
    expect(pull.reply("status")).toBe(expected("OK", "0.0"));
    expect(() =>
      group.add(new PullSocketCore({ name: "x", codenames: [], clock, port: 19000 })),
    ).toThrow("A UDP server already exists on port: 19000");
  });
});

describe("push socket (DataPushSocket, store_last)", () => {
  it.each([
    ["name", "RET#push socket"],
    ["commands", 'RET#["json_wn#", "raw_wn#", "name", "status", "commands"]'],
    [
      'json_wn#{"greeting": "Live long and prosper", "number": 47}',
      "ACK#{'greeting': 'Live long and prosper', 'number': 47}",
    ],
    [
      `json_wn#{"a": true, "b": null, "c": 1e-5, "d": [1, 2.0], "e": "it's"}`,
      `ACK#{'a': True, 'b': None, 'c': 1e-05, 'd': [1, 2.0], 'e': "it's"}`,
    ],
    ["json_wn#{}", "ACK#{}"],
    [
      "raw_wn#greeting:str:Live long and prosper;numbers:int:47,42",
      "ACK#{'greeting': 'Live long and prosper', 'numbers': [47, 42]}",
    ],
    [
      "raw_wn#f:float:1,2.5,1e20;b:bool:True;s:str:x",
      "ACK#{'f': [1.0, 2.5, 1e+20], 'b': True, 's': 'x'}",
    ],
    ["raw_wn#a:str:", "ACK#{'a': ''}"],
    ["raw_wn#i:int: 7,+4_2;f:float:nan,-1E3,inf", "ACK#{'i': [7, 42], 'f': [nan, -1000.0, inf]}"],
    [
      "raw_wn#number:88",
      "ERROR#The data part 'number:88' did not match the expected format of 3 parts divided by ':'",
    ],
    [
      "raw_wn#",
      "ERROR#The data part '' did not match the expected format of 3 parts divided by ':'",
    ],
    [
      "raw_wn#number:floats:88",
      "ERROR#The data type 'floats' is unknown. Only dict_keys(['int', 'float', 'str', 'bool']) are allowed",
    ],
    [
      "raw_wn#n:int:4.5",
      "ERROR#Unable to convert values to 'int'. Error is: invalid literal for int() with base 10: '4.5'",
    ],
    [
      "raw_wn#b:bool:true",
      "ERROR#Unable to convert values to 'bool'. Error is: Cannot translate the string 'true' to a boolean. Only the strings 'True' or 'False' are allowed",
    ],
    ["json_wn#nonsense", "ERROR#The string 'nonsense' could not be decoded as JSON"],
    [
      'json_wn#"nonsense"',
      "ERROR#The object 'nonsense' returned after decoding the JSON string is not a dict",
    ],
    [
      "json_wn#[1,2]",
      "ERROR#The object '[1, 2]' returned after decoding the JSON string is not a dict",
    ],
    ["bad bad command", "ERROR#UNKNOWN_COMMMAND"],
    ["bad#nonsense", "ERROR#UNKNOWN_COMMMAND"],
    ["a#b#c", "ERROR#UNKNOWN_COMMMAND"],
  ])("%j gives %s", (request, reply) => {
    const socket = new PushSocketCore({ name: "push socket", clock: { now: () => 0 } });
    expect(socket.reply(request)).toBe(reply);
  });

  it("stores a dict whose ACK is not ASCII but sends no reply, as the original", () => {
    const socket = new PushSocketCore({ name: "p", clock: { now: () => 0 } });
    expect(socket.handle(Buffer.from('json_wn#{"x": "\\u00e9"}'))).toBeUndefined();
    expect(socket.updated.get("x")).toBe("\u00e9");
    expect(socket.handle(Buffer.from("json_wn#{}"))).toEqual(Buffer.from("ACK#{}"));
  });

  it("keeps the last dict and merges every one into updated", () => {
    const received: string[] = [];
    const clock = { now: () => 7 };
    const socket = new PushSocketCore({
      name: "p",
      clock,
      onData: (d) => received.push(pyRepr(d)),
    });
    socket.reply('json_wn#{"a": 1, "b": 2}');
    socket.reply("raw_wn#b:float:3");
    expect(pyRepr(socket.last!.data)).toBe("{'b': 3.0}");
    expect(socket.last!.time).toBe(7);
    expect(pyRepr(socket.updated)).toBe("{'a': 1, 'b': 3.0}");
    expect(received).toEqual(["{'a': 1, 'b': 2}", "{'b': 3.0}"]);
    socket.reply("raw_wn#x:int:nope");
    expect(received).toHaveLength(2);
  });
});

describe("LiveSocket sender", () => {
  it("gives the datagrams the original sends and sets its internal pull socket", () => {
    const live = new LiveSocketCore({
      name: "live",
      codenames: ["a", "b"],
      host: "vm",
      clock: { now: () => 1796582092.165032 },
    });
    const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8");
    expect(text(live.setPointNow("a", 1.5))).toBe(
      '{"host": "vm", "data": {"a": [1796582092.165032, 1.5]}}',
    );
    expect(text(live.setPoint("b", [1414150015.5, "on"]))).toBe(
      '{"host": "vm", "data": {"b": [1414150015.5, "on"]}}',
    );
    expect(
      text(
        live.setBatch(
          new Map([
            ["a", [1.0, 2.0]],
            ["b", [1.0, true]],
          ]),
        ),
      ),
    ).toBe('{"host": "vm", "data": {"a": [1.0, 2.0], "b": [1.0, true]}}');
    expect(live.pull.reply("json_wn")).toBe('{"a": [1.0, 2.0], "b": [1.0, true]}');
    expect(text(live.reset(["a"]))).toBe('{"host": "vm", "data": {"a": "RESET"}}');
    expect(live.pull.reply("json_wn")).toBe('{"a": ["R", "E", "S", "E", "T"], "b": [1.0, true]}');
    expect(live.pull.reply("a#raw")).toBe("R,E");
    expect(() => live.setPointNow("zzz", 1)).toThrow("The codename: 'zzz' is not registered");
    expect(live.pull.type).toBe("data");
    expect(live.pull.port).toBe(8000);
  });
});

describe("push socket with callback_direct", () => {
  const answer = new Map<string, PyValue>([
    ["answer", pyInt(42)],
    ["values", [pyInt(42), pyInt(47)]],
    ["ok", false],
  ]);
  const table: [string, PyValue, Record<ReturnFormat, string>][] = [
    [
      "a dict",
      answer,
      {
        json: 'RET#{"answer": 42, "values": [42, 47], "ok": false}',
        raw: "RET#answer:int:42;values:int:42,47;ok:bool:False",
        string: "RET#{'answer': 42, 'values': [42, 47], 'ok': False}",
      },
    ],
    [
      "a list of lists",
      [
        [7.0, 42.0],
        [7.5, 45.5],
      ],
      {
        json: "RET#[[7.0, 42.0], [7.5, 45.5]]",
        raw: "RET#float:7.0,42.0&7.5,45.5",
        string: "RET#[[7.0, 42.0], [7.5, 45.5]]",
      },
    ],
    ["None", null, { json: "RET#null", raw: "RET#None", string: "RET#None" }],
    [
      "a str",
      "plain text",
      {
        json: 'RET#"plain text"',
        raw: "EXCEP#Raw conversion failed with message:Return value must be a dict or list with return format 'raw'",
        string: "RET#plain text",
      },
    ],
    [
      "a flat list",
      [pyInt(1), "a"],
      {
        json: 'RET#[1, "a"]',
        raw: "EXCEP#Raw conversion failed with message:With return format raw on a list, the elements themselves be lists",
        string: "RET#[1, 'a']",
      },
    ],
  ];
  it.each(
    table.flatMap(([what, value, replies]) =>
      (Object.keys(replies) as ReturnFormat[]).map(
        (format) => [what, format, value, replies[format]] as const,
      ),
    ),
  )("returns %s in the %s format as the original does", (_what, format, value, reply) => {
    const seen: string[] = [];
    const socket = new PushSocketCore({
      name: "p",
      clock: { now: () => 0 },
      returnFormat: format,
      callbackDirect: (data) => {
        seen.push(pyRepr(data));
        return value;
      },
    });
    expect(socket.reply('json_wn#{"ret": 1}')).toBe(reply);
    expect(seen).toEqual(["{'ret': 1}"]);
    expect(pyRepr(socket.updated)).toBe("{'ret': 1}");
  });

  it("sends a raised error back as EXCEP#, and the raw format's other refusals", () => {
    const socket = (returned: () => PyValue, returnFormat: ReturnFormat = "raw") =>
      new PushSocketCore({
        name: "p",
        clock: { now: () => 0 },
        returnFormat,
        callbackDirect: returned,
      });
    expect(
      socket(() => {
        throw new Error("it broke");
      }).reply("raw_wn#a:int:1"),
    ).toBe("EXCEP#it broke");
    const prefix = "EXCEP#Raw conversion failed with message:";
    expect(socket(() => new Map([["v", [pyInt(1), 2.0]]])).reply("raw_wn#a:int:1")).toBe(
      `${prefix}With return format raw, value in list must have same type`,
    );
    expect(socket(() => new Map([["v", null]])).reply("raw_wn#a:int:1")).toBe(
      `${prefix}With return format raw, the item type can only be one of 'int', 'float', 'bool' and 'str'. Object: 'None' is of type: NoneType`,
    );
    expect(socket(() => [[pyInt(1)], [2.0]]).reply("raw_wn#a:int:1")).toBe(
      `${prefix}With return format raw on a list of lists, all values  in list must have same type. Types are: [<class 'int'>, <class 'float'>]`,
    );
    expect(socket(() => "x", "string").reply("raw_wn#a:int:nope")).toBe(
      "ERROR#Unable to convert values to 'int'. Error is: invalid literal for int() with base 10: 'nope'",
    );
    expect(() => socket(() => null, "xml" as ReturnFormat)).toThrow(
      "The 'return_format' argument may only be one of the 'json', 'raw' or 'string' values",
    );
  });
});
