import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import { messageSync, type WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'

/** A listener of a document's `update` event, as Yjs calls it. */
export type UpdateListener = (
  update: Uint8Array,
  origin: unknown,
  doc: Y.Doc,
  transaction: Y.Transaction,
) => void

/** Whether a transaction changed the document: what Yjs asks before it encodes one for `update`. */
function changedDocument(transaction: Y.Transaction): boolean {
  if (transaction.deleteSet.clients.size > 0) return true
  for (const [client, clock] of transaction.afterState) {
    if (transaction.beforeState.get(client) !== clock) return true
  }
  return false
}

/**
 * Applies `update` as `origin` with the document's `update` listeners set aside. Whenever a document
 * has `update` listeners, Yjs encodes every transaction again for them once it is applied; for the
 * server's state on a first visit that is nearly half of the apply (80 of 170 ms on the main thread
 * for a board of 1,000 cards). The listeners set aside are those that need nothing from the server's
 * own updates, or take the bytes as they came instead (`receiveServerUpdatesAsSent`).
 *
 * A change someone makes while the update applies (an observer writing to the document) is a
 * transaction of its own: its listeners still get it, with an update that holds it, once the apply ends.
 */
export function applyWithoutEcho(
  doc: Y.Doc,
  update: Uint8Array,
  origin: unknown,
  listeners: readonly UpdateListener[],
): void {
  const others: Y.Transaction[] = []
  const noteOthers = (transaction: Y.Transaction) => {
    if (transaction.origin !== origin && changedDocument(transaction)) others.push(transaction)
  }
  for (const listener of listeners) doc.off('update', listener)
  doc.on('afterTransaction', noteOthers)
  try {
    Y.applyUpdate(doc, update, origin)
  } finally {
    doc.off('afterTransaction', noteOthers)
    for (const listener of listeners) doc.on('update', listener)
  }
  for (const transaction of others) {
    // Everything since the transaction began, and the document's deletions: more than Yjs would send,
    // never less, and applying an update twice changes nothing.
    const missed = Y.encodeStateAsUpdate(doc, Y.encodeStateVector(transaction.beforeState))
    for (const listener of listeners) listener(missed, transaction.origin, doc, transaction)
  }
}

/**
 * Reads the server's sync messages for `provider` as y-websocket does, except that each update from
 * the server is applied by `applyWithoutEcho`, `listeners` set aside, and then handed to `received`
 * as the server sent it (for the offline copy). An update that fails to read or apply is logged and
 * not handed on; the first sync still counts as done, as with y-protocols.
 */
export function receiveServerUpdatesAsSent(
  provider: WebsocketProvider,
  listeners: readonly UpdateListener[],
  received: (update: Uint8Array) => void,
): void {
  provider.messageHandlers[messageSync] = (encoder, decoder, _provider, emitSynced) => {
    encoding.writeVarUint(encoder, messageSync)
    const type = decoding.readVarUint(decoder)
    if (type === syncProtocol.messageYjsSyncStep1) {
      syncProtocol.readSyncStep1(decoder, encoder, provider.doc)
      return
    }
    if (type !== syncProtocol.messageYjsSyncStep2 && type !== syncProtocol.messageYjsUpdate) {
      throw new Error(`Unknown sync message type ${type}`)
    }
    try {
      const update = decoding.readVarUint8Array(decoder)
      applyWithoutEcho(provider.doc, update, provider, listeners)
      received(update)
    } catch (error) {
      console.error('Caught error while handling a Yjs update', error)
    }
    if (emitSynced && type === syncProtocol.messageYjsSyncStep2 && !provider.synced) provider.synced = true
  }
}
