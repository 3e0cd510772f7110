// The peers Refinery is measured against, one per process: `node peers.mjs <kind> <port>`.
//   ywebsocket  the reference server of y-websocket 1.5.4 (bin/utils setupWSConnection on a ws server)
//   hocuspocus  Hocuspocus 4 (@hocuspocus/server), out of the box, no extensions
//   relay       a raw WebSocket byte relay: every binary message goes to every other socket of the same
//               path, nothing else (no document, no protocol): the floor no Yjs server can beat
// Each answers GET /stats with the rooms and connections it holds. Nothing here stores anything.
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import { WebSocketServer } from 'ws'

const [kind, portArgument] = process.argv.slice(2)
const port = Number(portArgument)
const HOST = '127.0.0.1'

function sendJson(response, body) {
  response.writeHead(200, { 'content-type': 'application/json' })
  response.end(JSON.stringify(body))
}

function yWebsocket() {
  const require = createRequire(import.meta.url)
  const { setupWSConnection, docs } = require('y-websocket-1.5.4/bin/utils')
  const server = createServer((request, response) => {
    if (request.url !== '/stats') return sendJson(response, { ok: true })
    let connections = 0
    for (const doc of docs.values()) connections += doc.conns.size
    sendJson(response, { rooms: docs.size, connections })
  })
  // As y-websocket's own bin/server.js: upgrades handled by a ws server, the room from the path.
  const wss = new WebSocketServer({ noServer: true })
  wss.on('connection', (conn, request) => {
    setupWSConnection(conn, request, { docName: request.url.slice(1).split('?')[0] })
  })
  server.on('upgrade', (request, socket, head) => {
    wss.handleUpgrade(request, socket, head, (conn) => wss.emit('connection', conn, request))
  })
  server.listen(port, HOST)
}

async function hocuspocus() {
  // Imported here: its ESM Yjs must not meet y-websocket's CommonJS one in the same process.
  const { Server: HocuspocusServer } = await import('@hocuspocus/server')
  const server = new HocuspocusServer({
    port,
    address: HOST,
    quiet: true,
    stopOnSignals: false,
    async onRequest({ request, response, instance }) {
      if (request.url !== '/stats') return
      sendJson(response, { rooms: instance.getDocumentsCount(), connections: instance.getConnectionsCount() })
      // Hocuspocus' way to say "answered": reject without an error, so it writes no response of its own.
      return Promise.reject()
    },
  })
  await server.listen()
}

function relay() {
  const rooms = new Map()
  const server = createServer((request, response) => {
    if (request.url !== '/stats') return sendJson(response, { ok: true })
    let connections = 0
    for (const sockets of rooms.values()) connections += sockets.size
    sendJson(response, { rooms: rooms.size, connections })
  })
  const wss = new WebSocketServer({ server })
  wss.on('connection', (socket, request) => {
    const path = request.url
    let room = rooms.get(path)
    if (!room) {
      room = new Set()
      rooms.set(path, room)
    }
    room.add(socket)
    socket.on('message', (data, isBinary) => {
      if (!isBinary) return
      for (const peer of room) {
        if (peer !== socket && peer.readyState === peer.OPEN) peer.send(data, { binary: true })
      }
    })
    socket.on('close', () => {
      room.delete(socket)
      if (room.size === 0 && rooms.get(path) === room) rooms.delete(path)
    })
    socket.on('error', () => undefined)
  })
  server.listen(port, HOST)
}

const peers = { ywebsocket: yWebsocket, hocuspocus, relay }
if (!peers[kind]) {
  process.stderr.write(`unknown peer "${kind}"; one of ${Object.keys(peers).join(', ')}\n`)
  process.exit(2)
}
await peers[kind]()
process.once('SIGTERM', () => process.exit(0))
process.once('SIGINT', () => process.exit(0))
