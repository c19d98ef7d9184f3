import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/core/index.js";
import {
  Autosave,
  type AutosaveOptions,
  readSaveFile,
  renderSaveFile,
} from "../../../src/ioc/autosave/index.js";
import { MemoryFs } from "./memory-fs.js";

const FILE = "as/ioc.sav";

function setup(options: Partial<AutosaveOptions> = {}, fs = new MemoryFs()) {
  const clock = new VirtualClock({ auto: false });
  const logged: string[] = [];
  const autosave = new Autosave({
    file: FILE,
    clock,
    fs,
    log: (m) => logged.push(m),
    ...options,
  });
  const fields = new Map<string, string | string[]>([
    ["m1.VAL", "1"],
    ["m1.VELO", "2"],
  ]);
  for (const pv of fields.keys()) autosave.track(pv, () => fields.get(pv)!);
  return { clock, fs, autosave, fields, logged };
}

/** The PV lines of a file, without its dated header. */
const bodyOf = (text: string | undefined): string[] => (text ?? "").split("\n").slice(1);

describe("Autosave", () => {
  it("joins many changes within a period into one write, made a period after the first", async () => {
    const { clock, fs, autosave, fields } = setup({ periodSeconds: 5 });
    for (let i = 0; i < 200; i++) {
      fields.set("m1.VAL", String(i));
      autosave.changed("m1.VAL");
      await clock.advance(0.04);
    }
    // 8 s of changes: one write at 5 s, the rest wait for the next period.
    expect(fs.writesTo(FILE)).toBe(1);
    await clock.advance(10);
    expect(fs.writesTo(FILE)).toBe(2);
    expect(bodyOf(fs.files.get(FILE))).toEqual(["m1.VAL 199", "m1.VELO 2", "<END>", ""]);
    expect(fs.files.get(`${FILE}B`)).toBe(fs.files.get(FILE));
    await clock.advance(60);
    expect(fs.writesTo(FILE)).toBe(2);
  });

  it("saves by itself on a VirtualClock that runs on its own", async () => {
    const fs = new MemoryFs();
    const clock = new VirtualClock();
    const autosave = new Autosave({ file: FILE, clock, fs, periodSeconds: 30 });
    autosave.track("m1.VAL", () => "3");
    autosave.changed("m1.VAL");
    await clock.sleep(31);
    expect(bodyOf(fs.files.get(FILE))[0]).toBe("m1.VAL 3");
  });

  it("writes a temporary file and renames it, and skips a save that changes nothing", async () => {
    const { clock, fs, autosave, fields } = setup();
    autosave.changed("m1.VELO");
    await clock.advance(5);
    expect(fs.calls.filter((c) => c[0] !== "read")).toEqual([
      ["write", `${FILE}.tmp`],
      ["rename", `${FILE}.tmp`, FILE],
      ["write", `${FILE}B.tmp`],
      ["rename", `${FILE}B.tmp`, `${FILE}B`],
    ]);
    expect(fs.files.get(FILE)).toMatch(
      /^# save\/restore V5\.10\tAutomatically generated - DO NOT MODIFY - \d{6}-\d{6}\n/,
    );
    fields.set("m1.VAL", "1");
    autosave.changed("m1.VAL");
    await clock.advance(5);
    expect(fs.writesTo(FILE)).toBe(1);
  });

  it("ignores changes of fields it does not track, and reads `rec` as `rec.VAL`", async () => {
    const { clock, fs, autosave } = setup();
    autosave.changed("m1.EGU");
    await clock.advance(10);
    expect(fs.calls).toEqual([]);
    expect(autosave.isTracked("m1")).toBe(true);
    autosave.changed("m1");
    await clock.advance(5);
    expect(fs.writesTo(FILE)).toBe(1);
  });

  it("keeps the old file whole when the rename fails, and tries again a period later", async () => {
    const fs = new MemoryFs();
    const { clock, autosave, fields, logged } = setup({}, fs);
    autosave.changed("m1.VAL");
    await clock.advance(5);
    const good = fs.files.get(FILE);

    fields.set("m1.VAL", "7");
    autosave.changed("m1.VAL");
    fs.failWhen = (c) => (c[0] === "rename" ? new Error("EIO: crash before rename") : undefined);
    await clock.advance(5);
    expect(fs.files.get(FILE)).toBe(good);
    expect(fs.files.has(`${FILE}.tmp`)).toBe(false);
    expect(logged).toEqual([
      `${FILE}: cannot save: EIO: crash before rename; the old file is kept`,
    ]);
    const restarted = new Autosave({ file: FILE, clock, fs, log: () => {}, bootBackup: "none" });
    const restored = await restarted.restore();
    expect(restored.values.get("m1.VAL")).toBe("1");

    fs.failWhen = () => undefined;
    await clock.advance(5);
    expect(bodyOf(fs.files.get(FILE))[0]).toBe("m1.VAL 7");
  });

  it("saves a field it cannot read as a comment, so a restore keeps the old value", async () => {
    const { clock, fs, autosave, logged } = setup();
    autosave.track("m1.OFF", () => {
      throw new Error("no such field");
    });
    autosave.changed("m1.OFF");
    await clock.advance(5);
    expect(bodyOf(fs.files.get(FILE))).toEqual([
      "! 1 channel(s) not connected - or not all gets were successful",
      "m1.VAL 1",
      "m1.VELO 2",
      "#m1.OFF ",
      "<END>",
      "",
    ]);
    expect(logged).toEqual(["m1.OFF: cannot read it to save: no such field"]);
  });

  it("flush() writes at once, close() writes what is pending and stops", async () => {
    const { clock, fs, autosave, fields } = setup();
    autosave.changed("m1.VAL");
    await autosave.flush();
    expect(fs.writesTo(FILE)).toBe(1);
    fields.set("m1.VELO", "3");
    autosave.changed("m1.VELO");
    await autosave.close();
    expect(fs.writesTo(FILE)).toBe(2);
    expect(clock.pendingTimers).toBe(0);
    autosave.changed("m1.VELO");
    expect(clock.pendingTimers).toBe(0);
    expect(() => autosave.track("x.VAL", () => "1")).toThrow(/closed/);
  });
});

