import { describe, expect, it } from 'vitest'
import type { RelayMessage, SessionMessage } from '../sync/relay'
import { decodeRelayMessage, encodeRelayMessage } from './codec'

describe('relay messages', () => {
  it.each<RelayMessage | SessionMessage>([
    { kind: 'update', update: new Uint8Array([1, 2, 3]) },
    { kind: 'awareness', update: new Uint8Array([9]) },
    { kind: 'member', userId: 'u_1', role: 'viewer' },
    { kind: 'member', userId: 'u_1', role: null },
    { kind: 'deleted' },
    { kind: 'sessions-ended', sessionIds: ['s_1', 's_2'] },
    { kind: 'sessions-ended', sessionIds: [] },
    { kind: 'session-replaced', sessionId: 's_1', by: { id: 's_3', expiresAt: 1_800_000_000_000 } },
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
