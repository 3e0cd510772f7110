import { describe, expect, it } from 'vitest'
import { fileFromDataUrl } from './boardImages'

describe('fileFromDataUrl', () => {
  it('reads a base64 image with its type', async () => {
    const file = fileFromDataUrl('data:image/png;base64,iVBORw0KGgo=', 'pasted.png')
    expect(file?.type).toBe('image/png')
    expect(file?.name).toBe('pasted.png')
    expect([...new Uint8Array((await file?.arrayBuffer()) ?? new ArrayBuffer(0))]).toEqual([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a,
    ])
  })

  it('reads a percent-encoded SVG', async () => {
    const file = fileFromDataUrl('data:image/svg+xml;charset=utf-8,%3Csvg%2F%3E', 'drawing.svg')
    expect(file?.type).toBe('image/svg+xml')
    expect(await file?.text()).toBe('<svg/>')
  })

  it('answers null for what is not a valid data: URL', () => {
    expect(fileFromDataUrl('/api/boards/b/assets/abc', 'x')).toBeNull()
    expect(fileFromDataUrl('data:image/png;base64,***', 'x')).toBeNull()
    expect(fileFromDataUrl('data:image/svg+xml,%E0%A4%A', 'x')).toBeNull()
  })
})
