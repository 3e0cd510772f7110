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

/** The Yjs client id of the board's first `locks` map: see `LOCKS_MAP_GENESIS`. */
const LOCKS_MAP_CLIENT = 0x4c4f434b

/**
 * The change that makes a board's `locks` map, the same on every instance: one item of one fixed client
 * id at clock 0. Two instances that lock a board's first shapes at the same moment each make the map;
 * made by their own client ids these were two maps under one key, and the merge kept one and dropped
 * the other's locks. Made by this change they are one item, which Yjs merges as one map.
 */
const LOCKS_MAP_GENESIS: Uint8Array = (() => {
  const genesis = new Y.Doc()
  genesis.clientID = LOCKS_MAP_CLIENT
  genesis.getMap<unknown>(FACILITATION_KEY).set(LOCKS_KEY, new Y.Map<unknown>())
  return Y.encodeStateAsUpdate(genesis)
})()

/** The board's `locks` map, made if it has none (see `LOCKS_MAP_GENESIS`). */
function ensureLockMap(doc: Y.Doc): Y.Map<unknown> {
  const existing = lockMapOf(doc)
  if (existing) return existing
  Y.applyUpdate(doc, LOCKS_MAP_GENESIS)
  const made = lockMapOf(doc)
  if (made) return made
  // The document already holds that client's first item (a client wrote under its id): a map of our own.
  const locks = new Y.Map<unknown>()
  doc.getMap<unknown>(FACILITATION_KEY).set(LOCKS_KEY, locks)
  return locks
}

/**
 * Locks or unlocks `shapeIds` in one change; only the server calls it (the root is server-owned).
 * Locking a shape the board does not have changes nothing and answers null; unlocking one is fine.
 */
export function setLocks(doc: Y.Doc, shapeIds: readonly string[], locked: boolean): string[] | null {
  if (locked && !shapeIds.every((id) => isShape(doc, id))) return null
  const locks = locked ? ensureLockMap(doc) : lockMapOf(doc)
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
