/** Cursor colours that read well on the canvas, in light and dark mode. */
export const USER_COLORS = [
  '#e03131',
  '#1971c2',
  '#2f9e44',
  '#f08c00',
  '#9c36b5',
  '#0c8599',
  '#e8590c',
  '#d6336c',
]

/** A person's cursor colour, the same in every browser and every session: derived from their id. */
export function userColor(userId: string): string {
  let hash = 0
  for (let i = 0; i < userId.length; i++) hash = (hash * 31 + userId.charCodeAt(i)) | 0
  return USER_COLORS[Math.abs(hash) % USER_COLORS.length] as string
}
