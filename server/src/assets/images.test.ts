import { describe, expect, it } from 'vitest'
import { RASTER_SAMPLES } from '../../test/images'
import { checkImage, IMAGE_TYPES } from './images'

describe('checkImage', () => {
  it('takes each raster type whose bytes are of that type, the bytes unchanged', () => {
    for (const [type, bytes] of Object.entries(RASTER_SAMPLES)) {
      expect(checkImage(bytes, type)).toEqual({ bytes, mimeType: type })
    }
  })

  it('reads the type as a Content-Type header gives it: any case, with parameters', () => {
    const png = RASTER_SAMPLES['image/png']
    expect(checkImage(png, 'Image/PNG; charset=binary')).toEqual({ bytes: png, mimeType: 'image/png' })
  })

  it('refuses bytes of another type than the one claimed', () => {
    for (const [claimed] of Object.entries(RASTER_SAMPLES)) {
      for (const [actual, bytes] of Object.entries(RASTER_SAMPLES)) {
        if (claimed === actual) continue
        expect(checkImage(bytes, claimed), `${actual} as ${claimed}`).toEqual({
          refused: `The file's bytes are not a ${claimed} image`,
        })
      }
    }
    expect(checkImage(Buffer.from('<html><script>alert(1)</script></html>'), 'image/png')).toHaveProperty(
      'refused',
    )
    expect(checkImage(new Uint8Array(0), 'image/gif')).toHaveProperty('refused')
  })

  it('refuses every type that is not an image a board takes, and no type at all', () => {
    const png = RASTER_SAMPLES['image/png']
    for (const type of [
      'text/html',
      'image/bmp',
      'image/tiff',
      'application/octet-stream',
      'image/svg',
      '',
    ]) {
      expect(checkImage(png, type), type).toHaveProperty('refused')
    }
    expect(checkImage(png, undefined)).toEqual({
      refused: 'A file with no type is not an image type a board takes: PNG, JPEG, GIF, WebP or SVG',
    })
    expect(IMAGE_TYPES).toHaveLength(5)
  })

  it('sanitises an SVG, and refuses one that is not well-formed', () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script><rect/></svg>'
    const checked = checkImage(Buffer.from(svg), 'image/svg+xml')
    expect(checked).toHaveProperty('mimeType', 'image/svg+xml')
    expect(Buffer.from((checked as { bytes: Uint8Array }).bytes).toString()).toBe(
      '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><rect/></svg>',
    )
    expect(
      checkImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><g></svg>'), 'image/svg+xml'),
    ).toEqual({
      refused: 'This SVG closes <g> with </svg> (line 1)',
    })
    expect(checkImage(RASTER_SAMPLES['image/png'], 'image/svg+xml')).toHaveProperty('refused')
  })
})
