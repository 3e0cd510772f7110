import { type IncomingMessage, type Server, STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import type { Context, Hono } from 'hono'
import { type WebSocket, WebSocketServer } from 'ws'
import type { AppEnv } from './env'

/** What a route that accepts an upgrade hands over: the only thing kept for the socket's lifetime. */
export type AcceptSocket = (socket: WebSocket) => void

/**
 * Marks the request as accepted for a WebSocket upgrade. The Hono app decides every upgrade (origin,
 * session, membership run as middleware, as for any route); once it has, nothing of the request is
 * kept: a socket holds its own state, not the Context, Request and headers it was decided with.
 * (`@hono/node-ws` keeps all of those alive per socket: several KiB per idle connection.)
 */
export function acceptUpgrade(c: Context<AppEnv>, accept: AcceptSocket): Response {
  if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
    return c.json({ error: { code: 'upgrade_required', message: 'This endpoint speaks WebSocket' } }, 426)
  }
  c.env.acceptSocket = accept
  return c.body(null, 200)
}

function refuse(socket: Duplex, status: number): void {
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
  )
}

/** Routes the HTTP server's upgrade requests through the Hono app, and upgrades the accepted ones. */
export function createWebSocketUpgrade(app: Hono<AppEnv>, { maxPayload }: { maxPayload: number }) {
  // ws enforces the limit while reading a frame and closes with 1009, before buffering more.
  const wss = new WebSocketServer({ noServer: true, maxPayload })

  const onUpgrade = async (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy())
    const headers = new Headers()
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === 'string') headers.set(name, value)
      else if (Array.isArray(value)) for (const item of value) headers.append(name, item)
    }
    const env: AppEnv['Bindings'] = { incoming: request }
    let status = 500
    try {
      status = (await app.request(new URL(request.url ?? '/', 'http://localhost'), { headers }, env)).status
    } catch {
      // The app's own error handler answers with a status; this is only the last resort.
    }
    const accept = env.acceptSocket
    if (!accept || status !== 200 || socket.destroyed) {
      refuse(socket, accept ? 500 : status)
      return
    }
    wss.handleUpgrade(request, socket, head, (ws) => accept(ws))
  }

  return {
    wss,
    attach(server: Server) {
      server.on('upgrade', (request, socket, head) => void onUpgrade(request, socket, head))
    },
  }
}
