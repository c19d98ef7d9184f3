import { describe, expect, it } from "vitest";
import { ECA, ecaName, isEcaSuccess } from "../../../src/ca/index.js";

describe("ECA status codes", () => {
  it("have the values of caerr.h (message number << 3 | severity)", () => {
    expect({
      NORMAL: ECA.NORMAL,
      ALLOCMEM: ECA.ALLOCMEM,
      UKNCHAN: ECA.UKNCHAN,
      TOLARGE: ECA.TOLARGE,
      TIMEOUT: ECA.TIMEOUT,
      BADTYPE: ECA.BADTYPE,
      INTERNAL: ECA.INTERNAL,
      GETFAIL: ECA.GETFAIL,
      PUTFAIL: ECA.PUTFAIL,
      ADDFAIL: ECA.ADDFAIL,
      BADCOUNT: ECA.BADCOUNT,
      BADSTR: ECA.BADSTR,
      DISCONN: ECA.DISCONN,
      BADMASK: ECA.BADMASK,
      NORDACCESS: ECA.NORDACCESS,
      NOWTACCESS: ECA.NOWTACCESS,
      NOCONVERT: ECA.NOCONVERT,
      BADCHID: ECA.BADCHID,
      "16KARRAYCLIENT": ECA["16KARRAYCLIENT"],
    }).toEqual({
      NORMAL: 1,
      ALLOCMEM: 48,
      UKNCHAN: 56,
      TOLARGE: 72,
      TIMEOUT: 80,
      BADTYPE: 114,
      INTERNAL: 142,
      GETFAIL: 152,
      PUTFAIL: 160,
      ADDFAIL: 168,
      BADCOUNT: 176,
      BADSTR: 186,
      DISCONN: 192,
      BADMASK: 330,
      NORDACCESS: 368,
      NOWTACCESS: 376,
      NOCONVERT: 400,
      BADCHID: 410,
      "16KARRAYCLIENT": 464,
    });
    expect(Object.keys(ECA)).toHaveLength(61);
    expect(ECA.PUTCBINPROG).toBe(362);
    expect(ECA.UNRESPTMO).toBe(480);
  });

  it("tell success from failure by bit 0 and name themselves", () => {
    expect(
      [ECA.NORMAL, ECA.IODONE, ECA.GETFAIL, ECA.BADTYPE, ECA.INTERNAL].map(isEcaSuccess),
    ).toEqual([true, true, false, false, false]);
    expect(ecaName(152)).toBe("ECA_GETFAIL");
    expect(ecaName(5)).toBe("ECA status 5");
  });
});
