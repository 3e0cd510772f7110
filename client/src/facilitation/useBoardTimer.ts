import { asTimer, type BoardTimer, FACILITATION_KEY, TIMER_KEY } from '@refinery/shared'
import { useEffect, useState } from 'react'
import { useValue } from 'tldraw'
import type * as Y from 'yjs'
import { api } from '../api/client'
import type { BoardConnection } from '../sync/boardConnection'
import { connectionStatus } from '../sync/connectionState'
import { chime } from './chime'
import { type CountdownPhase, countdownPhase } from './countdown'
import { ServerClock } from './serverClock'

/** The server's clock as this page knows it, one for the whole page. */
export const serverClock = new ServerClock()

/** Readings per measurement; the quickest answer tells the offset best. */
const CLOCK_READINGS = 3
/** A zero passed longer ago than this (a tab asleep in the background) is not announced late. */
const CHIME_WINDOW_MS = 10_000

/** The board's timer as the document holds it, following every change that reaches this page. */
function useDocumentTimer(doc: Y.Doc): BoardTimer | null {
  const [timer, setTimer] = useState(() => asTimer(doc.getMap(FACILITATION_KEY).get(TIMER_KEY)))
  useEffect(() => {
    const facilitation = doc.getMap<unknown>(FACILITATION_KEY)
    const update = () =>
      setTimer((previous) => {
        const next = asTimer(facilitation.get(TIMER_KEY))
        return next?.endsAt === previous?.endsAt && next?.startedBy === previous?.startedBy ? previous : next
      })
    update()
    facilitation.observe(update)
    return () => facilitation.unobserve(update)
  }, [doc])
  return timer
}

/** Reads the server's clock whenever the board (re)connects: the page's clock may be minutes off. */
function useServerClock(boardId: string, connection: BoardConnection): void {
  const connected = useValue(
    'timer: connected',
    () => connectionStatus(connection.$state.get()) === 'connected',
    [connection],
  )
  useEffect(() => {
    if (!connected) return
    let cancelled = false
    void (async () => {
      for (let reading = 0; reading < CLOCK_READINGS && !cancelled; reading++) {
        await serverClock.measure(() => api.timer(boardId)).catch(() => undefined)
      }
    })()
    return () => {
      cancelled = true
    }
  }, [boardId, connected])
}

/**
 * The board's shared countdown where it stands now by the server's clock, ticking while it runs, and
 * chiming once when it reaches zero in front of this person.
 */
export function useBoardTimer(
  boardId: string,
  connection: BoardConnection,
): { timer: BoardTimer | null; phase: CountdownPhase } {
  const timer = useDocumentTimer(connection.doc)
  useServerClock(boardId, connection)
  const [now, setNow] = useState(() => serverClock.now())

  useEffect(() => {
    if (!timer) return
    let seenRunning = timer.endsAt > serverClock.now()
    let chimed = false
    const tick = () => {
      const current = serverClock.now()
      setNow(current)
      if (current < timer.endsAt) seenRunning = true
      else if (seenRunning && !chimed && current - timer.endsAt < CHIME_WINDOW_MS) {
        chimed = true
        chime()
      }
    }
    tick()
    const interval = setInterval(tick, 250)
    return () => clearInterval(interval)
  }, [timer])

  return { timer, phase: countdownPhase(timer, now) }
}
