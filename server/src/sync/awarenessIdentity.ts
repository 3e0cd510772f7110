import { BOARD_LIMITS } from '@refinery/shared'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { MalformedMessageError } from './messages'

export interface Identity {
  id: string
  name: string
  /** Their presence colour on this board (see `presenceColor`): distinct for the first dozen members. */
  color: string
}

/**
 * What an awareness entry is to the socket that sent it: its own presence; an echo of someone
 * else's that changes nothing (the stock y-websocket provider sends every state it receives back);
 * or someone else's presence it may not write.
 */
export type PresenceEntry = 'own' | 'echo' | 'forged'

/** An awareness message about other clients, or larger than a presence needs: its socket is closed. */
export class ForgedPresenceError extends Error {
  override name = 'ForgedPresenceError'
}

/**
 * Rewrites an awareness update so each state's `user.id`, `user.name` and `user.color` are the
 * sender's, from its session and membership: nobody can show up under someone else's name, and no two
 * of a board's first dozen members share a colour, whatever their clients claim. Echoes are dropped unread; an entry that
 * would write someone else's presence, a message with more entries than `BOARD_LIMITS.presenceEntries`
 * or a state larger than `BOARD_LIMITS.presenceBytes` throws `ForgedPresenceError`, before any of the
 * message is applied. Returns null when nothing is left to apply.
 */
export function stampIdentity(
  update: Uint8Array,
  identity: Identity,
  classify: (clientId: number, clock: number) => PresenceEntry,
): Uint8Array | null {
  const entries: { clientId: number; clock: number; state: string }[] = []
  try {
    const decoder = decoding.createDecoder(update)
    const count = decoding.readVarUint(decoder)
    if (count > BOARD_LIMITS.presenceEntries) {
      throw new ForgedPresenceError(
        `an awareness message holds at most ${BOARD_LIMITS.presenceEntries} entries`,
      )
    }
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder)
      const clock = decoding.readVarUint(decoder)
      const raw = decoding.readVarString(decoder)
      const kind = classify(clientId, clock)
      if (kind === 'echo') continue
      if (kind === 'forged') throw new ForgedPresenceError('a socket announces its own presence only')
      if (raw.length > BOARD_LIMITS.presenceBytes) {
        throw new ForgedPresenceError(`a presence is at most ${BOARD_LIMITS.presenceBytes} bytes`)
      }
      const state = JSON.parse(raw) as unknown
      if (state !== null && (typeof state !== 'object' || Array.isArray(state))) {
        throw new MalformedMessageError('an awareness state must be an object or null')
      }
      if (state !== null) {
        const record = state as Record<string, unknown>
        const user = typeof record.user === 'object' && record.user !== null ? record.user : {}
        record.user = { ...user, id: identity.id, name: identity.name, color: identity.color }
      }
      entries.push({ clientId, clock, state: JSON.stringify(state) })
    }
  } catch (error) {
    if (error instanceof MalformedMessageError || error instanceof ForgedPresenceError) throw error
    throw new MalformedMessageError(`the awareness update does not decode: ${(error as Error).message}`)
  }
  if (entries.length === 0) return null
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, entries.length)
  for (const { clientId, clock, state } of entries) {
    encoding.writeVarUint(encoder, clientId)
    encoding.writeVarUint(encoder, clock)
    encoding.writeVarString(encoder, state)
  }
  return encoding.toUint8Array(encoder)
}
