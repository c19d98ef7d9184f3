// msgpack_numpy's maps read back as a Python peer's `.tolist()` gives them, for both the
// 0MQ and the Kafka decoder.
import { encode } from "@msgpack/msgpack";
import { describe, expect, it } from "vitest";
import { decodeDocument } from "../../src/callbacks/kafka/index.js";
import { decodeNumpyMsgpack, fromNumpy, numpyValue } from "../../src/callbacks/numpy-msgpack.js";
import { plainJson } from "../../src/callbacks/plain-json.js";
import { zmqMsgpackSerializer } from "../../src/callbacks/index.js";

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, "hex"));

// [what, msgpack_numpy's bytes, its decode's .tolist() as JSON]. Made by Debian's python3
// (python3-msgpack 1.0.3, python3-numpy 1.24.2): each value packed as msgpack_numpy.encode
// does (bin keys nd, type, kind, shape, data; `type` the dtype.str; the C-ordered bytes) with
// msgpack.packb(use_bin_type=True), and read back with msgpack_numpy.decode's own steps,
// np.ndarray(buffer=data, dtype=type, shape=shape) or np.frombuffer(data, type)[0].
const fixtures: [string, string, unknown][] = [
  [
    "0-d float64 array",
    "85c4026e64c3c40474797065a33c6638c4046b696e64c400c405736861706590c40464617461c4080000000000000440",
    2.5,
  ],
  [
    "0-d bool array",
    "85c4026e64c3c40474797065a37c6231c4046b696e64c400c405736861706590c40464617461c40101",
    true,
  ],
  ["float64 scalar", "83c4026e64c2c40474797065a33c6638c40464617461c408000000000000c0bf", -0.125],
  ["int32 scalar", "83c4026e64c2c40474797065a33c6934c40464617461c404f9ffffff", -7],
  ["bool scalar", "83c4026e64c2c40474797065a37c6231c40464617461c40100", false],
  [
    "1-d float64",
    "85c4026e64c3c40474797065a33c6638c4046b696e64c400c40573686170659103c40464617461c418000000000000f03f00000000000000400000000000000cc0",
    [1.0, 2.0, -3.5],
  ],
  [
    "1-d float32",
    "85c4026e64c3c40474797065a33c6634c4046b696e64c400c40573686170659102c40464617461c4080000003f0000a03f",
    [0.5, 1.25],
  ],
  [
    "1-d float16",
    "85c4026e64c3c40474797065a33c6632c4046b696e64c400c40573686170659104c40464617461c408003c00c1ff7b0100",
    [1.0, -2.5, 65504.0, 5.960464477539063e-8],
  ],
  [
    "1-d int64",
    "85c4026e64c3c40474797065a33c6938c4046b696e64c400c40573686170659103c40464617461c4180100000000000000feffffffffffffff0000000000002000",
    [1, -2, 9007199254740992],
  ],
  [
    "1-d uint64",
    "85c4026e64c3c40474797065a33c7538c4046b696e64c400c40573686170659102c40464617461c41000000000000000000000000000010000",
    [0, 1099511627776],
  ],
  [
    "1-d int16",
    "85c4026e64c3c40474797065a33c6932c4046b696e64c400c40573686170659102c40464617461c4040080ff7f",
    [-32768, 32767],
  ],
  [
    "1-d uint16",
    "85c4026e64c3c40474797065a33c7532c4046b696e64c400c40573686170659102c40464617461c404ffff0100",
    [65535, 1],
  ],
  [
    "1-d int8",
    "85c4026e64c3c40474797065a37c6931c4046b696e64c400c40573686170659102c40464617461c402807f",
    [-128, 127],
  ],
  [
    "1-d uint8",
    "85c4026e64c3c40474797065a37c7531c4046b696e64c400c40573686170659102c40464617461c40200ff",
    [0, 255],
  ],
  [
    "1-d uint32",
    "85c4026e64c3c40474797065a33c7534c4046b696e64c400c40573686170659101c40464617461c404ffffffff",
    [4294967295],
  ],
  [
    "1-d bool",
    "85c4026e64c3c40474797065a37c6231c4046b696e64c400c40573686170659103c40464617461c403010001",
    [true, false, true],
  ],
  [
    "2-d int32",
    "85c4026e64c3c40474797065a33c6934c4046b696e64c400c4057368617065920203c40464617461c418000000000100000002000000030000000400000005000000",
    [
      [0, 1, 2],
      [3, 4, 5],
    ],
  ],
  [
    "2-d bool",
    "85c4026e64c3c40474797065a37c6231c4046b696e64c400c4057368617065920202c40464617461c40401000001",
    [
      [true, false],
      [false, true],
    ],
  ],
  [
    "3-d uint8",
    "85c4026e64c3c40474797065a37c7531c4046b696e64c400c405736861706593020202c40464617461c4080001020304050607",
    [
      [
        [0, 1],
        [2, 3],
      ],
      [
        [4, 5],
        [6, 7],
      ],
    ],
  ],
  [
    "Fortran-ordered 2-d float64",
    "85c4026e64c3c40474797065a33c6638c4046b696e64c400c4057368617065920203c40464617461c4300000000000000000000000000000f03f0000000000000040000000000000084000000000000010400000000000001440",
    [
      [0.0, 1.0, 2.0],
      [3.0, 4.0, 5.0],
    ],
  ],
  [
    "big-endian float64",
    "85c4026e64c3c40474797065a33e6638c4046b696e64c400c40573686170659102c40464617461c4103ff8000000000000c000000000000000",
    [1.5, -2.0],
  ],
  [
    "big-endian int32 2-d",
    "85c4026e64c3c40474797065a33e6934c4046b696e64c400c4057368617065920202c40464617461c41000000001fffffffe0000000300000102",
    [
      [1, -2],
      [3, 258],
    ],
  ],
  [
    "big-endian uint16",
    "85c4026e64c3c40474797065a33e7532c4046b696e64c400c40573686170659102c40464617461c40402010001",
    [513, 1],
  ],
  [
    "big-endian float16",
    "85c4026e64c3c40474797065a33e6632c4046b696e64c400c40573686170659102c40464617461c4043c00c100",
    [1.0, -2.5],
  ],
  [
    "big-endian int64",
    "85c4026e64c3c40474797065a33e6938c4046b696e64c400c40573686170659102c40464617461c410fffffffffffffffd0000010000000000",
    [-3, 1099511627776],
  ],
  [
    "big-endian float32 0-d",
    "85c4026e64c3c40474797065a33e6634c4046b696e64c400c405736861706590c40464617461c4043f400000",
    0.75,
  ],
  [
    "empty 1-d",
    "85c4026e64c3c40474797065a33c6638c4046b696e64c400c40573686170659100c40464617461c400",
    [],
  ],
  [
    "empty 2x0",
    "85c4026e64c3c40474797065a33c6934c4046b696e64c400c4057368617065920200c40464617461c400",
    [[], []],
  ],
];

