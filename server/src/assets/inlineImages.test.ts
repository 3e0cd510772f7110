import { createHash } from 'node:crypto'
import { CloseCode, getRecords, putRecord } from '@refinery/shared'
import { afterAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  cleanupAfterEach,
  closeWithin,
  connectClient,
  createBoard,
  openRawSocket,
  removeDir,
  signUp,
  startTestServer,
  type TestClient,
  tempDir,
  waitFor,
  waitForSync,
} from '../../test/helpers'
import { dataUrlOf, pngOf } from '../../test/images'
import type { Config } from '../config'
import type { Logger } from '../logger'
import { SqliteStore } from '../storage/sqlite'
import type { BoardDocument } from '../sync/contentHooks'
import { encodeUpdate } from '../sync/messages'
import { decodeDataUrl } from './dataUrl'
import { InlineImages } from './inlineImages'

const cleanup = cleanupAfterEach()
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')
const SVG_NS = 'http://www.w3.org/2000/svg'

/** An image asset record as tldraw writes one. */
const imageAsset = (id: string, src: string) => ({
  id: `asset:${id}`,
  typeName: 'asset',
  type: 'image',
  props: { name: `${id}.png`, src, w: 10, h: 10, mimeType: 'image/png', isAnimated: false },
  meta: {},
})

const srcOf = (doc: Y.Doc, id: string) =>
  (getRecords(doc).get(`asset:${id}`)?.get('props') as Y.Map<unknown> | undefined)?.get('src')

/** The update that puts asset records holding these images into an empty document. */
function documentWith(images: Record<string, string>): Uint8Array {
  const doc = new Y.Doc()
  for (const [id, src] of Object.entries(images)) putRecord(getRecords(doc), imageAsset(id, src))
  return Y.encodeStateAsUpdate(doc)
}

/** A board on a fresh server, its owner, and a way to put the owner's clients on it. */
async function boardOn(overrides: Partial<Config> = {}) {
  const running = await startTestServer(overrides)
  cleanup(() => running.close())
  const owner = await signUp(running.port, 'Ines')
  const boardId = await createBoard(running.port, owner.cookie)
  const connect = async (doc?: Y.Doc) => {
    const client: TestClient = connectClient(running.port, boardId, {
      cookie: owner.cookie,
      ...(doc ? { doc } : {}),
    })
    cleanup(() => client.destroy())
    await waitForSync(client)
    return client
  }
  const fetchImage = (src: string) =>
    fetch(`http://localhost:${running.port}${src}`, { headers: { cookie: owner.cookie } })
  /** The board as storage holds it. */
  const stored = async () => {
    const doc = new Y.Doc()
    const { snapshot, updates } = await running.store.loadDocument(boardId)
    for (const update of snapshot ? [snapshot, ...updates] : updates) Y.applyUpdate(doc, update)
    return doc
  }
  return { running, owner, boardId, connect, fetchImage, stored }
}

describe('a board stored with images in its document', () => {
  for (const where of ['update log', 'snapshot']) {
    it(`opens with each image moved to the server and its src rewritten (images in its ${where})`, async () => {
      const { running, boardId, connect, fetchImage, stored } = await boardOn()
      const png = pngOf(20_000, 3)
      const svg = `<svg xmlns="${SVG_NS}"><script>alert(1)</script><rect/></svg>`
      await running.store.appendUpdates([
        {
          boardId,
          update: documentWith({
            photo: dataUrlOf(png),
            drawing: `data:image/svg+xml,${encodeURIComponent(svg)}`,
          }),
        },
      ])
      if (where === 'snapshot') await running.store.compactDocument(boardId)

      // Every src the client ever holds, from its first sync on.
      const doc = new Y.Doc()
      const seen: unknown[] = []
      doc.on('afterTransaction', () => seen.push(srcOf(doc, 'photo'), srcOf(doc, 'drawing')))
      await connect(doc)
      expect(srcOf(doc, 'photo')).toBe(`/api/boards/${boardId}/assets/${sha256(png)}`)
      expect(seen.filter((src) => typeof src === 'string' && src.startsWith('data:'))).toEqual([])

      const photo = await fetchImage(srcOf(doc, 'photo') as string)
      expect(photo.status).toBe(200)
      expect(Buffer.from(await photo.arrayBuffer()).equals(png)).toBe(true)
      // The SVG is checked as an upload is: sanitised.
      const drawing = await fetchImage(srcOf(doc, 'drawing') as string)
      expect(drawing.headers.get('content-type')).toBe('image/svg+xml')
      expect(await drawing.text()).toBe(
        `<svg xmlns="${SVG_NS}" xmlns:xlink="http://www.w3.org/1999/xlink"><rect/></svg>`,
      )
      // Stored as a change of the server's: storage alone has it.
      await waitFor(async () => srcOf(await stored(), 'photo') === srcOf(doc, 'photo'), {
        message: 'the rewritten src to be stored',
      })
    })
  }

  it('leaves an image that cannot move as it is, and the board opens with everything else', async () => {
    const { running, boardId, connect, fetchImage } = await boardOn({ maxAssetBytes: 5000 })
    const png = pngOf(1000, 4)
    const left = {
      html: 'data:text/html,<script>alert(1)</script>',
      broken: 'data:image/png;base64,@@not base64@@',
      big: dataUrlOf(pngOf(8000, 5)),
      liar: dataUrlOf(Buffer.from('GIF89a and more'), 'image/png'),
    }
    await running.store.appendUpdates([{ boardId, update: documentWith({ ...left, photo: dataUrlOf(png) }) }])
    const { doc } = await connect()
    for (const [id, src] of Object.entries(left)) expect(srcOf(doc, id), id).toBe(src)
    expect((await fetchImage(srcOf(doc, 'photo') as string)).status).toBe(200)
  })
})

