import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { MalformedMessageError } from './messages'

export interface Identity {
  id: string
  name: string
}

/**
 * Rewrites an awareness update so each state's `user.id` and `user.name` are the sender's, from its
 * session: nobody can show up under someone else's name. Entries for awareness clients that another
 * socket announced are dropped, so nobody can move or erase someone else's cursor either.
 */
export function stampIdentity(
  update: Uint8Array,
  identity: Identity,
  mayWrite: (clientId: number) => boolean,
): Uint8Array | null {
  const entries: { clientId: number; clock: number; state: string }[] = []
  try {
    const decoder = decoding.createDecoder(update)
    const count = decoding.readVarUint(decoder)
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder)
      const clock = decoding.readVarUint(decoder)
      const raw = decoding.readVarString(decoder)
      if (!mayWrite(clientId)) continue
      const state = JSON.parse(raw) as unknown
      if (state !== null && (typeof state !== 'object' || Array.isArray(state))) {
        throw new MalformedMessageError('an awareness state must be an object or null')
      }
      if (state !== null) {
        const record = state as Record<string, unknown>
        const user = typeof record.user === 'object' && record.user !== null ? record.user : {}
        record.user = { ...user, id: identity.id, name: identity.name }
      }
      entries.push({ clientId, clock, state: JSON.stringify(state) })
    }
  } catch (error) {
    if (error instanceof MalformedMessageError) throw error
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
