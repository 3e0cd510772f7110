import { describe, expect, it } from 'vitest'
import { ApiError } from '../api/client'
import {
  BOARD_GONE_REFUSAL,
  judgeUploadFailure,
  limitFromMessage,
  megabytes,
  ROLE_REFUSAL,
  refusalBeforeUpload,
  TYPE_REFUSAL,
  tooLargeMessage,
} from './imageRules'

const MB = 1024 * 1024
const LIMIT = 10 * MB

describe('megabytes', () => {
  it('reads as people read sizes, a file rounded up and a limit down', () => {
    expect(megabytes(LIMIT, 'down')).toBe('10 MB')
    expect(megabytes(14.15 * MB, 'up')).toBe('14.2 MB')
    // One byte over the limit never reads as the limit itself.
    expect(megabytes(LIMIT + 1, 'up')).toBe('10.1 MB')
    expect(megabytes(1234 * MB, 'up')).toBe('1,234 MB')
  })
})

describe('tooLargeMessage', () => {
  it('names the image’s size and the limit', () => {
    expect(tooLargeMessage(14.15 * MB, LIMIT)).toBe('This image is 14.2 MB; images up to 10 MB can be added.')
  })

  it('still says what it can without a known limit', () => {
    expect(tooLargeMessage(14.15 * MB, null)).toBe('This image is 14.2 MB, more than the server takes.')
  })
})

describe('limitFromMessage', () => {
  it.each([
    ['Images are limited to 10485760 bytes', LIMIT],
    ['Images up to 10 MiB can be stored', LIMIT],
    ['The image is 15,000,000 bytes, more than the limit of 10,485,760 bytes', LIMIT],
    ['Maximum size: 2.5 MB', 2.5 * MB],
    ['Too large', null],
    ['The image is 15000000 bytes and 12000000 bytes', null],
  ])('%s', (message, limit) => {
    expect(limitFromMessage(message)).toBe(limit)
  })
})

describe('refusalBeforeUpload', () => {
  it('refuses types the server does not store', () => {
    for (const type of ['image/avif', 'image/bmp', 'video/mp4', 'application/pdf', '']) {
      expect(refusalBeforeUpload({ type, size: 100 }, LIMIT)).toBe(TYPE_REFUSAL)
    }
  })

  it('refuses a file past a known limit, and lets everything else go', () => {
    expect(refusalBeforeUpload({ type: 'image/png', size: LIMIT + 1 }, LIMIT)).toBe(
      'This image is 10.1 MB; images up to 10 MB can be added.',
    )
    expect(refusalBeforeUpload({ type: 'image/png', size: LIMIT }, LIMIT)).toBeNull()
    expect(refusalBeforeUpload({ type: 'image/svg+xml', size: 50 * MB }, null)).toBeNull()
  })
})

describe('judgeUploadFailure', () => {
  const file = { size: 14.15 * MB }
  const answer = (status: number, message = 'no') => new ApiError(status, 'code', message)

  it('waits and tries again on whatever could still pass', () => {
    expect(judgeUploadFailure(answer(0), file, null)).toEqual({ retry: 'connection' })
    expect(judgeUploadFailure(new DOMException('stopped', 'AbortError'), file, null)).toEqual({
      retry: 'connection',
    })
    expect(judgeUploadFailure(answer(401), file, null)).toEqual({ retry: 'sign-in' })
    for (const status of [408, 429, 500, 502, 503]) {
      expect(judgeUploadFailure(answer(status), file, null)).toEqual({ retry: 'server' })
    }
  })

  it('gives up, saying why, on answers that will not change', () => {
    expect(judgeUploadFailure(answer(403), file, null)).toEqual({ refuse: ROLE_REFUSAL })
    expect(judgeUploadFailure(answer(404), file, null)).toEqual({ refuse: BOARD_GONE_REFUSAL })
    expect(judgeUploadFailure(answer(415), file, null)).toEqual({ refuse: TYPE_REFUSAL })
    expect(judgeUploadFailure(answer(400, 'The SVG holds nothing to show'), file, null)).toEqual({
      refuse: 'The server did not take this image: The SVG holds nothing to show',
    })
  })

  it('reads the limit of a 413 from the server’s message, or falls back to the known one', () => {
    const refusal = 'This image is 14.2 MB; images up to 10 MB can be added.'
    expect(judgeUploadFailure(answer(413, 'Images are limited to 10485760 bytes'), file, null)).toEqual({
      refuse: refusal,
    })
    expect(judgeUploadFailure(answer(413, 'Too large'), file, LIMIT)).toEqual({ refuse: refusal })
  })
})
