import { isRole } from '@refinery/shared'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import type { RelayMessage, SessionMessage } from '../sync/relay'

const VERSION = 1
// New kinds go at the end: an instance of the version before reads the others as it did.
const KINDS = ['update', 'awareness', 'member', 'deleted', 'sessions-ended', 'session-replaced'] as const

export interface RelayEnvelope {
  instanceId: string
  sentAt: number
  message: RelayMessage | SessionMessage
}

export function isSessionMessage(message: RelayMessage | SessionMessage): message is SessionMessage {
  return message.kind === 'sessions-ended' || message.kind === 'session-replaced'
}

/** One relay message as bytes: who sent it, when, and what. */
export function encodeRelayMessage(
  instanceId: string,
  message: RelayMessage | SessionMessage,
  sentAt = Date.now(),
): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeUint8(encoder, VERSION)
  encoding.writeVarString(encoder, instanceId)
  encoding.writeFloat64(encoder, sentAt)
  encoding.writeUint8(encoder, KINDS.indexOf(message.kind))
  switch (message.kind) {
    case 'update':
    case 'awareness':
      encoding.writeVarUint8Array(encoder, message.update)
      break
    case 'member':
      encoding.writeVarString(encoder, message.userId)
      encoding.writeVarString(encoder, message.role ?? '')
      break
    case 'deleted':
      break
    case 'sessions-ended':
      encoding.writeVarUint(encoder, message.sessionIds.length)
      for (const id of message.sessionIds) encoding.writeVarString(encoder, id)
      break
    case 'session-replaced':
      encoding.writeVarString(encoder, message.sessionId)
      encoding.writeVarString(encoder, message.by.id)
      encoding.writeFloat64(encoder, message.by.expiresAt)
      break
  }
  return encoding.toUint8Array(encoder)
}

/** The message in `bytes`, or null when they are not one (another version, or garbage). */
export function decodeRelayMessage(bytes: Uint8Array): RelayEnvelope | null {
  try {
    const decoder = decoding.createDecoder(bytes)
    if (decoding.readUint8(decoder) !== VERSION) return null
    const instanceId = decoding.readVarString(decoder)
    const sentAt = decoding.readFloat64(decoder)
    const kind = KINDS[decoding.readUint8(decoder)]
    switch (kind) {
      case 'update':
      case 'awareness':
        return { instanceId, sentAt, message: { kind, update: decoding.readVarUint8Array(decoder) } }
      case 'member': {
        const userId = decoding.readVarString(decoder)
        const role = decoding.readVarString(decoder)
        return { instanceId, sentAt, message: { kind, userId, role: isRole(role) ? role : null } }
      }
      case 'deleted':
        return { instanceId, sentAt, message: { kind } }
      case 'sessions-ended': {
        const count = decoding.readVarUint(decoder)
        const sessionIds: string[] = []
        for (let i = 0; i < count; i++) sessionIds.push(decoding.readVarString(decoder))
        return { instanceId, sentAt, message: { kind, sessionIds } }
      }
      case 'session-replaced': {
        const sessionId = decoding.readVarString(decoder)
        const by = { id: decoding.readVarString(decoder), expiresAt: decoding.readFloat64(decoder) }
        return { instanceId, sentAt, message: { kind, sessionId, by } }
      }
      default:
        return null
    }
  } catch {
    return null
  }
}
