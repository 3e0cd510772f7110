import { describe, expect, it } from 'vitest'
import type { RelayMessage } from '../sync/relay'
import { decodeRelayMessage, encodeRelayMessage } from './codec'

describe('relay messages', () => {
  it.each<RelayMessage>([
    { kind: 'update', update: new Uint8Array([1, 2, 3]) },
    { kind: 'awareness', update: new Uint8Array([9]) },
    { kind: 'member', userId: 'u_1', role: 'viewer' },
    { kind: 'member', userId: 'u_1', role: null },
    { kind: 'deleted' },
  ])('round-trips %j', (message) => {
    const envelope = decodeRelayMessage(encodeRelayMessage('instance-a', message, 1234.5))
    expect(envelope).toEqual({ instanceId: 'instance-a', sentAt: 1234.5, message })
  })

  it('answers null for bytes that are not a message', () => {
    expect(decodeRelayMessage(new Uint8Array([]))).toBeNull()
    expect(decodeRelayMessage(new Uint8Array([2, 0, 0]))).toBeNull()
    expect(decodeRelayMessage(new Uint8Array([1, 200]))).toBeNull()
  })
})
