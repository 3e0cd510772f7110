// The tldraw side of the browser bench, in a process of its own (its CPU and RSS are read from /proc):
// an in-memory `TLSocketRoom` per room at /connect/:room, as tldraw's sync docs set it up, plus the
// bench's built pages (sync.html, bare.html) and the records they show. Nothing is stored.
//   node sync-server.mjs <port>
// POST /rooms/:room?shapes=N opens a room holding the bench board of N shapes; GET /records?shapes=N
// answers those records (the bare page's store); GET /stats answers { rooms }.
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { extname, join, normalize } from 'node:path'
import { TLSocketRoom } from '@tldraw/sync-core'
import { createTLSchema } from '@tldraw/tlschema'
import { WebSocketServer } from 'ws'
import { boardRecords } from './shapes.mjs'

const DIST = new URL('./dist/', import.meta.url).pathname
const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
}
const schema = createTLSchema().serialize()
const rooms = new Map()

function openRoom(id, shapes) {
  rooms.get(id)?.close()
  const documents = boardRecords(shapes).map((state) => ({ state, lastChangedClock: 0 }))
  rooms.set(
    id,
    new TLSocketRoom({
      initialSnapshot: { documentClock: 0, tombstoneHistoryStartsAtClock: 0, schema, documents },
    }),
  )
}

async function serveFile(path, response) {
  const file = normalize(join(DIST, path === '/' ? 'bare.html' : path))
  if (!file.startsWith(DIST)) return response.writeHead(404).end()
  try {
    const body = await readFile(file)
    response.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      // As Refinery serves its build: hashed assets forever, pages revalidated.
      'cache-control': path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    })
    response.end(body)
  } catch {
    response.writeHead(404).end()
  }
}

const server = createServer((request, response) => {
  const url = new URL(request.url, 'http://localhost')
  const shapes = Number(url.searchParams.get('shapes') ?? 0)
  const room = /^\/rooms\/([\w-]+)$/.exec(url.pathname)?.[1]
  if (request.method === 'POST' && room) {
    openRoom(room, shapes)
    return response.writeHead(201).end()
  }
  if (url.pathname === '/records') {
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
    return response.end(JSON.stringify(boardRecords(shapes)))
  }
  if (url.pathname === '/stats') {
    response.writeHead(200, { 'content-type': 'application/json' })
    return response.end(JSON.stringify({ rooms: rooms.size }))
  }
  serveFile(url.pathname, response)
})

const sockets = new WebSocketServer({ noServer: true })
server.on('upgrade', (request, socket, head) => {
  const url = new URL(request.url, 'http://localhost')
  const room = rooms.get(/^\/connect\/([\w-]+)$/.exec(url.pathname)?.[1])
  if (!room) return socket.destroy()
  sockets.handleUpgrade(request, socket, head, (ws) => {
    room.handleSocketConnect({
      sessionId: url.searchParams.get('sessionId') ?? crypto.randomUUID(),
      socket: ws,
    })
  })
})

server.listen(Number(process.argv[2]), '127.0.0.1')
