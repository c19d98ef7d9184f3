/** Anything whose true position at a time is known: what a simulated detector looks at. */
export interface PositionSource {
  readonly name: string;
  positionAt(t: number): number;
}
