import type { Context } from 'hono'
import type { AppEnv } from '../http/env'
import { apiError } from '../http/errors'

/** How many attempts a key may make in a window. */
export interface RateLimit {
  limit: number
  windowMs: number
}

/**
 * Fixed-window counters in memory, per key (an address, an account). Each instance counts on its
 * own; that bounds guessing per instance, which is what matters against a password-guessing loop.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>()

  constructor(
    private readonly options: RateLimit,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts an attempt; false when the key has used up its window. */
  take(key: string): boolean {
    const now = this.now()
    const window = this.windows.get(key)
    if (!window || window.resetAt <= now) {
      if (this.windows.size > 10_000) this.sweep(now)
      this.windows.set(key, { count: 1, resetAt: now + this.options.windowMs })
      return true
    }
    window.count++
    return window.count <= this.options.limit
  }

  /** Seconds until the key may try again. */
  retryAfter(key: string): number {
    const window = this.windows.get(key)
    return window ? Math.max(1, Math.ceil((window.resetAt - this.now()) / 1000)) : 0
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key)
  }
}

/**
 * The client's address, the key of per-address limits. Behind a reverse proxy (`trustProxy`) it is the
 * last address in X-Forwarded-For, the one the proxy added; earlier ones are the client's to forge.
 */
export function clientAddress(c: Context<AppEnv>, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').pop()?.trim()
    if (forwarded) return forwarded
  }
  return c.env?.incoming?.socket.remoteAddress ?? 'unknown'
}

/** A 429 with Retry-After once any of the keys has used up its attempts; null while none has. */
export function rateLimited(c: Context<AppEnv>, keys: [RateLimiter, string][]) {
  for (const [limiter, key] of keys) {
    if (limiter.take(key)) continue
    c.header('Retry-After', String(limiter.retryAfter(key)))
    return apiError(c, 429, 'rate_limited', 'Too many attempts; try again in a moment')
  }
  return null
}