describe('an image a client writes into the document', () => {
  it('is moved to the server after the update is taken, and every client gets the URL', async () => {
    const { connect, fetchImage, boardId, stored } = await boardOn()
    const writer = await connect()
    const reader = await connect()
    const png = pngOf(30_000, 6)
    putRecord(getRecords(writer.doc), imageAsset('pasted', dataUrlOf(png)))
    const url = `/api/boards/${boardId}/assets/${sha256(png)}`
    for (const client of [writer, reader]) {
      await waitFor(() => srcOf(client.doc, 'pasted') === url, { message: 'the URL to reach a client' })
    }
    const image = await fetchImage(url)
    expect(Buffer.from(await image.arrayBuffer()).equals(png)).toBe(true)
    await waitFor(async () => srcOf(await stored(), 'pasted') === url, { message: 'the URL to be stored' })
    // The socket that sent it is still open and still edits.
    putRecord(getRecords(writer.doc), imageAsset('second', dataUrlOf(pngOf(500, 7))))
    await waitFor(
      () => srcOf(reader.doc, 'second') === `/api/boards/${boardId}/assets/${sha256(pngOf(500, 7))}`,
    )
    expect(writer.provider.wsconnected).toBe(true)
  })

  it('that cannot move stays, and its socket stays open', async () => {
    const { connect, boardId, running } = await boardOn()
    const writer = await connect()
    const reader = await connect()
    putRecord(getRecords(writer.doc), imageAsset('odd', 'data:application/pdf;base64,JVBERi0='))
    await waitFor(() => srcOf(reader.doc, 'odd') === 'data:application/pdf;base64,JVBERi0=')
    putRecord(getRecords(writer.doc), imageAsset('fine', dataUrlOf(pngOf(400, 8))))
    await waitFor(() => String(srcOf(reader.doc, 'fine')).startsWith(`/api/boards/${boardId}/assets/`))
    expect(srcOf(running.sync.peekRoom(boardId)?.doc as Y.Doc, 'odd')).toBe(
      'data:application/pdf;base64,JVBERi0=',
    )
    expect(writer.provider.wsconnected).toBe(true)
  })

  it('past what MAX_ASSET_BYTES allows as a data: URL closes its socket with 4413, and is not stored', async () => {
    const { running, boardId, owner, connect } = await boardOn({ maxAssetBytes: 1024 * 1024 })
    const watcher = await connect()
    const { socket, opened } = openRawSocket(running.port, boardId, { cookie: owner.cookie })
    cleanup(() => socket.terminate())
    await opened
    const closed = closeWithin(socket, 5000)
    // 1.5 MB as base64: over the 1 MiB image's data: URL (about 1.4 million characters).
    socket.send(encodeUpdate(documentWith({ huge: dataUrlOf(pngOf(1_500_000, 9)) })))
    expect((await closed).code).toBe(CloseCode.TooLarge)
    expect(srcOf(watcher.doc, 'huge')).toBeUndefined()
    expect(watcher.provider.wsconnected).toBe(true)
  })
})

