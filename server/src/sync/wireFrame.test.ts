import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import { plainStream, wireFrame } from './wireFrame'

const open: { close(): void }[] = []
afterEach(() => {
  for (const thing of open.splice(0)) thing.close()
})

/** A ws server and one client connected to it; resolves with both ends. */
async function pair(perMessageDeflate = false) {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate })
  open.push(server)
  await new Promise((resolve) => server.once('listening', resolve))
  const { port } = server.address() as AddressInfo
  const accepted = new Promise<WebSocket>((resolve) => server.once('connection', resolve))
  const client = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate })
  open.push(client)
  await new Promise((resolve) => client.once('open', resolve))
  return { serverSide: await accepted, client }
}

const nextMessage = (client: WebSocket) =>
  new Promise<{ data: Buffer; isBinary: boolean }>((resolve) =>
    client.once('message', (data: Buffer, isBinary) => resolve({ data, isBinary })),
  )

describe('wireFrame', () => {
  it('writes the payload length in each of the header’s three encodings', () => {
    const header = (length: number) => [...wireFrame(new Uint8Array(length)).subarray(0, 10)]
    expect(header(125).slice(0, 2)).toEqual([0x82, 125])
    expect(header(126).slice(0, 4)).toEqual([0x82, 126, 0, 126])
    expect(header(65_536)).toEqual([0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0])
  })

  it('reaches a ws client as the one binary message it holds, written to the socket’s stream', async () => {
    const { serverSide, client } = await pair()
    // If ws renamed the field that holds its stream, broadcasts would go through ws.send: slower, not wrong.
    const stream = plainStream(serverSide)
    expect(stream).not.toBeNull()
    for (const length of [0, 125, 126, 65_535, 65_536, 70_000]) {
      const message = Uint8Array.from({ length }, (_, i) => i % 251)
      const arrived = nextMessage(client)
      stream?.write(wireFrame(message))
      const { data, isBinary } = await arrived
      expect(isBinary).toBe(true)
      expect(new Uint8Array(data), `length ${length}`).toEqual(message)
    }
  })

  it('is not written as is to a socket that negotiated compression, nor to one that is closing', async () => {
    const compressed = await pair(true)
    expect(compressed.serverSide.extensions).toContain('permessage-deflate')
    expect(plainStream(compressed.serverSide)).toBeNull()
    const plain = await pair()
    plain.serverSide.close()
    expect(plainStream(plain.serverSide)).toBeNull()
  })
})
