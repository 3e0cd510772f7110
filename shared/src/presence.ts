/**
 * Cursor and avatar colours, one per member of a board in the order they joined it: the first twelve
 * people on a board never share one. Mid-tone hues that keep white initials readable and stand out
 * on tldraw's light and dark canvases alike; neighbours in the list are far apart on the colour wheel,
 * so a small workshop gets the most different ones.
 */
export const PRESENCE_COLORS = [
  '#1c7ed6', // blue
  '#e03131', // red
  '#2f9e44', // green
  '#e07000', // amber
  '#7048e8', // violet
  '#0c8599', // cyan
  '#d6336c', // pink
  '#5c940d', // lime
  '#4263eb', // indigo
  '#a5673f', // brown
  '#099268', // teal
  '#ae3ec9', // grape
] as const

/** The colour of the member who joined a board `joinOrder`-th (0 for its creator); past twelve, they repeat. */
export function presenceColor(joinOrder: number): string {
  const index = Math.max(0, Math.floor(joinOrder)) % PRESENCE_COLORS.length
  return PRESENCE_COLORS[index] as string
}
