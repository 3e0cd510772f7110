import { type IncomingMessage, type Server, STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import { type WebSocket, WebSocketServer } from 'ws'

/** What an accepted upgrade hands over: the only thing kept for the socket's lifetime. */
export type AcceptSocket<S extends WebSocket = WebSocket> = (socket: S) => void

/** Decides an upgrade: a function to take the socket, or the HTTP status to refuse it with. */
export type Authorize<S extends WebSocket = WebSocket> = (
  request: IncomingMessage,
) => Promise<AcceptSocket<S> | number>

/** Shared by every socket, so an accepted one keeps no closure of its own for it. */
function destroyOnError(this: Duplex): void {
  this.destroy()
}

function refuse(socket: Duplex, status: number): void {
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
  )
}

/**
 * Upgrades the HTTP server's WebSocket requests that `authorize` accepts, and refuses the others
 * before a byte of any board is sent. Nothing of the request outlives the upgrade: a socket holds its
 * own state only (a framework's upgrade helper that keeps its request context alive per socket costs
 * several KiB per idle connection).
 */
export function createWebSocketUpgrade<C extends typeof WebSocket>(
  authorize: Authorize<InstanceType<C>>,
  { maxPayload, socketClass }: { maxPayload: number; socketClass: C },
) {
  // ws enforces the limit while reading a frame and closes with 1009, before buffering more. Sockets
  // are made as `socketClass`, so they can carry their own state in fields.
  const wss = new WebSocketServer<C>({ noServer: true, maxPayload, WebSocket: socketClass })

  const onUpgrade = async (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', destroyOnError)
    let decision: AcceptSocket<InstanceType<C>> | number
    try {
      decision = await authorize(request)
    } catch {
      decision = 500
    }
    if (socket.destroyed) return
    if (typeof decision === 'number') {
      refuse(socket, decision)
      return
    }
    const accept = decision
    wss.handleUpgrade(request, socket, head, (ws) => accept(ws))
  }

  return {
    wss,
    attach(server: Server) {
      server.on('upgrade', (request, socket, head) => void onUpgrade(request, socket, head))
    },
  }
}
