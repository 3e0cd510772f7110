import { ApiError } from '../api/client'

/** The image types the server stores (CONTRACT section 3); it answers anything else with 415. */
export const IMAGE_TYPES: readonly string[] = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/svg+xml',
]

export const TYPE_REFUSAL = 'Only PNG, JPEG, GIF, WebP and SVG images can be added.'
export const ROLE_REFUSAL = 'Only the board’s owners and editors can add images.'
export const BOARD_GONE_REFUSAL =
  'This board is gone, or you are no longer a member of it, so the image was not added.'

const MB = 1024 * 1024

/**
 * A size in megabytes with at most one decimal, "14.2 MB". A file's size is rounded up and a limit
 * down, so a file just over the limit never reads as the limit itself.
 */
export function megabytes(bytes: number, round: 'up' | 'down'): string {
  const tenths = (round === 'up' ? Math.ceil : Math.floor)((bytes / MB) * 10)
  return `${(tenths / 10).toLocaleString('en-US', { maximumFractionDigits: 1 })} MB`
}

export function tooLargeMessage(size: number, limit: number | null): string {
  return limit === null
    ? `This image is ${megabytes(size, 'up')}, more than the server takes.`
    : `This image is ${megabytes(size, 'up')}; images up to ${megabytes(limit, 'down')} can be added.`
}

const UNITS: Record<string, number> = { b: 1, byte: 1, bytes: 1, kb: 1024, kib: 1024, mb: MB, mib: MB }
const SIZE = /(\d[\d,]*(?:\.\d+)?)\s*(bytes?|b|kib|kb|mib|mb)\b/gi
const LIMIT_WORDS =
  /(limit|limited|up to|at most|maximum|max|larger than|more than)(?:\W+(?:of|to|is|the))*\W*$/i

/**
 * The largest image the server takes, as its 413 message states it ("Images are limited to 10485760
 * bytes", "… up to 10 MiB"): the size that follows a word of limit, or the only size in the message.
 */
export function limitFromMessage(message: string): number | null {
  const sizes = [...message.matchAll(SIZE)].map((match) => ({
    bytes: Math.floor(Number(match[1]?.replaceAll(',', '')) * (UNITS[match[2]?.toLowerCase() ?? ''] ?? 1)),
    afterLimitWord: LIMIT_WORDS.test(message.slice(0, match.index)),
  }))
  const limit = sizes.find((size) => size.afterLimitWord) ?? (sizes.length === 1 ? sizes[0] : undefined)
  return limit && Number.isFinite(limit.bytes) && limit.bytes > 0 ? limit.bytes : null
}

/** Why a file cannot be added, known before anything is sent; null when it may be sent. */
export function refusalBeforeUpload(file: Pick<File, 'type' | 'size'>, limit: number | null): string | null {
  if (!IMAGE_TYPES.includes(file.type)) return TYPE_REFUSAL
  if (limit !== null && file.size > limit) return tooLargeMessage(file.size, limit)
  return null
}

/** What an upload waits for before it tries again. */
export type WaitReason = 'connection' | 'server' | 'sign-in'

/** After a failed upload: try again later, or give up with a message for the person. */
export type UploadVerdict = { retry: WaitReason } | { refuse: string }

/**
 * Whether a failed upload is worth another try. Only answers that say this image will never be
 * taken on this board give up; anything that could pass (no network, a server error, a lapsed
 * session that signing in again restores) waits, so nothing pasted is lost.
 */
export function judgeUploadFailure(
  error: unknown,
  file: Pick<File, 'size'>,
  limit: number | null,
): UploadVerdict {
  if (!(error instanceof ApiError) || error.status === 0) return { retry: 'connection' }
  const { status } = error
  if (status === 401) return { retry: 'sign-in' }
  if (status === 408 || status === 425 || status === 429 || status >= 500) return { retry: 'server' }
  if (status === 403) return { refuse: ROLE_REFUSAL }
  if (status === 404) return { refuse: BOARD_GONE_REFUSAL }
  if (status === 413) return { refuse: tooLargeMessage(file.size, limitFromMessage(error.message) ?? limit) }
  if (status === 415) return { refuse: TYPE_REFUSAL }
  return { refuse: `The server did not take this image: ${error.message}` }
}
