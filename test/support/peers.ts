// Tests that need a program from outside npm (socat, pyepics, pymodbus) ask for it here:
// without it they skip with one line naming the package, so `npm test` passes for a
// newcomer; with CI=true a missing peer fails the run, so CI proves those tests ran.
import { spawnSync } from "node:child_process";

export interface Peer {
  /** What to install, e.g. "socat" or "python3-pymodbus". */
  readonly package: string;
  readonly available: boolean;
}

function probe(pkg: string, command: string, args: string[]): Peer {
  const result = spawnSync(command, args, { stdio: "ignore", timeout: 10_000 });
  const available = result.status === 0;
  if (!available && process.env.CI === "true") {
    throw new Error(`CI needs ${pkg} (apt-get install ${pkg}); .ci/run installs it`);
  }
  if (!available) console.warn(`skipping tests that need ${pkg}: apt-get install ${pkg}`);
  return { package: pkg, available };
}

const cache = new Map<string, Peer>();

function once(pkg: string, make: () => Peer): Peer {
  let peer = cache.get(pkg);
  if (!peer) cache.set(pkg, (peer = make()));
  return peer;
}

export const socat = (): Peer => once("socat", () => probe("socat", "socat", ["-V"]));

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
