/** A moment as people read it in their own locale and time zone ("3 Dec 2026, 16:40"); the input if it is no date. */
export function formatDate(iso: string): string {
  const date = new Date(iso)
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
}
