import { MessageType, SyncStep } from '@refinery/shared'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'

/** One y-protocols frame from a client, decoded. */
export type ClientMessage =
  | { kind: 'sync-step-1'; stateVector: Uint8Array }
  | { kind: 'sync-step-2'; update: Uint8Array }
  | { kind: 'update'; update: Uint8Array }
  | { kind: 'awareness'; update: Uint8Array }
  | { kind: 'query-awareness' }

/** A frame that is not a y-protocols message this server accepts. */
export class MalformedMessageError extends Error {
  override name = 'MalformedMessageError'
}

function readPayload(decoder: decoding.Decoder): Uint8Array {
  const payload = decoding.readVarUint8Array(decoder)
  if (decoding.hasContent(decoder)) throw new MalformedMessageError('trailing bytes after the message')
  return payload
}

/** Decodes one binary frame; throws MalformedMessageError for anything else. */
export function decodeClientMessage(frame: Uint8Array): ClientMessage {
  try {
    const decoder = decoding.createDecoder(frame)
    const type = decoding.readVarUint(decoder)
    switch (type) {
      case MessageType.Sync: {
        const step = decoding.readVarUint(decoder)
        if (step === SyncStep.Step1) {
          const stateVector = readPayload(decoder)
          // Read now, not when the answer is made: that may be later, after pending writes.
          Y.decodeStateVector(stateVector)
          return { kind: 'sync-step-1', stateVector }
        }
        if (step === SyncStep.Step2) return { kind: 'sync-step-2', update: readPayload(decoder) }
        if (step === SyncStep.Update) return { kind: 'update', update: readPayload(decoder) }
        throw new MalformedMessageError(`unknown sync step ${step}`)
      }
      case MessageType.Awareness:
        return { kind: 'awareness', update: readPayload(decoder) }
      case MessageType.QueryAwareness:
        return { kind: 'query-awareness' }
      default:
        throw new MalformedMessageError(`unknown message type ${type}`)
    }
  } catch (error) {
    if (error instanceof MalformedMessageError) throw error
    throw new MalformedMessageError(`the frame does not decode: ${(error as Error).message}`)
  }
}

/** The update with nothing in it (no structs, no deletions): how a client with nothing new answers step 1. */
export function isEmptyUpdate(update: Uint8Array): boolean {
  return update.length === 2 && update[0] === 0 && update[1] === 0
}

function frame(type: number, step: number | null, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, type)
  if (step !== null) encoding.writeVarUint(encoder, step)
  encoding.writeVarUint8Array(encoder, payload)
  return encoding.toUint8Array(encoder)
}

export const encodeSyncStep1 = (stateVector: Uint8Array) =>
  frame(MessageType.Sync, SyncStep.Step1, stateVector)
export const encodeSyncStep2 = (update: Uint8Array) => frame(MessageType.Sync, SyncStep.Step2, update)
export const encodeUpdate = (update: Uint8Array) => frame(MessageType.Sync, SyncStep.Update, update)
export const encodeAwareness = (update: Uint8Array) => frame(MessageType.Awareness, null, update)
/** "Who is here?": a client answers with its own presence, renewed (see the client's `sendOwnPresenceOnly`). */
export const encodeQueryAwareness = () => {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.QueryAwareness)
  return encoding.toUint8Array(encoder)
}
