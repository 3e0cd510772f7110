import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { countdownPhase, formatCountdown } from './countdown'
import { offsetOf, ServerClock } from './serverClock'

/** This page's clock is seven minutes behind the server's. */
const SERVER_AHEAD_MS = 7 * 60_000
const SERVER_EPOCH = Date.UTC(2025, 5, 3, 9, 30)

describe('ServerClock on a page whose clock is minutes off', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date', 'performance'] })
    vi.setSystemTime(SERVER_EPOCH - SERVER_AHEAD_MS)
  })
  afterEach(() => vi.useRealTimers())

  /** A server that reads its clock halfway through a request taking `roundTrip` ms. */
  const askServer = (roundTrip: number) => async () => {
    vi.advanceTimersByTime(roundTrip / 2)
    const serverNow = Date.now() + SERVER_AHEAD_MS
    vi.advanceTimersByTime(roundTrip / 2)
    return { serverNow }
  }

  it('takes the server’s clock from an answer’s serverNow and the round trip’s midpoint', async () => {
    const clock = new ServerClock()
    expect(clock.known).toBe(false)
    expect(clock.now()).toBe(Date.now())
    await clock.measure(askServer(400))
    expect(clock.known).toBe(true)
    expect(clock.offset).toBeCloseTo(SERVER_AHEAD_MS, -1)
    expect(Math.abs(clock.now() - (Date.now() + SERVER_AHEAD_MS))).toBeLessThan(5)
  })

  it('counts a one-minute timer down from 1:00 although the page’s clock is 7 minutes behind', async () => {
    const clock = new ServerClock()
    await clock.measure(askServer(120))
    const timer = { endsAt: clock.now() + 60_000, startedBy: 'u', startedByName: 'Ed', seconds: 60 }
    expect(countdownPhase(timer, clock.now())).toEqual({ kind: 'running', secondsLeft: 60 })
    // By the page's own clock, the timer would have seven minutes more to run.
    expect(Math.ceil((timer.endsAt - Date.now()) / 1000)).toBe(480)
    vi.advanceTimersByTime(15_500)
    const left = countdownPhase(timer, clock.now())
    expect(left.kind === 'running' && formatCountdown(left.secondsLeft)).toBe('0:45')
    vi.advanceTimersByTime(44_500)
    expect(countdownPhase(timer, clock.now())).toEqual({ kind: 'up' })
  })

  it('keeps the reading with the shortest round trip, until it is stale', () => {
    const clock = new ServerClock()
    const now = Date.now()
    clock.add({ serverNow: now + 1000, receivedAt: now, roundTrip: 100 })
    // A slow answer (it waited 900 ms somewhere) would put the clock off: the quick one stands.
    clock.add({ serverNow: now + 500, receivedAt: now, roundTrip: 1000 })
    expect(clock.offset).toBe(1050)
    clock.add({ serverNow: now + 1200, receivedAt: now, roundTrip: 40 })
    expect(clock.offset).toBe(1220)
    // Minutes later the page's clock may have been set: any newer reading stands.
    clock.add({ serverNow: now + 10 * 60_000 + 3000, receivedAt: now + 10 * 60_000, roundTrip: 800 })
    expect(clock.offset).toBe(3400)
  })

  it('offsetOf: a server ahead or behind', () => {
    expect(offsetOf({ serverNow: 10_000, receivedAt: 10_100, roundTrip: 200 })).toBe(0)
    expect(offsetOf({ serverNow: 10_000, receivedAt: 310_100, roundTrip: 200 })).toBe(-300_000)
  })
})
