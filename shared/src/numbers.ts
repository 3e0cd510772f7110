/**
 * A count as people read it: "10,000", not "10000" (what `toLocaleString('en-US')` writes for a whole
 * number). Written out because the page's first `toLocaleString` loads the browser's number-format
 * data, about 80 ms on the main thread, and messages made when a module loads would pay that while
 * a board opens.
 */
export function countAsWritten(count: number): string {
  const digits = String(Math.abs(Math.trunc(count))).replace(/\B(?=(\d{3})+$)/g, ',')
  return count <= -1 ? `-${digits}` : digits
}
