// Golden vectors for the push socket's `raw` return format. The expected replies follow
// PyExpLabSys.common.sockets: PushUDPHandler._format_return_raw_list (a list of lists),
// _format_return_raw_dict (a dict), and _format_return_raw / _set_data, which turn what
// these raise into `EXCEP#Raw conversion failed with message:<str(exception)>`.
import { describe, expect, it } from "vitest";
import {
  PushSocketCore,
  type PyValue,
  type ReturnFormat,
  pyInt,
} from "../../../src/server/data-sockets/index.js";

const failed = "EXCEP#Raw conversion failed with message:";
const onlyTypes =
  "With return format raw, the item type can only be one of 'int', 'float', 'bool' and 'str'.";
const mixed = "With return format raw on a list of lists, all values  in list must have same type.";

function replyTo(returned: PyValue, returnFormat: ReturnFormat = "raw"): string {
  const socket = new PushSocketCore({
    name: "p",
    clock: { now: () => 0 },
    returnFormat,
    callbackDirect: () => returned,
  });
  return socket.reply("raw_wn#a:int:1");
}

describe("raw return of a list of lists (_format_return_raw_list)", () => {
  it.each<[string, PyValue, string]>([
    // The element type is checked after the same-type check: str() of the class.
    ["[[None]]", [[null]], `${failed}${onlyTypes} The type is: <class 'NoneType'>`],
    ["[[None, None]]", [[null, null]], `${failed}${onlyTypes} The type is: <class 'NoneType'>`],
    ["[[[1]]]", [[[pyInt(1)]]], `${failed}${onlyTypes} The type is: <class 'list'>`],
    ["[[{}]]", [[new Map()]], `${failed}${onlyTypes} The type is: <class 'dict'>`],
    // No values at all: types[0] raises IndexError.
    ["[]", [], `${failed}list index out of range`],
    ["[[]]", [[]], `${failed}list index out of range`],
    ["[[], []]", [[], []], `${failed}list index out of range`],
    // One class per value, in order, repeats kept.
    [
      "[[1, 2.0, 3]]",
      [[pyInt(1), 2.0, pyInt(3)]],
      `${failed}${mixed} Types are: [<class 'int'>, <class 'float'>, <class 'int'>]`,
    ],
    [
      "[[1, 2], [3.0, 4.0]]",
      [
        [pyInt(1), pyInt(2)],
        [3.0, 4.0],
      ],
      `${failed}${mixed} Types are: [<class 'int'>, <class 'int'>, <class 'float'>, <class 'float'>]`,
    ],
    [
      "[[True], [1]]",
      [[true], [pyInt(1)]],
      `${failed}${mixed} Types are: [<class 'bool'>, <class 'int'>]`,
    ],
    // The same-type check comes before the element type check.
    [
      "[[None], ['x']]",
      [[null], ["x"]],
      `${failed}${mixed} Types are: [<class 'NoneType'>, <class 'str'>]`,
    ],
    // A non-list element is refused while the rows are read, before any type check.
    [
      "[[None], 5]",
      [[null], pyInt(5)],
      `${failed}With return format raw on a list, the elements themselves be lists`,
    ],
    // Empty rows add no type and stay as empty rows.
    ["[[], [1]]", [[], [pyInt(1)]], "RET#int:&1"],
    ["[[True, False]]", [[true, false]], "RET#bool:True,False"],
    ["[['a,b', 'c'], ['d']]", [["a,b", "c"], ["d"]], "RET#str:a,b,c&d"],
    ["[[1e-05, 2.0]]", [[1e-5, 2.0]], "RET#float:1e-05,2.0"],
  ])("%s", (_what, returned, expected) => {
    expect(replyTo(returned)).toBe(expected);
  });
});

describe("raw return of a dict (_format_return_raw_dict)", () => {
  it.each<[string, PyValue, string]>([
    ["{}", new Map(), "RET#"],
    // An empty list gets the type name '' and fails the type check: "is of type: " ends in a space.
    ["{'v': []}", new Map([["v", []]]), `${failed}${onlyTypes} Object: '[]' is of type: `],
    [
      "{'v': [[1]]}",
      new Map([["v", [[pyInt(1)]]]]),
      `${failed}${onlyTypes} Object: '[[1]]' is of type: list`,
    ],
    [
      "{'v': {'w': 'x'}}",
      new Map([["v", new Map([["w", "x"]])]]),
      `${failed}${onlyTypes} Object: '{'w': 'x'}' is of type: dict`,
    ],
    [
      "{'v': [True, 1]}",
      new Map([["v", [true, pyInt(1)]]]),
      `${failed}With return format raw, value in list must have same type`,
    ],
    [
      "{'a': 's', 'b': [None]}",
      new Map<string, PyValue>([
        ["a", "s"],
        ["b", [null]],
      ]),
      `${failed}${onlyTypes} Object: '[None]' is of type: NoneType`,
    ],
  ])("%s", (_what, returned, expected) => {
    expect(replyTo(returned)).toBe(expected);
  });
});

describe("formatting failures (_set_data)", () => {
  it("sends a failure of the json formatting back as EXCEP#, not no reply", () => {
    // Outside PyValue, as a JS callback may return at run time; Python catches what
    // json.dumps raises and replies EXCEP#<message>.
    expect(replyTo(new Set([1]) as unknown as PyValue, "json")).toMatch(/^EXCEP#/);
  });
});
