import { describe, expect, it } from 'vitest'
import { PRESENCE_COLORS, presenceColor } from './presence'

/** The linear sRGB channels of a #rrggbb colour. */
function linear(hex: string): [number, number, number] {
  return [1, 3, 5].map((at) => {
    const channel = Number.parseInt(hex.slice(at, at + 2), 16) / 255
    return channel <= 0.04045 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4
  }) as [number, number, number]
}

/** WCAG relative luminance. */
function luminance(hex: string): number {
  const [r, g, b] = linear(hex)
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number]
  return (light + 0.05) / (dark + 0.05)
}

/** CIELAB of a #rrggbb colour (D65), for a distance that follows what eyes tell apart. */
function lab(hex: string): [number, number, number] {
  const [r, g, b] = linear(hex)
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116)
  const x = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047)
  const y = f(luminance(hex))
  const z = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883)
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)]
}

describe('presenceColor', () => {
  it('gives the first twelve members of a board twelve different colours', () => {
    const colors = Array.from({ length: 12 }, (_, joinOrder) => presenceColor(joinOrder))
    expect(new Set(colors).size).toBe(12)
  })

  it('gives the same member the same colour every time, and goes round the palette past twelve', () => {
    expect(presenceColor(3)).toBe(presenceColor(3))
    expect(presenceColor(12)).toBe(presenceColor(0))
    expect(presenceColor(25)).toBe(presenceColor(1))
  })

  it('uses colours that stand apart from each other', () => {
    for (const [i, a] of PRESENCE_COLORS.entries()) {
      for (const b of PRESENCE_COLORS.slice(i + 1)) {
        const [la, lb] = [lab(a), lab(b)]
        expect(Math.hypot(la[0] - lb[0], la[1] - lb[1], la[2] - lb[2]), `${a} and ${b}`).toBeGreaterThan(20)
      }
    }
  })

  it('uses colours that read on a light and on a dark canvas, and under white initials', () => {
    // tldraw's light canvas is near white; its dark one is hsl(240, 5%, 6.5%).
    for (const color of PRESENCE_COLORS) {
      expect(contrast(color, '#ffffff'), color).toBeGreaterThanOrEqual(3)
      expect(contrast(color, '#101012'), color).toBeGreaterThanOrEqual(3)
    }
  })
})