describe("msgpack_numpy's values", () => {
  it.each(fixtures)("reads a %s as Python's .tolist() gives it", (_what, bytes, expected) => {
    expect(decodeNumpyMsgpack(hex(bytes))).toStrictEqual(expected);
  });

  it("reads a 0-d array and a scalar as the scalar, not a list of one", () => {
    const zeroD = fixtures.find(([what]) => what === "0-d float64 array")![1];
    expect(decodeNumpyMsgpack(hex(zeroD))).toBe(2.5);
  });

  it("reads bool arrays as true and false, not 0 and 1", () => {
    const bools = fixtures.find(([what]) => what === "2-d bool")![1];
    expect(decodeNumpyMsgpack(hex(bools))).toStrictEqual([
      [true, false],
      [false, true],
    ]);
  });

  it("gives the same document through the 0MQ and the Kafka decoder", () => {
    const doc = `82a464617461${"83"}${["a37a6572", "a3666c67", "a3696d67"]
      .map((key, i) => key + fixtures[[0, 15, 16][i]!]![1])
      .join("")}a77365715f6e756d01`;
    const expected = {
      data: {
        zer: 2.5,
        flg: [true, false, true],
        img: [
          [0, 1, 2],
          [3, 4, 5],
        ],
      },
      seq_num: 1,
    };
    expect(zmqMsgpackSerializer.deserialize(hex(doc))).toStrictEqual(expected);
    expect(decodeDocument(hex(`92a56576656e74${doc}`))).toStrictEqual(["event", expected]);
  });

  it("reads maps keyed in str, as older msgpack_numpy wrote them, nested in lists and maps", () => {
    const data = Uint8Array.from([1, 0, 2, 0]);
    const packed = encode({
      rows: [{ nd: true, type: "<i2", shape: [2], data }, 7],
      flag: { nd: false, type: "|b1", data: Uint8Array.from([1]) },
    });
    expect(decodeNumpyMsgpack(packed)).toStrictEqual({ rows: [[1, 2], 7], flag: true });
  });

  it("leaves dtypes with no JSON value (complex, strings) and other maps with nd as maps", () => {
    const complex = {
      nd: true,
      type: "<c16",
      kind: new Uint8Array(0),
      shape: [1],
      data: new Uint8Array(16),
    };
    const text = { nd: true, type: "<U3", shape: [], data: new Uint8Array(12) };
    const wide = { nd: true, type: "|f8", shape: [], data: new Uint8Array(8) };
    const notNumpy = { nd: "yes", type: "<f8", data: new Uint8Array(8) };
    for (const map of [complex, text, wide, notNumpy]) {
      expect(numpyValue(map)).toBeUndefined();
      expect(fromNumpy(structuredClone(map))).toStrictEqual(map);
    }
  });

  it("refuses what numpy refuses: too few bytes for the shape, a scalar of no whole item", () => {
    const short = { nd: true, type: "<f8", shape: [2], data: new Uint8Array(8) };
    expect(() => numpyValue(short)).toThrow(/needs 16 bytes and has 8/);
    expect(() => numpyValue({ nd: false, type: "<i4", data: new Uint8Array(3) })).toThrow(
      RangeError,
    );
    expect(() =>
      numpyValue({ nd: true, type: "<i4", shape: [-1], data: new Uint8Array(4) }),
    ).toThrow(TypeError);
  });
});

describe("plainJson", () => {
  it("turns typed arrays and bigints into plain arrays and numbers, and drops undefined fields", () => {
    const doc = {
      trace: new Float32Array([0.5, 1.5]),
      counts: new BigInt64Array([1n, -2n]),
      total: 3n,
      nested: [{ image: new Uint16Array([1, 2]), gone: undefined }],
      gone: undefined,
    };
    const plain = plainJson(doc);
    expect(plain).toStrictEqual({
      trace: [0.5, 1.5],
      counts: [1, -2],
      total: 3,
      nested: [{ image: [1, 2] }],
    });
    expect(Object.keys(plain as object)).not.toContain("gone");
    expect(doc.trace).toBeInstanceOf(Float32Array);
    expect("gone" in doc).toBe(true);
  });

  it("returns what needs no change as it is, without copying", () => {
    const doc = { a: [1, 2, { b: "c" }], d: null, e: true };
    expect(plainJson(doc)).toBe(doc);
  });
});
