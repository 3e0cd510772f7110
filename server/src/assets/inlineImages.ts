import { getRecords } from '@refinery/shared'
import * as Y from 'yjs'
import type { Logger } from '../logger'
import type { AssetStore } from '../storage/types'
import type { BoardDocument, ContentHooks } from '../sync/contentHooks'
import { decodeDataUrl } from './dataUrl'
import { checkImage } from './images'
import { assetUrl } from './routes'

/** An asset record whose image is still in the document. */
interface InlineImage {
  recordId: string
  src: string
}

const DATA_URL = Buffer.from('data:')

/** Whether Yjs bytes may hold a `data:` URL: its text is stored as it is, so a byte search finds it. */
const mayHoldDataUrl = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(DATA_URL)

/** The asset records of a board whose `props.src` is a `data:` URL. */
function inlineImagesOf(doc: Y.Doc): InlineImage[] {
  const found: InlineImage[] = []
  for (const [recordId, record] of getRecords(doc)) {
    if (!(record instanceof Y.Map) || record.get('typeName') !== 'asset') continue
    const props = record.get('props')
    const src = props instanceof Y.Map ? props.get('src') : undefined
    if (typeof src === 'string' && src.startsWith('data:')) found.push({ recordId, src })
  }
  return found
}

/** How many images left in documents are remembered as reported, so each is logged once. */
const REPORTED_LIMIT = 10_000

export interface InlineImagesDeps {
  assets: AssetStore
  logger: Logger
  /** The largest image taken (`MAX_ASSET_BYTES`). */
  maxAssetBytes: number
}

/**
 * Moves images out of board documents (issue 15): an asset record whose `props.src` is a `data:` URL
 * (a board from before issue 15, an older client, a script) gets its image checked as an upload
 * would be (an SVG sanitised), stored in the board's assets, and its `src` rewritten to the image's
 * URL as a change of the server's own, stored and relayed like any other. At load, before the
 * board's clients are greeted; after a client's update, beside the sync. An image that cannot move
 * (it does not decode, is too large, or is of no type a board takes) stays as it is and is logged
 * once.
 */
export class InlineImages implements ContentHooks {
  /** Per board, the move under way; `again` marks boards that took another such update meanwhile. */
  private readonly moving = new Map<string, Promise<void>>()
  private readonly again = new Set<string>()
  private readonly reported = new Set<string>()

  constructor(private readonly deps: InlineImagesDeps) {}

  async loaded(board: BoardDocument, content: readonly Uint8Array[]): Promise<void> {
    if (content.some(mayHoldDataUrl)) await this.move(board)
  }

  updated(board: BoardDocument, update: Uint8Array): Promise<void> | undefined {
    if (!mayHoldDataUrl(update)) return undefined
    const { boardId } = board
    const running = this.moving.get(boardId)
    if (running) {
      // The move under way may have read the document before this update: it goes round once more.
      this.again.add(boardId)
      return running
    }
    const run = (async () => {
      do {
        this.again.delete(boardId)
        await this.move(board)
      } while (this.again.has(boardId))
    })().finally(() => this.moving.delete(boardId))
    this.moving.set(boardId, run)
    return run
  }

  /** Moves every image the board's document still holds; returns how many moved. */
  async move(board: BoardDocument): Promise<number> {
    const moved: (InlineImage & { url: string })[] = []
    for (const image of await board.read(inlineImagesOf)) {
      const url = await this.store(board.boardId, image)
      if (url) moved.push({ ...image, url })
    }
    if (moved.length === 0) return 0
    await board.change((doc) => {
      const records = getRecords(doc)
      for (const { recordId, src, url } of moved) {
        const props = records.get(recordId)?.get('props')
        // Unless someone changed the image meanwhile: theirs is moved on its own turn.
        if (props instanceof Y.Map && props.get('src') === src) props.set('src', url)
      }
    })
    this.deps.logger.info(
      { boardId: board.boardId, images: moved.length },
      'moved images out of a board document',
    )
    return moved.length
  }

  /** Stores an image a document holds and returns its URL; null when it stays in the document. */
  private async store(boardId: string, { recordId, src }: InlineImage): Promise<string | null> {
    const { assets, maxAssetBytes } = this.deps
    const decoded = decodeDataUrl(src, maxAssetBytes)
    if ('refused' in decoded) return this.leave(boardId, recordId, src, decoded.refused)
    const image = checkImage(decoded.bytes, decoded.mediaType)
    if ('refused' in image) return this.leave(boardId, recordId, src, image.refused)
    if (image.bytes.byteLength > maxAssetBytes) {
      return this.leave(boardId, recordId, src, `it is larger than ${maxAssetBytes} bytes`)
    }
    const stored = await assets.put(boardId, image.bytes, image.mimeType)
    return assetUrl(boardId, stored.hash)
  }

  private leave(boardId: string, recordId: string, src: string, reason: string): null {
    const key = `${boardId} ${recordId} ${src.length} ${src.slice(0, 100)}`
    if (this.reported.has(key)) return null
    if (this.reported.size >= REPORTED_LIMIT) this.reported.clear()
    this.reported.add(key)
    this.deps.logger.warn({ boardId, recordId, reason }, 'left an image in a board document')
    return null
  }
}
