import type { Duplex } from 'node:stream'
import type { WebSocket } from 'ws'

/**
 * One binary message as a whole WebSocket frame (RFC 6455 section 5.2: FIN, binary, unmasked as a
 * server's frames are), header and payload in one buffer. A broadcast frames its message once and
 * writes these same bytes to every socket: `ws` would frame it again per socket, with a header buffer,
 * an options object and a two-buffer `writev` each, and at 200 readers that garbage and those calls
 * are most of what the server spends on an edit besides the writes themselves.
 */
export function wireFrame(message: Uint8Array): Buffer {
  const length = message.byteLength
  const headerBytes = length < 126 ? 2 : length < 65_536 ? 4 : 10
  const wire = Buffer.allocUnsafe(headerBytes + length)
  wire[0] = 0x82
  if (length < 126) wire[1] = length
  else if (length < 65_536) {
    wire[1] = 126
    wire.writeUInt16BE(length, 2)
  } else {
    wire[1] = 127
    wire.writeBigUInt64BE(BigInt(length), 2)
  }
  wire.set(message, headerBytes)
  return wire
}

/**
 * The TCP stream under a `ws` socket, when a frame of `wireFrame` may be written to it as is: the
 * socket is open and negotiated no extension (permessage-deflate would have to compress the frame,
 * and `ws` queues what it sends while it does). Null otherwise, and the caller sends through `ws`.
 * `ws` keeps the stream in `_socket`, not a documented field: `wireFrame.test.ts` fails if that changes.
 */
export function plainStream(socket: WebSocket): Duplex | null {
  if (socket.readyState !== socket.OPEN || socket.extensions !== '') return null
  const stream = (socket as unknown as { _socket?: Duplex })._socket
  return stream?.writable ? stream : null
}
