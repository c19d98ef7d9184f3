import { SeededRandom } from "../../sim/index.js";

/**
 * A device's own seed from the base seed and its name alone, so adding or renaming one
 * device never changes the numbers of another.
 */
export function deviceSeed(seed: number, name: string): number {
  return new SeededRandom(seed).fork(name).seed;
}
