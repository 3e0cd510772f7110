import { type BoardTimer, MAX_TIMER_SECONDS } from '@refinery/shared'

/** How long "Time's up" stays in the header before it goes back to a plain timer button. */
export const TIMES_UP_SHOWN_MS = 5 * 60_000

export type CountdownPhase = { kind: 'idle' } | { kind: 'running'; secondsLeft: number } | { kind: 'up' }

/** Where the board's timer stands at the server time `serverNow`. */
export function countdownPhase(timer: BoardTimer | null, serverNow: number): CountdownPhase {
  if (!timer) return { kind: 'idle' }
  const left = timer.endsAt - serverNow
  // A clock offset learned a few hundred milliseconds off must not show a 1-minute timer at 1:01.
  const longest = timer.seconds > 0 ? timer.seconds : Number.POSITIVE_INFINITY
  if (left > 0) return { kind: 'running', secondsLeft: Math.min(longest, Math.ceil(left / 1000)) }
  return -left < TIMES_UP_SHOWN_MS ? { kind: 'up' } : { kind: 'idle' }
}

const twoDigits = (value: number) => String(value).padStart(2, '0')

/** `m:ss` (`1:00`, `0:05`), and `h:mm:ss` from an hour up. */
export function formatCountdown(seconds: number): string {
  const whole = Math.max(0, Math.ceil(seconds))
  const hours = Math.floor(whole / 3600)
  const minutes = Math.floor((whole % 3600) / 60)
  const rest = whole % 60
  return hours > 0 ? `${hours}:${twoDigits(minutes)}:${twoDigits(rest)}` : `${minutes}:${twoDigits(rest)}`
}

/**
 * A typed duration in seconds: minutes (`5`, `2.5`), `m:ss` (`1:30`), or with a unit (`90s`,
 * `10 min`). Null for anything else, or outside 1 second … 2 hours.
 */
export function parseDuration(text: string): number | null {
  const typed = text.trim().toLowerCase()
  let seconds: number | null = null
  const clock = /^(\d{1,3}):([0-5]\d)$/.exec(typed)
  const withUnit = /^(\d+(?:[.,]\d+)?)\s*(s|sec|secs|seconds?|m|min|mins|minutes?)?$/.exec(typed)
  if (clock) seconds = Number(clock[1]) * 60 + Number(clock[2])
  else if (withUnit) {
    const amount = Number((withUnit[1] ?? '').replace(',', '.'))
    seconds = withUnit[2]?.startsWith('s') ? amount : amount * 60
  }
  if (seconds === null || !Number.isFinite(seconds)) return null
  const rounded = Math.round(seconds)
  return rounded >= 1 && rounded <= MAX_TIMER_SECONDS ? rounded : null
}
