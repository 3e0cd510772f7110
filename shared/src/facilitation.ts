import type * as Y from 'yjs'
import { z } from 'zod'

/** The server-owned root map of facilitation state (CONTRACT section 5). */
export const FACILITATION_KEY = 'facilitation'
/** The shared countdown's key in the facilitation map. */
export const TIMER_KEY = 'timer'

/** The longest countdown: two hours. */
export const MAX_TIMER_SECONDS = 7200

/**
 * The board's shared countdown as the server writes it: plain JSON, `endsAt` in the server's epoch
 * milliseconds, so every client counts down to the same instant whatever its own clock says.
 */
export interface BoardTimer {
  endsAt: number
  startedBy: string
  startedByName: string
  /** The length it was last set to: the start's, or after an extension what was left plus the extra. */
  seconds: number
}

const timerSeconds = z
  .int({ error: 'Use a whole number of seconds' })
  .min(1, { error: 'Use at least 1 second' })
  .max(MAX_TIMER_SECONDS, { error: `Use at most ${MAX_TIMER_SECONDS} seconds` })

/**
 * `POST …/timer`: `{seconds}` starts the countdown (replacing a running one); `{extendBy}` adds to the
 * running one, or gives a countdown that has reached zero that much more from now.
 */
export const TimerBody = z
  .object({ seconds: timerSeconds.optional(), extendBy: timerSeconds.optional() })
  .refine((body) => (body.seconds === undefined) !== (body.extendBy === undefined), {
    error: 'Send seconds to start the timer, or extendBy to extend it',
  })
export type TimerBody = z.infer<typeof TimerBody>

/** What the timer routes answer: the timer now, and the server's clock for the client's offset. */
export interface TimerAnswer {
  timer: BoardTimer | null
  serverNow: number
}

/** The board's timer, or null when none is set or what is stored is not one. */
export function timerOf(doc: Y.Doc): BoardTimer | null {
  return asTimer(doc.getMap<unknown>(FACILITATION_KEY).get(TIMER_KEY))
}

export function asTimer(value: unknown): BoardTimer | null {
  if (typeof value !== 'object' || value === null) return null
  const { endsAt, startedBy, startedByName, seconds } = value as Record<string, unknown>
  if (typeof endsAt !== 'number' || !Number.isFinite(endsAt)) return null
  return {
    endsAt,
    startedBy: typeof startedBy === 'string' ? startedBy : '',
    startedByName: typeof startedByName === 'string' ? startedByName : '',
    seconds: typeof seconds === 'number' && Number.isFinite(seconds) ? seconds : 0,
  }
}

/** The facilitation map's flag that voting is hidden: `true` while owners keep the dots hidden. */
export const VOTING_HIDDEN_KEY = 'votingHidden'

/** `POST …/voting`: owners hide everyone's dots (`true`) or show them all again (`false`). */
export const VotingBody = z.object({ hidden: z.boolean() })
export type VotingBody = z.infer<typeof VotingBody>

/** What the voting routes answer. */
export interface VotingAnswer {
  hidden: boolean
}

/** Whether the board's dots are hidden until an owner reveals them. */
export function votingHiddenOf(doc: Y.Doc): boolean {
  return doc.getMap<unknown>(FACILITATION_KEY).get(VOTING_HIDDEN_KEY) === true
}
