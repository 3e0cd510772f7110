import {
  type Backlog,
  type BacklogLayout,
  backlogFileName,
  backlogFromDoc,
  backlogShapes,
  COMMENTS_KEY,
  FinishBody,
  layoutBacklog,
  toBacklogMarkdown,
  toJiraCsv,
  VOTES_KEY,
} from '@refinery/shared'
import { type Context, Hono } from 'hono'
import * as Y from 'yjs'
import type { User } from '../auth/sessions'
import type { AppEnv } from '../http/env'
import { apiError } from '../http/errors'
import { jsonBody } from '../http/validate'
import { boardAccess } from './access'
import type { BoardStore } from './boardStore'
import type { BoardDocuments } from './routes'
import { newVersionId, type VersionStore } from './versionStore'

export interface BacklogDeps {
  boards: BoardStore
  versions: VersionStore
  documents: BoardDocuments
  publicUrl: string
}

/**
 * The backlog as JSON, Jira CSV or Markdown, the format chosen by the route's extension; each named by
 * one scheme when downloaded (`versionName` for a finished version's).
 */
function send(
  c: Context<AppEnv>,
  backlog: Backlog,
  title: string,
  format: 'json' | 'csv' | 'md',
  versionName?: string,
) {
  const attachment = `attachment; filename="${backlogFileName(title, format, versionName)}"`
  if (format === 'json') return c.json(backlog, 200, { 'Content-Disposition': attachment })
  if (format === 'csv') {
    return c.body(toJiraCsv(backlog), 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': attachment,
    })
  }
  return c.body(toBacklogMarkdown(backlog, { title }), 200, {
    'Content-Type': 'text/markdown; charset=utf-8',
    'Content-Disposition': attachment,
  })
}

const FORMATS = { backlog: 'json', 'backlog.csv': 'csv', 'backlog.md': 'md' } as const

/**
 * The backlog of each live board document, until the document next changes: at the end of a workshop
 * the same state is viewed and exported (JSON, CSV, Markdown) several times, and ranking thousands of
 * cards is the costly part of each.
 */
interface LiveBacklog {
  backlog: Backlog | null
  /** The story map read from the shapes: a vote changes the ranking only, a fraction of the work. */
  layout: BacklogLayout | null
}

const liveBacklogs = new WeakMap<Y.Doc, LiveBacklog>()

/** Forgets what a transaction changed: the backlog after any change, the layout unless only votes or comments changed. */
function watch(doc: Y.Doc, live: LiveBacklog): void {
  // Votes and comments change only the items' votes and threads, not where the cards are.
  const votes: unknown = doc.getMap(VOTES_KEY)
  const comments: unknown = doc.getMap(COMMENTS_KEY)
  doc.on('afterTransaction', (transaction: Y.Transaction) => {
    // Runs after every transaction of the board (every client update): nothing to do once both are gone.
    if (transaction.changed.size === 0 || (live.backlog === null && live.layout === null)) return
    live.backlog = null
    for (const changed of transaction.changed.keys()) {
      let type = changed
      while (type._item?.parent) type = type._item.parent as typeof type
      if (type !== votes && type !== comments) {
        live.layout = null
        return
      }
    }
  })
}

function liveBacklog(doc: Y.Doc, options: Parameters<typeof backlogFromDoc>[1]): Backlog {
  let live = liveBacklogs.get(doc)
  if (!live) {
    live = { backlog: null, layout: null }
    liveBacklogs.set(doc, live)
    watch(doc, live)
  }
  if (!live.backlog) {
    live.layout ??= layoutBacklog(backlogShapes(doc))
    live.backlog = backlogFromDoc(doc, options, live.layout)
  }
  return { ...live.backlog, versionId: options.versionId, generatedAt: options.generatedAt }
}

/** The board's backlog as it is now, each item linking to its card on the live board. */
export function currentBacklog(
  documents: BoardDocuments,
  boardId: string,
  publicUrl: string,
): Promise<Backlog> {
  return documents.read(boardId, (doc) =>
    liveBacklog(doc, {
      boardId,
      versionId: null,
      generatedAt: new Date().toISOString(),
      cardUrl: (cardId) => `${publicUrl}/b/${encodeURIComponent(boardId)}?card=${encodeURIComponent(cardId)}`,
    }),
  )
}

/** From board to backlog: the live backlog, finishing a version, and finished versions' backlogs. */
export function backlogRoutes({ boards, versions, documents, publicUrl }: BacklogDeps) {
  const app = new Hono<AppEnv>()
  for (const [path, format] of Object.entries(FORMATS)) {
    app.get(`/:id/${path}`, boardAccess(boards, 'board:read'), async (c) => {
      const board = await boards.get(c.var.board.id)
      if (!board) return apiError(c, 404, 'not_found', 'No such board')
      return send(c, await currentBacklog(documents, board.id, publicUrl), board.title, format)
    })
    app.get(`/:id/versions/:versionId/${path}`, boardAccess(boards, 'board:read'), async (c) => {
      const board = await boards.get(c.var.board.id)
      const version = await versions.backlog(c.var.board.id, c.req.param('versionId'))
      if (!board || !version) return apiError(c, 404, 'not_found', 'No such version of this board')
      return send(c, version.backlog, board.title, format, version.name)
    })
  }

  return app
    .get('/:id/versions', boardAccess(boards, 'board:read'), async (c) =>
      c.json({ versions: await versions.list(c.var.board.id) }),
    )
    .post('/:id/finish', boardAccess(boards, 'board:finish'), jsonBody(FinishBody), async (c) => {
      const boardId = c.var.board.id
      const name = c.req.valid('json').name ?? `Version ${(await versions.count(boardId)) + 1}`
      const versionId = newVersionId()
      // The state and its backlog are taken in one synchronous read: exactly the same document.
      const { state, backlog } = await documents.read(boardId, (doc) => ({
        state: Y.encodeStateAsUpdate(doc),
        // Its items link to the board as it was then, opened read-only, not to the board as it is now.
        backlog: liveBacklog(doc, {
          boardId,
          versionId,
          generatedAt: new Date().toISOString(),
          cardUrl: (cardId) =>
            `${publicUrl}/b/${encodeURIComponent(boardId)}/versions/${versionId}?card=${encodeURIComponent(cardId)}`,
        }),
      }))
      await versions.save({
        id: versionId,
        boardId,
        name,
        state,
        backlog,
        createdBy: (c.var.user as User).id,
      })
      return c.json({ versionId, name, backlog }, 201)
    })
}
