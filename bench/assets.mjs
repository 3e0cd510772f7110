// `pnpm --filter ./bench assets [document|upload]`: how much one pasted image grows the data folder
// (issue 15), not part of `pnpm bench`. A fresh built server with SQLite in a fresh DATA_DIR; one
// owner, one board, one PNG of ASSETS_PNG_BYTES (5 MB) of noise (a photo does not compress either).
//   document  the image as a `data:` URL in an asset record's props.src, sent through sync as tldraw
//             did before issue 15
//   upload    the image through POST /api/boards/:id/assets, the asset record holding the URL it answered
// The folder's size (every file's bytes) is read before, 3 s after the change (journal, WAL) and after
// a graceful stop (SIGTERM: the log folded into a snapshot). One JSON line per figure on stdout.
//
// ASSETS_SERVER=/path/to/index.js measures another build (default: this tree's server/dist).
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { dataUrlOf, pngOf } from '../server/test/images.ts'
import { createBoard, signUp, startRefinery } from './server.mjs'

const SERVER_ENTRY = resolve(
  process.env.ASSETS_SERVER ?? new URL('../server/dist/index.js', import.meta.url).pathname,
)
const MODE = process.argv[2] ?? 'upload'
const PNG_BYTES = Number(process.env.ASSETS_PNG_BYTES || 5_000_000)
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

function report(name, value, unit) {
  process.stdout.write(`${JSON.stringify({ name, value, unit })}\n`)
}

function folderBytes(dir) {
  let total = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    total += entry.isDirectory() ? folderBytes(path) : statSync(path).size
  }
  return total
}

function connect(server, boardId, cookie) {
  const headers = { origin: server.origin, cookie }
  class BrowserSocket extends WebSocket {
    constructor(url, protocols) {
      super(url, protocols, { headers })
    }
  }
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(`${server.ws}/sync`, boardId, doc, {
    WebSocketPolyfill: BrowserSocket,
    disableBc: true,
  })
  return { doc, provider }
}

function putImageAsset(doc, src, bytes) {
  const props = new Y.Map()
  for (const [key, value] of Object.entries({
    name: 'photo.png',
    src,
    w: 1290,
    h: 1290,
    mimeType: 'image/png',
    isAnimated: false,
    fileSize: bytes,
  })) {
    props.set(key, value)
  }
  const record = new Y.Map()
  record.set('id', 'asset:photo')
  record.set('typeName', 'asset')
  record.set('type', 'image')
  record.set('props', props)
  record.set('meta', new Y.Map())
  doc.getMap('records').set('asset:photo', record)
}

const dataDir = mkdtempSync(join(tmpdir(), 'refinery-assets-'))
try {
  const png = pngOf(PNG_BYTES)
  const server = await startRefinery({ DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, { entry: SERVER_ENTRY })
  const cookie = await signUp(server)
  const boardId = await createBoard(server, cookie)
  await sleep(1000)
  const before = folderBytes(dataDir)
  let src = dataUrlOf(png)
  if (MODE === 'upload') {
    const response = await fetch(`${server.http}/api/boards/${boardId}/assets`, {
      method: 'POST',
      headers: { 'content-type': 'image/png', origin: server.origin, cookie },
      body: png,
    })
    if (response.status !== 201) throw new Error(`upload: ${response.status} ${await response.text()}`)
    src = (await response.json()).src
  }
  const client = connect(server, boardId, cookie)
  await new Promise((resolve) => client.provider.once('sync', resolve))
  client.doc.transact(() => putImageAsset(client.doc, src, png.byteLength))
  await sleep(3000)
  const running = folderBytes(dataDir)
  client.provider.destroy()
  await server.stop('SIGTERM')
  const stopped = folderBytes(dataDir)
  report(`${MODE}: PNG`, png.byteLength, 'bytes')
  report(`${MODE}: data folder growth, running`, running - before, 'bytes')
  report(`${MODE}: data folder growth, after a graceful stop`, stopped - before, 'bytes')
  report(
    `${MODE}: growth / PNG, after a graceful stop`,
    Math.round(((stopped - before) / png.byteLength) * 100) / 100,
    'x',
  )
} finally {
  rmSync(dataDir, { recursive: true, force: true })
}
// fetch's keep-alive sockets would hold the process open for a while.
process.exit(0)
