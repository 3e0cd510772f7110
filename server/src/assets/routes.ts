import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { requireUser } from '../auth/middleware'
import { boardAccess } from '../boards/access'
import type { BoardStore } from '../boards/boardStore'
import type { AppEnv } from '../http/env'
import { apiError } from '../http/errors'
import type { Logger } from '../logger'
import { ASSET_HASH } from '../storage/assetLinks'
import type { AssetStore } from '../storage/types'
import { checkImage } from './images'

export interface AssetDeps {
  boards: BoardStore
  assets: AssetStore
  /** The largest image taken, in bytes (`MAX_ASSET_BYTES`). */
  maxAssetBytes: number
  logger: Logger
}

/** Where an image of a board is served from: the `src` of its asset record (CONTRACT section 3). */
export const assetUrl = (boardId: string, hash: string) => `/api/boards/${boardId}/assets/${hash}`

const UPLOAD_PATH = /^\/api\/boards\/[^/]+\/assets\/?$/

/** An image upload: its body is bounded by `MAX_ASSET_BYTES`, not by the API's limit on JSON bodies. */
export const isAssetUpload = (method: string, path: string) => method === 'POST' && UPLOAD_PATH.test(path)

/** A URL names its image's bytes, so they never change under it. */
const CACHE_FOREVER = 'private, max-age=31536000, immutable'

/** An SVG opened by itself is a document: it may draw, with its own inline styles, and do nothing else. */
const SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"

/** Whether an `If-None-Match` header names `etag` (weakly or strongly) or anything at all. */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false
  return ifNoneMatch.split(',').some((tag) => {
    const trimmed = tag.trim()
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag
  })
}

/** Images of a board: upload one, read one (issue 15). */
export function assetRoutes({ boards, assets, maxAssetBytes, logger }: AssetDeps) {
  return new Hono<AppEnv>()
    .post(
      '/:id/assets',
      requireUser,
      boardAccess(boards, 'board:edit'),
      // A declared length over the limit is refused before anything is read; an undeclared one
      // (chunked) is counted as it streams in and refused as soon as it passes the limit.
      bodyLimit({
        maxSize: maxAssetBytes,
        onError: (c) => apiError(c, 413, 'image_too_large', `Images are limited to ${maxAssetBytes} bytes`),
      }),
      async (c) => {
        const bytes = new Uint8Array(await c.req.arrayBuffer())
        if (bytes.byteLength === 0) {
          return apiError(c, 400, 'empty_body', 'Send the image file as the request body')
        }
        const image = checkImage(bytes, c.req.header('content-type'))
        if ('refused' in image) return apiError(c, 415, 'unsupported_image', image.refused)
        // Escaping can make a sanitised SVG a little longer than the file sent.
        if (image.bytes.byteLength > maxAssetBytes) {
          return apiError(c, 413, 'image_too_large', `Images are limited to ${maxAssetBytes} bytes`)
        }
        const stored = await assets.put(c.var.board.id, image.bytes, image.mimeType)
        return c.json({ src: assetUrl(c.var.board.id, stored.hash) }, 201)
      },
    )
    .get('/:id/assets/:hash', boardAccess(boards, 'board:read'), async (c) => {
      const hash = c.req.param('hash')
      // Only through the board's own link: a member of one board cannot read another board's image
      // by its hash, even where both boards hold the same bytes.
      const asset = ASSET_HASH.test(hash) ? await assets.find(c.var.board.id, hash) : null
      if (!asset) return apiError(c, 404, 'not_found', 'No such image on this board')
      const etag = `"${asset.hash}"`
      const headers: Record<string, string> = {
        ETag: etag,
        'Cache-Control': CACHE_FOREVER,
        'X-Content-Type-Options': 'nosniff',
        ...(asset.mimeType === 'image/svg+xml' ? { 'Content-Security-Policy': SVG_POLICY } : {}),
      }
      if (matches(c.req.header('if-none-match'), etag)) return c.body(null, 304, headers)
      const bytes = await assets.read(asset.hash)
      if (!bytes) {
        logger.error({ boardId: c.var.board.id, hash }, 'an image a board links to has no stored bytes')
        return apiError(c, 404, 'not_found', 'No such image on this board')
      }
      // Read from a file or a row: never a SharedArrayBuffer.
      return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { ...headers, 'Content-Type': asset.mimeType })
    })
}