describe('InlineImages', () => {
  const dirs: string[] = []
  afterAll(() => {
    for (const dir of dirs) removeDir(dir)
  })

  /** A real asset store, a plain document as the board, and a logger that keeps what it is told. */
  async function setUp() {
    const dir = tempDir()
    dirs.push(dir)
    const store = SqliteStore.open(dir)
    cleanup(() => store.close())
    const warnings: unknown[] = []
    const logger = { warn: (context: unknown) => warnings.push(context), info: () => {} } as unknown as Logger
    const mover = new InlineImages({ assets: store.assets, logger, maxAssetBytes: 100_000 })
    const doc = new Y.Doc()
    const board: BoardDocument = {
      boardId: 'board',
      read: async (read) => read(doc),
      change: async (change) => doc.transact(() => change(doc)),
    }
    return { store, mover, doc, board, warnings }
  }

  it('logs an image it leaves once, however often it looks at the board', async () => {
    const { mover, doc, board, warnings } = await setUp()
    Y.applyUpdate(doc, documentWith({ odd: 'data:image/png;base64,AAAA' }))
    expect(await mover.move(board)).toBe(0)
    expect(await mover.move(board)).toBe(0)
    expect(warnings).toEqual([
      { boardId: 'board', recordId: 'asset:odd', reason: "The file's bytes are not a image/png image" },
    ])
  })

  it('does not overwrite an src someone changed while the image was being stored', async () => {
    const { mover, doc, board } = await setUp()
    Y.applyUpdate(doc, documentWith({ photo: dataUrlOf(pngOf(300, 10)) }))
    const racing: BoardDocument = {
      ...board,
      change: async (change) => {
        // Someone swaps the image in between.
        const props = getRecords(doc).get('asset:photo')?.get('props') as Y.Map<unknown>
        props.set('src', '/elsewhere')
        return board.change(change)
      },
    }
    await mover.move(racing)
    expect(srcOf(doc, 'photo')).toBe('/elsewhere')
  })

  it('stores an image two records hold once', async () => {
    const { store, mover, doc, board } = await setUp()
    const png = pngOf(2000, 11)
    Y.applyUpdate(doc, documentWith({ one: dataUrlOf(png), two: dataUrlOf(png) }))
    expect(await mover.move(board)).toBe(2)
    expect(srcOf(doc, 'one')).toBe(srcOf(doc, 'two'))
    expect(await store.assets.find('board', sha256(png))).toMatchObject({ size: png.byteLength })
  })

  it('goes round once more for an update that came while it moved, and looks at no other update', async () => {
    const { mover, doc, board } = await setUp()
    expect(mover.updated(board, documentWith({ plain: '/api/boards/board/assets/x' }))).toBeUndefined()
    Y.applyUpdate(doc, documentWith({ first: dataUrlOf(pngOf(100, 12)) }))
    const first = mover.updated(board, documentWith({ first: 'data:' }))
    // While the first move runs, another image arrives.
    Y.applyUpdate(doc, documentWith({ second: dataUrlOf(pngOf(100, 13)) }))
    expect(mover.updated(board, documentWith({ second: 'data:' }))).toBe(first)
    await first
    expect(String(srcOf(doc, 'first'))).toMatch(/^\/api\/boards\/board\/assets\//)
    expect(String(srcOf(doc, 'second'))).toMatch(/^\/api\/boards\/board\/assets\//)
  })
})

describe('decodeDataUrl', () => {
  it('decodes base64 and percent-encoded URLs with their media type', () => {
    expect(decodeDataUrl('data:image/gif;base64,R0lGODlh', 100)).toEqual({
      bytes: Buffer.from('GIF89a'),
      mediaType: 'image/gif',
    })
    expect(decodeDataUrl('data:image/svg+xml;charset=utf-8,%3Csvg%2F%3E', 100)).toEqual({
      bytes: Buffer.from('<svg/>'),
      mediaType: 'image/svg+xml',
    })
    expect(decodeDataUrl('data:,hi', 100)).toEqual({ bytes: Buffer.from('hi'), mediaType: 'text/plain' })
  })

  it('refuses what does not decode, and what is over the limit before decoding it', () => {
    expect(decodeDataUrl('data:image/png;base64,%%%', 100)).toEqual({ refused: 'its base64 does not decode' })
    expect(decodeDataUrl('data:image/svg+xml,%E0%A4%A', 100)).toEqual({
      refused: 'its percent-encoding does not decode',
    })
    expect(decodeDataUrl('https://example.com/x.png', 100)).toEqual({ refused: 'it is not a data: URL' })
    expect(decodeDataUrl(`data:image/png;base64,${'A'.repeat(140)}`, 100)).toEqual({
      refused: 'it is larger than 100 bytes',
    })
    expect(decodeDataUrl(`data:image/png;base64,${'A'.repeat(132)}`, 100)).toHaveProperty('bytes')
  })
})
