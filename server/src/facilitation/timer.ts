import { type BoardTimer, FACILITATION_KEY, MAX_TIMER_SECONDS, TIMER_KEY, timerOf } from '@refinery/shared'
import type * as Y from 'yjs'

export interface Starter {
  id: string
  name: string
}

/** Starts the board's countdown, replacing any running one; `now` is the server's clock. */
export function startTimer(doc: Y.Doc, seconds: number, by: Starter, now: number): BoardTimer {
  const timer: BoardTimer = {
    endsAt: now + seconds * 1000,
    startedBy: by.id,
    startedByName: by.name,
    seconds,
  }
  doc.getMap<unknown>(FACILITATION_KEY).set(TIMER_KEY, timer)
  return timer
}

/**
 * Gives the running countdown `extendBy` more seconds; one that has reached zero gets them from now.
 * What is left never passes the longest countdown. Null when there is no timer to extend.
 */
export function extendTimer(doc: Y.Doc, extendBy: number, by: Starter, now: number): BoardTimer | null {
  const running = timerOf(doc)
  if (!running) return null
  const left = Math.max(0, running.endsAt - now) + extendBy * 1000
  return startTimer(doc, Math.min(MAX_TIMER_SECONDS, Math.ceil(left / 1000)), by, now)
}

export function stopTimer(doc: Y.Doc): void {
  const facilitation = doc.getMap<unknown>(FACILITATION_KEY)
  if (facilitation.has(TIMER_KEY)) facilitation.delete(TIMER_KEY)
}
