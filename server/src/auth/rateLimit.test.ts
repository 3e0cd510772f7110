import { describe, expect, it } from 'vitest'
import { RateLimiter } from './rateLimit'

describe('RateLimiter', () => {
  it('allows `limit` attempts per window per key, then refuses until the window ends', () => {
    let now = 0
    const limiter = new RateLimiter({ limit: 3, windowMs: 1000 }, () => now)
    expect([1, 2, 3, 4].map(() => limiter.take('a'))).toEqual([true, true, true, false])
    expect(limiter.take('b')).toBe(true)
    expect(limiter.retryAfter('a')).toBe(1)
    now = 1000
    expect(limiter.take('a')).toBe(true)
  })
})
