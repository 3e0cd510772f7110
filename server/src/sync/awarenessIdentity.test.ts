import { BOARD_LIMITS } from '@refinery/shared'
import * as encoding from 'lib0/encoding'
import { describe, expect, it } from 'vitest'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as Y from 'yjs'
import { ForgedPresenceError, stampIdentity } from './awarenessIdentity'
import { MalformedMessageError } from './messages'

function awarenessUpdate(state: unknown): { update: Uint8Array; clientId: number } {
  const doc = new Y.Doc()
  const awareness = new awarenessProtocol.Awareness(doc)
  awareness.setLocalState(state as Record<string, unknown>)
  const update = awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID])
  awareness.destroy()
  return { update, clientId: doc.clientID }
}

function statesOf(update: Uint8Array): Map<number, Record<string, unknown>> {
  const awareness = new awarenessProtocol.Awareness(new Y.Doc())
  awarenessProtocol.applyAwarenessUpdate(awareness, update, null)
  return awareness.getStates() as Map<number, Record<string, unknown>>
}

const ada = { id: 'u1', name: 'Ada', color: '#1c7ed6' }

describe('stampIdentity', () => {
  it('replaces the claimed user id, name and colour with the session’s, keeping the rest', () => {
    const { update, clientId } = awarenessUpdate({
      user: { id: 'fake', name: 'The CEO', color: '#f00' },
      cursor: 1,
    })
    const stamped = stampIdentity(update, ada, () => 'own')
    expect(statesOf(stamped as Uint8Array).get(clientId)).toEqual({
      user: { id: 'u1', name: 'Ada', color: '#1c7ed6' },
      cursor: 1,
    })
  })

  it('adds a user to a state that has none', () => {
    const { update, clientId } = awarenessUpdate({ cursor: 1 })
    const stamped = stampIdentity(update, ada, () => 'own')
    expect(statesOf(stamped as Uint8Array).get(clientId)?.user).toEqual(ada)
  })

  it('drops echoes of other people’s presence unread', () => {
    const { update } = awarenessUpdate({ cursor: 1 })
    expect(stampIdentity(update, ada, () => 'echo')).toBeNull()
  })

  it('refuses the whole message when one entry writes someone else’s presence', () => {
    const { update } = awarenessUpdate({ cursor: 1 })
    expect(() => stampIdentity(update, ada, () => 'forged')).toThrow(ForgedPresenceError)
  })

  it('refuses a message with more entries than a presence needs, before reading them', () => {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, 1_000_000)
    let read = 0
    expect(() =>
      stampIdentity(encoding.toUint8Array(encoder), ada, () => {
        read++
        return 'own'
      }),
    ).toThrow(ForgedPresenceError)
    expect(read).toBe(0)
  })

  it('refuses a state larger than a presence needs', () => {
    const { update } = awarenessUpdate({ cursor: 'x'.repeat(BOARD_LIMITS.presenceBytes) })
    expect(() => stampIdentity(update, ada, () => 'own')).toThrow(ForgedPresenceError)
  })

  it('rejects a state that is not JSON', () => {
    expect(() => stampIdentity(new Uint8Array([1, 5, 1, 3, 123, 123, 123]), ada, () => 'own')).toThrow(
      MalformedMessageError,
    )
  })
})
