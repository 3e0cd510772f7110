import {
  FACILITATION_KEY,
  getRecords,
  JOURNEY_STEP,
  LOCKS_KEY,
  LockBody,
  type LocksAnswer,
  LocksBody,
  lockedShapesOf,
  lockMapOf,
  RELEASE_SLICE,
} from '@refinery/shared'
import { Hono } from 'hono'
import * as Y from 'yjs'
import { requireUser } from '../auth/middleware'
import { boardAccess } from '../boards/access'
import type { BoardStore } from '../boards/boardStore'
import type { BoardDocuments } from '../boards/routes'
import type { AppEnv } from '../http/env'
import { apiError } from '../http/errors'
import { jsonBody } from '../http/validate'

export interface LockDeps {
  boards: BoardStore
  documents: BoardDocuments
}

/** The shapes "Lock backbone" locks: every journey step and release slice. */
const BACKBONE_TYPES: ReadonlySet<unknown> = new Set([JOURNEY_STEP, RELEASE_SLICE])

const isShape = (doc: Y.Doc, id: string) => getRecords(doc).get(id)?.get('typeName') === 'shape'

function backboneOf(doc: Y.Doc): string[] {
  return [...getRecords(doc).entries()]
    .filter(([, record]) => record.get('typeName') === 'shape' && BACKBONE_TYPES.has(record.get('type')))
    .map(([id]) => id)
}

/**
 * Locks or unlocks `shapeIds` in one change; only the server calls it (the root is server-owned).
 * Locking a shape the board does not have changes nothing and answers null; unlocking one is fine.
 */
export function setLocks(doc: Y.Doc, shapeIds: readonly string[], locked: boolean): string[] | null {
  if (locked && !shapeIds.every((id) => isShape(doc, id))) return null
  const facilitation = doc.getMap<unknown>(FACILITATION_KEY)
  let locks = lockMapOf(doc)
  if (!locks && locked) {
    locks = new Y.Map<unknown>()
    facilitation.set(LOCKS_KEY, locks)
  }
  for (const id of shapeIds) {
    if (locked) locks?.set(id, true)
    else if (locks?.has(id)) locks.delete(id)
  }
  return lockedShapesOf(doc)
}

/**
 * Shape locks (CONTRACT sections 3 and 5): owners lock shapes so that nobody else changes or deletes
 * them; the sync guard refuses such a change (close code 4423). Every member reads them.
 */
export function lockRoutes({ boards, documents }: LockDeps) {
  const owners = boardAccess(boards, 'board:lock')
  const notOnBoard = 'Only a shape on this board can be locked'

  return new Hono<AppEnv>()
    .get('/:id/locks', requireUser, boardAccess(boards, 'board:read'), async (c) => {
      const locks = await documents.read(c.var.board.id, lockedShapesOf)
      c.header('Cache-Control', 'no-store')
      return c.json({ locks } satisfies LocksAnswer)
    })
    .put('/:id/locks', requireUser, owners, jsonBody(LocksBody), async (c) => {
      const { shapeIds, locked } = c.req.valid('json')
      const locks = await documents.change(c.var.board.id, (doc) => setLocks(doc, shapeIds, locked))
      if (!locks) return apiError(c, 404, 'shape_not_found', notOnBoard)
      return c.json({ locks } satisfies LocksAnswer)
    })
    .post('/:id/locks/backbone', requireUser, owners, jsonBody(LockBody), async (c) => {
      const { locked } = c.req.valid('json')
      const locks = await documents.change(c.var.board.id, (doc) => setLocks(doc, backboneOf(doc), locked))
      return c.json({ locks: locks ?? [] } satisfies LocksAnswer)
    })
    .put('/:id/locks/:shapeId', requireUser, owners, jsonBody(LockBody), async (c) => {
      const { locked } = c.req.valid('json')
      const shapeId = c.req.param('shapeId')
      const locks = await documents.change(c.var.board.id, (doc) => setLocks(doc, [shapeId], locked))
      if (!locks) return apiError(c, 404, 'shape_not_found', notOnBoard)
      return c.json({ locks } satisfies LocksAnswer)
    })
}
