import type { DocumentRecord } from './records'

/** The board file of CONTRACT section 9: a board's records as plain JSON, to keep or to import. */
export const BOARD_FILE_FORMAT = 'refinery-board'
export const BOARD_FILE_VERSION = 1
export const BOARD_FILE_TYPE = 'application/vnd.refinery.board+json'

export interface BoardFile {
  format: typeof BOARD_FILE_FORMAT
  version: typeof BOARD_FILE_VERSION
  title: string
  exportedAt: string
  records: DocumentRecord[]
}

export function boardFile(title: string, records: DocumentRecord[], exportedAt = new Date()): BoardFile {
  return {
    format: BOARD_FILE_FORMAT,
    version: BOARD_FILE_VERSION,
    title,
    exportedAt: exportedAt.toISOString(),
    records,
  }
}

/** The file name a board file is saved under: the board's title, without what file systems refuse. */
export function boardFileName(title: string): string {
  const name = title
    .replace(/[\\/:*?"<>|\p{Cc}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 100)
  return `${name || 'Board'}.refinery.json`
}
