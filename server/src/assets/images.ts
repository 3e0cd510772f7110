import { SvgRefusedError, sanitizeSvg } from './svg'

/** The image types a board may hold, as stored and served. */
export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/svg+xml'] as const
export type ImageType = (typeof IMAGE_TYPES)[number]

/** An image ready to store: its bytes (an SVG's sanitised) and its type. */
export interface CheckedImage {
  bytes: Uint8Array
  mimeType: ImageType
}

/** Why an image is not taken, in words for the person who sent it. */
export interface ImageRefusal {
  refused: string
}

const startsWith = (bytes: Uint8Array, signature: string, offset = 0) =>
  bytes.byteLength >= offset + signature.length &&
  Buffer.from(bytes.buffer, bytes.byteOffset + offset, signature.length).toString('latin1') === signature

/** Whether the bytes begin as the raster format says they must. */
const RASTER_SIGNATURES: Record<Exclude<ImageType, 'image/svg+xml'>, (bytes: Uint8Array) => boolean> = {
  'image/png': (bytes) => startsWith(bytes, '\x89PNG\r\n\x1a\n'),
  'image/jpeg': (bytes) => startsWith(bytes, '\xff\xd8\xff'),
  'image/gif': (bytes) => startsWith(bytes, 'GIF87a') || startsWith(bytes, 'GIF89a'),
  'image/webp': (bytes) => startsWith(bytes, 'RIFF') && startsWith(bytes, 'WEBP', 8),
}

/** `image/PNG; charset=x` → `image/png`; null when there is no type. */
function mediaType(contentType: string | undefined): string | null {
  const type = contentType?.split(';')[0]?.trim().toLowerCase()
  return type ? type : null
}

const isImageType = (type: string | null): type is ImageType =>
  type !== null && (IMAGE_TYPES as readonly string[]).includes(type)

/**
 * Checks an image as someone sends it, by upload or inside a board's `data:` URL: its claimed type
 * must be one a board holds and its bytes must be of that type (a PNG's signature for `image/png`,
 * a well-formed SVG document for `image/svg+xml`). An SVG comes back sanitised (see `sanitizeSvg`).
 */
export function checkImage(bytes: Uint8Array, contentType: string | undefined): CheckedImage | ImageRefusal {
  const type = mediaType(contentType)
  if (!isImageType(type)) {
    return {
      refused: `${type ?? 'A file with no type'} is not an image type a board takes: PNG, JPEG, GIF, WebP or SVG`,
    }
  }
  if (type === 'image/svg+xml') {
    try {
      return { bytes: Buffer.from(sanitizeSvg(bytes), 'utf8'), mimeType: type }
    } catch (error) {
      if (error instanceof SvgRefusedError) return { refused: error.message }
      throw error
    }
  }
  if (!RASTER_SIGNATURES[type](bytes)) return { refused: `The file's bytes are not a ${type} image` }
  return { bytes, mimeType: type }
}
