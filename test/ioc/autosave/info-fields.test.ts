import { describe, expect, it } from "vitest";
import { autosaveFieldsOf, autosavePvsOf } from "../../../src/ioc/autosave/index.js";

const infos = (entries: Record<string, string>): Map<string, { value: string }> =>
  new Map(Object.entries(entries).map(([k, v]) => [k, { value: v }]));

describe("autosave info items", () => {
  it("lists the fields of autosaveFields and its pass0/pass1 forms, each once", () => {
    expect(
      autosaveFieldsOf(
        infos({
          autosaveFields: "  VAL\tvelo  DESC$ ",
          autosaveFields_pass0: "DVAL VAL",
          autosaveFields_pass1: "DVAL OFF",
          other: "EGU",
        }),
      ),
    ).toEqual([
      { field: "VAL", pass: "both" },
      { field: "VELO", pass: "both" },
      { field: "DESC", pass: "both" },
      { field: "DVAL", pass: "both" },
      { field: "OFF", pass: "pass1" },
    ]);
    expect(autosaveFieldsOf(infos({ autosaveFields_pass0: "VAL" }))).toEqual([
      { field: "VAL", pass: "pass0" },
    ]);
    expect(autosaveFieldsOf(infos({ autosaveFields: "" }))).toEqual([]);
  });

  it("gives the PV names of a database's saved fields", () => {
    expect(
      autosavePvsOf([
        { name: "BL:m1", infos: infos({ autosaveFields: "VAL VELO" }) },
        { name: "BL:plain", infos: infos({}) },
        { name: "BL:ao", infos: infos({ autosaveFields_pass1: "VAL" }) },
      ]),
    ).toEqual(["BL:m1.VAL", "BL:m1.VELO", "BL:ao.VAL"]);
  });
});