describe("Autosave.restore", () => {
  const saved = renderSaveFile(
    [
      { pv: "m1.VAL", value: "4.5" },
      { pv: "wf.VAL", value: ["1", "2"] },
    ],
    "261206-120000",
  );

  it("gives the saved values and keeps a boot backup", async () => {
    const fs = new MemoryFs({ [FILE]: saved });
    const { autosave, logged } = setup({}, fs);
    const restored = await autosave.restore();
    expect(restored.source).toBe(FILE);
    expect([...restored.values]).toEqual([
      ["m1.VAL", "4.5"],
      ["wf.VAL", ["1", "2"]],
    ]);
    expect(fs.files.get(`${FILE}.bu`)).toBe(saved);
    expect(logged).toEqual([]);
  });

  it("on a damaged file applies none of it, reports file:line, and uses the .savB backup", async () => {
    const cut = saved.slice(0, saved.indexOf("<END>"));
    const fs = new MemoryFs({ [FILE]: `${cut}m1.VELO 9\n`, [`${FILE}B`]: saved });
    const { autosave, logged } = setup({ bootBackup: "none" }, fs);
    const restored = await autosave.restore();
    expect(restored.source).toBe(`${FILE}B`);
    expect(restored.values.has("m1.VELO")).toBe(false);
    expect(restored.values.get("m1.VAL")).toBe("4.5");
    expect(logged).toEqual([
      `${FILE}:4: no <END> line: the file was cut short, so none of it is restored; not restored from it`,
      `${FILE}: kept as ${FILE}_RBAD_`,
      `${FILE}: restored from the backup ${FILE}B`,
    ]);
    expect(fs.files.get(`${FILE}_RBAD_`)).toBe(`${cut}m1.VELO 9\n`);
  });

  it("restores nothing when both files are damaged, and nothing quietly on a first start", async () => {
    const bad = "r.VAL 1\n%%% 2\n<END>\n";
    const fs = new MemoryFs({ [FILE]: bad, [`${FILE}B`]: "r.VAL 1\n" });
    const first = setup({ bootBackup: "dated" }, fs);
    const restored = await first.autosave.restore();
    expect(restored.values.size).toBe(0);
    expect(restored.source).toBeUndefined();
    expect(first.logged).toEqual([
      `${FILE}:2: "%%%" is not a PV name; not restored from it`,
      expect.stringMatching(new RegExp(`^${FILE}: kept as ${FILE}_RBAD_\\d{6}-\\d{6}$`)),
      `${FILE}B:1: no <END> line: the file was cut short, so none of it is restored; not restored from it`,
      expect.stringMatching(new RegExp(`^${FILE}B: kept as ${FILE}B_RBAD_\\d{6}-\\d{6}$`)),
      `${FILE}: no usable save file; nothing restored`,
    ]);

    const empty = setup({}, new MemoryFs());
    expect((await empty.autosave.restore()).values.size).toBe(0);
    expect(empty.logged).toEqual([`${FILE}: no usable save file; nothing restored`]);
  });
});

describe("Autosave on the disk", () => {
  const dir = mkdtempSync(join(tmpdir(), "hil-autosave-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("round-trips through real files and survives a restart", async () => {
    const file = join(dir, "ioc.sav");
    const clock = new VirtualClock({ auto: false });
    const values = new Map<string, string | string[]>([
      ["BL:m1.VELO", "2.5"],
      ["BL:m1.DESC", 'Stage "X" '],
      ["BL:wf.VAL", ["0.5", "1.5"]],
    ]);
    const first = new Autosave({ file, clock });
    for (const pv of values.keys()) first.track(pv, () => values.get(pv)!);
    first.changed("BL:m1.VELO");
    await first.close();
    expect(readFileSync(`${file}B`, "utf8")).toBe(readFileSync(file, "utf8"));

    const second = new Autosave({ file, clock });
    const restored = await second.restore();
    expect(restored.values).toEqual(values);
    expect(readFileSync(`${file}.bu`, "utf8")).toBe(readFileSync(file, "utf8"));

    writeFileSync(file, "BL:m1.VELO 9\n");
    expect(await readSaveFile(file)).toEqual({
      ok: false,
      missing: false,
      problem: `${file}:1: no <END> line: the file was cut short, so none of it is restored`,
    });
  });
});
