import { createConnection, createServer, type Server, type Socket } from 'node:net'

/**
 * A round-robin TCP balancer on loopback, with no stickiness: each new connection (HTTP or
 * WebSocket) goes to the next backend that accepts it, as a load balancer in front of several
 * instances would do.
 */
export async function startLoadBalancer(
  backends: () => number[],
): Promise<{ port: number; close(): Promise<void> }> {
  let next = 0
  const sockets = new Set<Socket>()
  const connectTo = (ports: number[], client: Socket, attempt = 0) => {
    if (attempt >= ports.length) {
      client.destroy()
      return
    }
    const port = ports[(next + attempt) % ports.length] as number
    const upstream = createConnection({ host: '127.0.0.1', port })
    upstream.once('connect', () => {
      next = (next + attempt + 1) % ports.length
      sockets.add(upstream)
      upstream.on('close', () => sockets.delete(upstream))
      client.pipe(upstream).pipe(client)
      client.resume()
    })
    upstream.once('error', () => {
      upstream.destroy()
      if (!upstream.readyState || upstream.connecting) connectTo(ports, client, attempt + 1)
      else client.destroy()
    })
    client.once('close', () => upstream.destroy())
  }
  const server: Server = createServer((client) => {
    sockets.add(client)
    client.on('close', () => sockets.delete(client))
    client.on('error', () => client.destroy())
    client.pause()
    connectTo(backends(), client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
