/** One reading of the server's clock: what it said, and how long the question and answer took. */
export interface ClockSample {
  serverNow: number
  /** This page's `Date.now()` when the answer arrived. */
  receivedAt: number
  /** Milliseconds from sending the request to reading the answer. */
  roundTrip: number
}

/**
 * How far the server's clock is ahead of this page's: the server read its clock about halfway
 * through the round trip, so at `receivedAt` it showed `serverNow` plus half the round trip.
 */
export function offsetOf({ serverNow, receivedAt, roundTrip }: ClockSample): number {
  return serverNow + roundTrip / 2 - receivedAt
}

/** A sample older than this gives way to any newer one: the page's clock may have been set since. */
const SAMPLE_LIFETIME_MS = 5 * 60_000

/**
 * The server's clock as this page estimates it. The sample with the shortest round trip is the most
 * exact (the least room for the answer to have waited on the way), so it wins until it is stale.
 */
export class ServerClock {
  private best: ClockSample | null = null

  constructor(private readonly localNow: () => number = Date.now) {}

  /** Milliseconds to add to this page's clock to get the server's. */
  get offset(): number {
    return this.best ? offsetOf(this.best) : 0
  }

  /** Whether the server's clock has been read at all (until then the page's own clock stands in). */
  get known(): boolean {
    return this.best !== null
  }

  add(sample: ClockSample): void {
    const stale = !this.best || sample.receivedAt - this.best.receivedAt > SAMPLE_LIFETIME_MS
    if (stale || sample.roundTrip <= (this.best?.roundTrip ?? Number.POSITIVE_INFINITY)) this.best = sample
  }

  /** Forgets what it knew, so the next sample stands whatever its round trip (after a reconnect). */
  reset(): void {
    this.best = null
  }

  now(): number {
    return this.localNow() + this.offset
  }

  /**
   * Times `ask` (a request whose answer carries the server's `serverNow`), adds the sample and
   * returns the answer.
   */
  async measure<T extends { serverNow: number }>(ask: () => Promise<T>): Promise<T> {
    const started = performance.now()
    const answer = await ask()
    const roundTrip = performance.now() - started
    this.add({ serverNow: answer.serverNow, receivedAt: this.localNow(), roundTrip })
    return answer
  }
}
