import {
  BOARD_FILE_TYPE,
  boardFile,
  boardFileName,
  boardTitle,
  type DocumentRecord,
  getRecords,
  putRecord,
  readBoardFile,
  readRecords,
} from '@refinery/shared'
import { type Context, Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { requireUser } from '../auth/middleware'
import type { User } from '../auth/sessions'
import { boardAccess } from '../boards/access'
import type { BoardStore } from '../boards/boardStore'
import type { BoardDocuments } from '../boards/routes'
import type { AppEnv } from '../http/env'
import { apiError } from '../http/errors'
import { readJiraCsv } from './readJiraCsv'

export interface ImportDeps {
  boards: BoardStore
  documents: BoardDocuments
}

/**
 * The largest file imported: a board file of some 20,000 cards, or a Jira export of as many issues.
 * A file is read whole before anything is made, so it is bounded like any other body.
 */
export const MAX_IMPORT_BYTES = 16 * 1024 * 1024

const IMPORT_PATH = /^\/api\/boards\/import\/?$/

/** A board import: its body is bounded by `MAX_IMPORT_BYTES`, not by the API's limit on JSON bodies. */
export const isBoardImport = (method: string, path: string) => method === 'POST' && IMPORT_PATH.test(path)

const BOARD_FILE_TYPES: ReadonlySet<string> = new Set([BOARD_FILE_TYPE, 'application/json'])

/** A Jira export has no title of its own: the page sends the file's name, else this. */
const JIRA_BOARD_TITLE = 'Imported from Jira'

/** What a file becomes: a board's title and records, or why it cannot. */
type Imported =
  | { title: string; records: DocumentRecord[] }
  | { error: { code: string; message: string; details: Record<string, unknown> } }

function importedFile(c: Context<AppEnv>, type: string, text: string): Imported {
  if (type === 'text/csv') {
    const jira = readJiraCsv(text)
    if ('error' in jira) {
      const { line, reason } = jira.error
      const message = `Line ${line} of the CSV file cannot be read: ${reason}`
      return { error: { code: 'unreadable_row', message, details: { line, reason } } }
    }
    const title = boardTitle.safeParse(c.req.query('title') ?? '')
    return { title: title.success ? title.data : JIRA_BOARD_TITLE, records: jira.records }
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  const file = readBoardFile(json)
  if ('reason' in file) {
    const reason = json === undefined ? 'the file is not JSON' : file.reason
    return {
      error: {
        code: 'invalid_board_file',
        message: `This board file cannot be imported: ${reason}`,
        details: { reason },
      },
    }
  }
  return { title: file.title, records: file.records }
}

/** A board from a file, and a board as a file (CONTRACT sections 3 and 9). */
export function importRoutes({ boards, documents }: ImportDeps) {
  return new Hono<AppEnv>()
    .post(
      '/import',
      requireUser,
      bodyLimit({
        maxSize: MAX_IMPORT_BYTES,
        onError: (c) =>
          apiError(c, 413, 'file_too_large', `Imported files are limited to ${MAX_IMPORT_BYTES} bytes`),
      }),
      async (c) => {
        const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
        if (type !== 'text/csv' && !BOARD_FILE_TYPES.has(type)) {
          return apiError(
            c,
            415,
            'unsupported_file',
            'Send a Jira CSV export as text/csv, or a board file as application/json',
          )
        }
        const imported = importedFile(c, type, await c.req.text())
        if ('error' in imported) {
          const { code, message, details } = imported.error
          return apiError(c, 400, code, message, details)
        }
        const board = await boards.create((c.var.user as User).id, imported.title)
        try {
          await documents.change(board.id, (doc) => {
            const records = getRecords(doc)
            for (const record of imported.records) putRecord(records, record)
          })
        } catch (error) {
          // Nothing is created unless all of it is.
          await boards.delete(board.id)
          throw error
        }
        return c.json({ id: board.id, title: board.title, role: 'owner' as const }, 201)
      },
    )
    .get('/:id/export', boardAccess(boards, 'board:read'), async (c) => {
      const board = await boards.get(c.var.board.id)
      if (!board) return apiError(c, 404, 'not_found', 'No such board')
      const records = await documents.read(board.id, readRecords)
      return c.body(JSON.stringify(boardFile(board.title, records)), 200, {
        'Content-Type': BOARD_FILE_TYPE,
        'Content-Disposition': `attachment; filename="${boardFileName(board.title)}"`,
      })
    })
}
