/** The board ids the server accepts: URL-safe, so one is never a path or a query in disguise. */
const BOARD_ID = /^[A-Za-z0-9_-]{1,64}$/

/** Letters and digits only, so a new board's id reads well in a link. */
const ID_ALPHABET = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'

export function isBoardId(value: string): boolean {
  return BOARD_ID.test(value)
}

/** 12 random characters of 57: about 70 bits, so two new boards never meet. */
export function newBoardId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12))
  return Array.from(bytes, (byte) => ID_ALPHABET[byte % ID_ALPHABET.length]).join('')
}

export function boardPath(boardId: string): string {
  return `/b/${boardId}`
}

/** The board id in what someone typed or pasted: a bare id, or a board link copied from the address bar. */
export function boardIdFrom(input: string): string | null {
  const text = input.trim()
  const inLink = /\/b\/([^/?#\s]+)\/?(?:[?#].*)?$/.exec(text)
  const candidate = inLink?.[1] ?? text
  return isBoardId(candidate) ? candidate : null
}
