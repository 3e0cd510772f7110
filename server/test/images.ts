import { crc32, deflateSync } from 'node:zlib'

/** Deterministic bytes that do not compress, as a photo's pixels do not. */
function noise(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length)
  let state = seed >>> 0 || 1
  for (let i = 0; i < length; i++) {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    bytes[i] = state & 0xff
  }
  return bytes
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.byteLength, 0)
  head.write(type, 4, 'latin1')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0)
  return Buffer.concat([head, data, crc])
}

export const PNG_SIGNATURE = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/**
 * A valid PNG of about `bytes` bytes (at least a few dozen): a square of noise pixels, stored without
 * compression so its size is what was asked. `seed` makes different images of the same size.
 */
export function pngOf(bytes: number, seed = 1): Uint8Array {
  const side = Math.max(1, Math.floor(Math.sqrt(bytes / 3)))
  const raw = Buffer.from(noise(side * (1 + side * 3), seed))
  // Each row starts with its filter type: 0, none.
  for (let row = 0; row < side; row++) raw[row * (1 + side * 3)] = 0
  const header = Buffer.alloc(13)
  header.writeUInt32BE(side, 0)
  header.writeUInt32BE(side, 4)
  header[8] = 8 // bits per channel
  header[9] = 2 // RGB
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 0 })),
    chunk('IEND', new Uint8Array(0)),
  ])
}

/** The first bytes of each raster format, followed by a little filler: enough for a type check. */
export const RASTER_SAMPLES = {
  'image/png': pngOf(64),
  'image/jpeg': Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]),
  'image/gif': Buffer.from('GIF89a\x01\x00\x01\x00\x80\x00\x00', 'latin1'),
  'image/webp': Buffer.concat([Buffer.from('RIFF\x1a\x00\x00\x00WEBPVP8L', 'latin1'), noise(16, 7)]),
} as const

/** `bytes` as a `data:` URL of `mimeType`, as tldraw stored pasted images before issue 15. */
export function dataUrlOf(bytes: Uint8Array, mimeType = 'image/png'): string {
  return `data:${mimeType};base64,${Buffer.from(bytes).toString('base64')}`
}
