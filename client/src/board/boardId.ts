/** The board ids the server accepts: URL-safe, so one is never a path or a query in disguise. */
const BOARD_ID = /^[A-Za-z0-9_-]{1,64}$/

export function isBoardId(value: string): boolean {
  return BOARD_ID.test(value)
}

export function boardPath(boardId: string): string {
  return `/b/${boardId}`
}

/** A finished version of the board, opened read-only as it was. */
export function versionBoardPath(boardId: string, versionId: string): string {
  return `/b/${boardId}/versions/${encodeURIComponent(versionId)}`
}
