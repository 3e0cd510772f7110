import { describe, expect, it } from 'vitest'
import { countdownPhase, formatCountdown, parseDuration, TIMES_UP_SHOWN_MS } from './countdown'

describe('formatCountdown', () => {
  it('shows m:ss, rounding part seconds up so 1:00 shows for the first second', () => {
    expect(formatCountdown(60)).toBe('1:00')
    expect(formatCountdown(59.2)).toBe('1:00')
    expect(formatCountdown(59)).toBe('0:59')
    expect(formatCountdown(5)).toBe('0:05')
    expect(formatCountdown(600)).toBe('10:00')
    expect(formatCountdown(0)).toBe('0:00')
    expect(formatCountdown(-3)).toBe('0:00')
  })

  it('shows h:mm:ss from an hour up', () => {
    expect(formatCountdown(3599)).toBe('59:59')
    expect(formatCountdown(3600)).toBe('1:00:00')
    expect(formatCountdown(7200)).toBe('2:00:00')
    expect(formatCountdown(3725)).toBe('1:02:05')
  })
})

describe('countdownPhase', () => {
  const timer = { endsAt: 100_000, startedBy: 'u', startedByName: 'Ed', seconds: 60 }

  it('runs until endsAt, then is up for a while, then idle', () => {
    expect(countdownPhase(null, 0)).toEqual({ kind: 'idle' })
    expect(countdownPhase(timer, 40_000)).toEqual({ kind: 'running', secondsLeft: 60 })
    // A page whose clock offset is a little off never shows more than the timer was started with.
    expect(countdownPhase(timer, 39_500)).toEqual({ kind: 'running', secondsLeft: 60 })
    expect(countdownPhase(timer, 99_001)).toEqual({ kind: 'running', secondsLeft: 1 })
    expect(countdownPhase(timer, 100_000)).toEqual({ kind: 'up' })
    expect(countdownPhase(timer, 100_000 + TIMES_UP_SHOWN_MS - 1)).toEqual({ kind: 'up' })
    expect(countdownPhase(timer, 100_000 + TIMES_UP_SHOWN_MS)).toEqual({ kind: 'idle' })
  })
})

describe('parseDuration', () => {
  it('reads minutes, m:ss and units', () => {
    expect(parseDuration('5')).toBe(300)
    expect(parseDuration(' 2.5 ')).toBe(150)
    expect(parseDuration('2,5')).toBe(150)
    expect(parseDuration('1:30')).toBe(90)
    expect(parseDuration('90s')).toBe(90)
    expect(parseDuration('90 sec')).toBe(90)
    expect(parseDuration('10 min')).toBe(600)
    expect(parseDuration('120')).toBe(7200)
  })

  it('refuses what is not a duration of 1 second to 2 hours', () => {
    for (const typed of ['', 'abc', '0', '0s', '121', '1:75', '-5', '5 hours', '1:2']) {
      expect(parseDuration(typed), typed).toBeNull()
    }
  })
})
