import * as Y from 'yjs'
import { z } from 'zod'
import { FACILITATION_KEY } from './facilitation'

/** The facilitation map's lock map: a nested `Y.Map`, shape id → `true` (CONTRACT section 5). */
export const LOCKS_KEY = 'locks'

/** The board's lock map, or null while nothing was ever locked. */
export function lockMapOf(doc: Y.Doc): Y.Map<unknown> | null {
  const locks = doc.getMap<unknown>(FACILITATION_KEY).get(LOCKS_KEY)
  return locks instanceof Y.Map ? locks : null
}

/** The ids of the board's locked shapes, sorted. */
export function lockedShapesOf(doc: Y.Doc): string[] {
  const locks = lockMapOf(doc)
  if (!locks) return []
  return [...locks.entries()]
    .filter(([, locked]) => locked === true)
    .map(([shapeId]) => shapeId)
    .sort()
}

const shapeId = z
  .string()
  .max(200, { error: 'A shape id is at most 200 characters' })
  .startsWith('shape:', { error: 'A shape id starts with "shape:"' })

/** `PUT …/locks/:shapeId` and `POST …/locks/backbone`: lock (`true`) or unlock (`false`). */
export const LockBody = z.object({ locked: z.boolean() })
export type LockBody = z.infer<typeof LockBody>

/** `PUT …/locks`: lock or unlock several shapes at once (a selection). */
export const LocksBody = z.object({
  shapeIds: z.array(shapeId).min(1, { error: 'Name at least one shape' }).max(5000),
  locked: z.boolean(),
})
export type LocksBody = z.infer<typeof LocksBody>

/** What the lock routes answer: every locked shape of the board, sorted. */
export interface LocksAnswer {
  locks: string[]
}
