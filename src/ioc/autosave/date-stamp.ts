/** POSIX seconds as autosave stamps its files: YYMMDD-HHMMSS in local time. */
export function dateStamp(seconds: number): string {
  const d = new Date(seconds * 1000);
  const two = (n: number): string => String(n).padStart(2, "0");
  return (
    two(d.getFullYear() % 100) +
    two(d.getMonth() + 1) +
    two(d.getDate()) +
    "-" +
    two(d.getHours()) +
    two(d.getMinutes()) +
    two(d.getSeconds())
  );
}
