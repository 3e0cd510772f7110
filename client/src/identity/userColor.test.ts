import { describe, expect, it } from 'vitest'
import { USER_COLORS, userColor } from './userColor'

describe('userColor', () => {
  it('gives one person the same colour every time', () => {
    expect(userColor('u_abc')).toBe(userColor('u_abc'))
  })

  it('spreads people over the palette', () => {
    const colors = new Set(Array.from({ length: 64 }, (_, i) => userColor(`u_${i}`)))
    expect(colors.size).toBeGreaterThan(USER_COLORS.length / 2)
    for (const color of colors) expect(USER_COLORS).toContain(color)
  })
})
