/** What a `data:` URL holds: its bytes and the media type it names. */
export interface DataUrlContent {
  bytes: Uint8Array
  mediaType: string
}

/**
 * Decodes a `data:` URL (RFC 2397), base64 or percent-encoded, refusing one whose content would be
 * larger than `maxBytes` before decoding it.
 */
export function decodeDataUrl(url: string, maxBytes: number): DataUrlContent | { refused: string } {
  const comma = url.indexOf(',')
  if (!url.startsWith('data:') || comma < 0) return { refused: 'it is not a data: URL' }
  const [mediaType, ...parameters] = url.slice(5, comma).split(';')
  const data = url.slice(comma + 1)
  let bytes: Uint8Array
  if (parameters.some((parameter) => parameter.trim().toLowerCase() === 'base64')) {
    const base64 = data.replace(/\s+/g, '')
    if (Math.floor((base64.length * 3) / 4) > maxBytes + 2)
      return { refused: `it is larger than ${maxBytes} bytes` }
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) return { refused: 'its base64 does not decode' }
    bytes = Buffer.from(base64, 'base64')
  } else {
    // Percent-encoding takes at most three characters a byte.
    if (data.length > maxBytes * 3) return { refused: `it is larger than ${maxBytes} bytes` }
    try {
      bytes = Buffer.from(decodeURIComponent(data), 'utf8')
    } catch {
      return { refused: 'its percent-encoding does not decode' }
    }
  }
  if (bytes.byteLength > maxBytes) return { refused: `it is larger than ${maxBytes} bytes` }
  return { bytes, mediaType: mediaType?.trim() || 'text/plain' }
}
