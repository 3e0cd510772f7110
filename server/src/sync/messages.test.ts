import * as encoding from 'lib0/encoding'
import { describe, expect, it } from 'vitest'
import {
  decodeClientMessage,
  encodeAwareness,
  encodeSyncStep1,
  encodeUpdate,
  MalformedMessageError,
} from './messages'

function frame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder()
  write(encoder)
  return encoding.toUint8Array(encoder)
}

describe('decodeClientMessage', () => {
  it('decodes the messages the stock y-websocket client sends', () => {
    const payload = new Uint8Array([1, 2, 3])
    expect(decodeClientMessage(encodeSyncStep1(payload))).toEqual({
      kind: 'sync-step-1',
      stateVector: payload,
    })
    expect(decodeClientMessage(encodeUpdate(payload))).toEqual({ kind: 'update', update: payload })
    expect(decodeClientMessage(encodeAwareness(payload))).toEqual({ kind: 'awareness', update: payload })
    expect(decodeClientMessage(new Uint8Array([3]))).toEqual({ kind: 'query-awareness' })
  })

  it.each([
    ['an empty frame', new Uint8Array([])],
    ['an unknown message type', new Uint8Array([7, 0])],
    ['an unknown sync step', new Uint8Array([0, 9, 0])],
    [
      'a payload longer than the frame',
      frame((e) => {
        encoding.writeVarUint(e, 0)
        encoding.writeVarUint(e, 2)
        encoding.writeVarUint(e, 50)
        encoding.writeUint8(e, 1)
      }),
    ],
    ['trailing bytes', new Uint8Array([...encodeUpdate(new Uint8Array([1])), 0])],
    ['a truncated varint', new Uint8Array([0x80])],
    // Answered later when writes are pending: read at once, or it would throw where nothing catches it.
    ['a sync step 1 whose state vector does not decode', encodeSyncStep1(new Uint8Array([3, 1, 0xff]))],
  ])('rejects %s with a MalformedMessageError', (_name, bytes) => {
    expect(() => decodeClientMessage(bytes)).toThrow(MalformedMessageError)
  })
})
