// Tests that need a program from outside npm (socat, pyepics, pymodbus, EPICS base's
// softIoc) ask for it here: without it they skip with one line naming what to install, so
// `npm test` passes for a newcomer; with CI=true a missing peer fails the run, so CI proves
// those tests ran.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export interface Peer {
  /** What to install, e.g. "socat" or "python3-pymodbus". */
  readonly package: string;
  readonly available: boolean;
}

/**
 * Whether `isAvailable()`; if not, throws `ciNeeds` under CI=true, else warns once that the
 * tests needing `pkg` skip, and `howToGet` it.
 */
function probeWith(
  pkg: string,
  isAvailable: () => boolean,
  howToGet: string,
  ciNeeds: string,
): Peer {
  const available = isAvailable();
  if (!available && process.env.CI === "true") throw new Error(ciNeeds);
  if (!available) console.warn(`skipping tests that need ${pkg}: ${howToGet}`);
  return { package: pkg, available };
}

/** Whether `command args` exits 0; the package comes from apt. */
function probe(pkg: string, command: string, args: string[]): Peer {
  const runs = (): boolean =>
    spawnSync(command, args, { stdio: "ignore", timeout: 10_000 }).status === 0;
  const install = `apt-get install ${pkg}`;
  return probeWith(pkg, runs, install, `CI needs ${pkg} (${install}); .ci/run installs it`);
}

const cache = new Map<string, Peer>();

function once(pkg: string, make: () => Peer): Peer {
  let peer = cache.get(pkg);
  if (!peer) cache.set(pkg, (peer = make()));
  return peer;
}

export const socat = (): Peer => once("socat", () => probe("socat", "socat", ["-V"]));

/** Debian's own Python, for tests that need only its standard library. */
export const debianPython = (): Peer =>
  once("python3", () => probe("python3", "/usr/bin/python3", ["-c", "import json, socket"]));

/** Debian's Python, where python3-pymodbus and python3-pyepics live (not pyenv's). */
export const pymodbus = (): Peer =>
  once("python3-pymodbus", () =>
    probe("python3-pymodbus", "/usr/bin/python3", ["-c", "import pymodbus"]),
  );

export const pyepics = (): Peer =>
  once("python3-pyepics", () =>
    probe("python3-pyepics", "/usr/bin/python3", [
      "-c",
      "import epics.ca; epics.ca.initialize_libca()",
    ]),
  );

/** Debian's h5py, on its own libhdf5: reads the HDF5 files our detectors write. */
export const h5py = (): Peer =>
  once("python3-h5py", () => probe("python3-h5py", "/usr/bin/python3", ["-c", "import h5py"]));

/** Debian's tifffile: reads the TIFF frames our image writers save. */
export const tifffile = (): Peer =>
  once("python3-tifffile", () =>
    probe("python3-tifffile", "/usr/bin/python3", ["-c", "import tifffile"]),
  );

/** EPICS base, from ../shared/peers/epics beside the project (not from npm or apt). */
export const epicsFolder = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../../../shared/peers/epics",
);

/** EPICS base's softIoc and its dbd, the reference IOC. */
export const epicsBase = (): Peer =>
  once("EPICS base's softIoc", () =>
    probeWith(
      "EPICS base's softIoc",
      () =>
        existsSync(resolve(epicsFolder, "bin/softIoc")) &&
        existsSync(resolve(epicsFolder, "dbd/softIoc.dbd")),
      `no ${epicsFolder}`,
      `CI needs EPICS base's softIoc in ${epicsFolder}`,
    ),
  );

/** Debian's pyzmq and msgpack: a bluesky-style 0MQ peer without bluesky. */
export const pyzmq = (): Peer =>
  once("python3-zmq", () => probe("python3-zmq", "/usr/bin/python3", ["-c", "import zmq"]));

export const pymsgpack = (): Peer =>
  once("python3-msgpack", () =>
    probe("python3-msgpack", "/usr/bin/python3", ["-c", "import msgpack"]),
  );
