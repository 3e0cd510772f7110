import { isRole } from '@refinery/shared'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import type { RelayMessage } from '../sync/relay'

const VERSION = 1
const KINDS = ['update', 'awareness', 'member', 'deleted'] as const

export interface RelayEnvelope {
  instanceId: string
  sentAt: number
  message: RelayMessage
}

/** One relay message as bytes: who sent it, when, and what. */
export function encodeRelayMessage(
  instanceId: string,
  message: RelayMessage,
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
      default:
        return null
    }
  } catch {
    return null
  }
}
