import { MessageType } from '@refinery/shared'
import { afterEach, describe, expect, it } from 'vitest'
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { sendOwnPresenceOnly } from './ownPresence'

/** The socket the provider opens, recording every frame it sends; the test plays the server. */
class RecordingSocket {
  static latest: RecordingSocket | null = null
  readonly OPEN = 1
  readyState = 0
  binaryType = 'blob'
  sent: Uint8Array[] = []
  onopen: (() => void) | null = null
  onmessage: ((event: { data: ArrayBuffer }) => void) | null = null
  onclose: ((event: unknown) => void) | null = null
  onerror: ((event: unknown) => void) | null = null

  constructor() {
    RecordingSocket.latest = this
  }

  send(frame: Uint8Array) {
    this.sent.push(frame)
  }

  close() {
    this.readyState = 3
  }

  open() {
    this.readyState = this.OPEN
    this.onopen?.()
  }

  receive(frame: Uint8Array) {
    this.onmessage?.({ data: frame.slice().buffer })
  }
}

function writeVarUint(bytes: number[], value: number) {
  let rest = value
  while (rest > 0x7f) {
    bytes.push(0x80 | (rest & 0x7f))
    rest = Math.floor(rest / 128)
  }
  bytes.push(rest)
}

function frame(type: number, payload?: Uint8Array): Uint8Array {
  const bytes: number[] = []
  writeVarUint(bytes, type)
  if (payload) {
    writeVarUint(bytes, payload.length)
    bytes.push(...payload)
  }
  return Uint8Array.from(bytes)
}

/** Reads y-protocols' encoding (lib0: variable-length integers, length-prefixed UTF-8 strings). */
class Reader {
  at = 0
  constructor(readonly bytes: Uint8Array) {}

  varUint(): number {
    let value = 0
    for (let shift = 0; ; shift += 7) {
      const byte = this.bytes[this.at++] ?? 0
      value += (byte & 0x7f) * 2 ** shift
      if (byte < 0x80) return value
    }
  }

  varBytes(): Uint8Array {
    const length = this.varUint()
    this.at += length
    return this.bytes.subarray(this.at - length, this.at)
  }
}

/** The presence entries (client, clock and state) of every awareness frame the provider sent. */
function sentPresence(socket: RecordingSocket): { client: number; clock: number; state: unknown }[] {
  const entries: { client: number; clock: number; state: unknown }[] = []
  for (const sent of socket.sent) {
    const outer = new Reader(sent)
    if (outer.varUint() !== MessageType.Awareness) continue
    const update = new Reader(outer.varBytes())
    for (let count = update.varUint(); count > 0; count--) {
      const client = update.varUint()
      const clock = update.varUint()
      entries.push({ client, clock, state: JSON.parse(new TextDecoder().decode(update.varBytes())) })
    }
  }
  return entries
}

let providers: WebsocketProvider[] = []

afterEach(() => {
  for (const provider of providers) provider.destroy()
  providers = []
})

/** A provider with its socket open and what it sent on opening forgotten, as `openBoardConnection` sets it up. */
function connectedProvider(): { provider: WebsocketProvider; socket: RecordingSocket } {
  const provider = new WebsocketProvider('ws://refinery.test/sync', 'board', new Y.Doc(), {
    WebSocketPolyfill: RecordingSocket as unknown as typeof WebSocket,
    disableBc: true,
  })
  providers.push(provider)
  sendOwnPresenceOnly(provider)
  provider.awareness.setLocalState({ user: { name: 'Alice' }, presence: { cursor: { x: 0, y: 0 } } })
  const socket = RecordingSocket.latest
  if (!socket) throw new Error('the provider opened no socket')
  socket.open()
  socket.sent = []
  return { provider, socket }
}

/** Someone else at the board, whose presence the server relays. */
function otherPerson(): Awareness {
  const bob = new Awareness(new Y.Doc())
  bob.setLocalState({ user: { name: 'Bob' }, presence: { cursor: { x: 1, y: 1 } } })
  return bob
}

describe('sendOwnPresenceOnly', () => {
  it('does not send back the presence of others that the server relays', () => {
    const { provider, socket } = connectedProvider()
    const bob = otherPerson()
    const relay = () =>
      socket.receive(frame(MessageType.Awareness, encodeAwarenessUpdate(bob, [bob.clientID])))

    relay()
    bob.setLocalState({ user: { name: 'Bob' }, presence: { cursor: { x: 2, y: 2 } } })
    relay()
    bob.setLocalState(null)
    relay()

    expect(provider.awareness.getStates().has(bob.clientID)).toBe(false)
    expect(sentPresence(socket)).toEqual([])
  })

  it('still sends its own changes, and its removal when the board closes', () => {
    const { provider, socket } = connectedProvider()
    const bob = otherPerson()
    socket.receive(frame(MessageType.Awareness, encodeAwarenessUpdate(bob, [bob.clientID])))
    expect(provider.awareness.getStates().has(bob.clientID)).toBe(true)

    provider.awareness.setLocalState({ user: { name: 'Alice' }, presence: { cursor: { x: 5, y: 5 } } })
    provider.awareness.setLocalState(null)

    const me = provider.awareness.clientID
    expect(sentPresence(socket)).toEqual([
      {
        client: me,
        clock: expect.any(Number),
        state: { user: { name: 'Alice' }, presence: { cursor: { x: 5, y: 5 } } },
      },
      { client: me, clock: expect.any(Number), state: null },
    ])
  })

  it('answers a query for presence with its own state alone, renewed', () => {
    const { provider, socket } = connectedProvider()
    const bob = otherPerson()
    socket.receive(frame(MessageType.Awareness, encodeAwarenessUpdate(bob, [bob.clientID])))
    const me = provider.awareness.clientID
    const clock = provider.awareness.meta.get(me)?.clock ?? 0

    socket.receive(frame(MessageType.QueryAwareness))

    // A newer clock: to the server and everyone it relays to, the presence is renewed, not repeated.
    expect(sentPresence(socket)).toEqual([
      { client: me, clock: clock + 1, state: provider.awareness.getLocalState() },
    ])
  })
})
