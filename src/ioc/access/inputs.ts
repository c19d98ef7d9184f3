/**
 * Where a group's INPx values come from (the IOC's own records, or a CA client). `valid`
 * is false while the PV is not connected or not readable, and when its severity is
 * INVALID; the value is then ignored. Returns a function that stops the updates.
 */
export interface AsInputs {
  subscribe(pv: string, listener: (value: number, valid: boolean) => void): () => void;
}
