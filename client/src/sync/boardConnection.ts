import { getRecords, shouldReconnect } from '@refinery/shared'
import { atom, computed, type Signal } from 'tldraw'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { type ConnectionState, initialConnectionState, isReadyToShow } from './connectionState'
import { LocalCopy } from './localCopy'
import { sendOwnPresenceOnly } from './ownPresence'
import { receiveServerUpdatesAsSent } from './serverUpdates'

/** One open board's Yjs document, with its offline copy in IndexedDB and its socket to the server. */
export interface BoardConnection {
  readonly doc: Y.Doc
  readonly provider: WebsocketProvider
  readonly $state: Signal<ConnectionState>
  /** Whether the document can be bound to the editor: see `isReadyToShow`. */
  readonly $ready: Signal<boolean>
  /**
   * Drops this browser's copy of the board, with whatever the server did not take, and reloads the
   * page, which then opens the board as the server holds it.
   */
  discardLocalCopy(): Promise<void>
  close(): void
}

/** The sync endpoint of the server that served the page, over wss: when the page came over https:. */
export function syncUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/sync`
}

export interface BoardConnectionOptions {
  /**
   * Asked when a connection attempt fails before the socket opens: a refused upgrade (not a member,
   * signed out) looks like any network failure to a browser, so the caller asks the API why. Answers
   * a close code to stop with, or null to keep retrying.
   */
  explainFailure?: (() => Promise<number | null>) | undefined
}

/** How often, at most, a failing connection asks why: retries are frequent, the answer rarely changes. */
const EXPLAIN_INTERVAL_MS = 5000

export function openBoardConnection(boardId: string, options: BoardConnectionOptions = {}): BoardConnection {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(syncUrl(window.location), boardId, doc, {
    connect: navigator.onLine,
    disableBc: true,
    shouldReconnect: (event) => shouldReconnect(event.code),
  })
  const localCopy = new LocalCopy(`refinery-board-${boardId}`, doc)
  sendOwnPresenceOnly(provider)
  const $state = atom<ConnectionState>('board connection', initialConnectionState(navigator.onLine))
  const update = (changes: Partial<ConnectionState>) => $state.update((state) => ({ ...state, ...changes }))

  // Marks in the page's performance timeline (DevTools' Timings; pnpm bench:browser reads them).
  localCopy.whenSynced.then(() => {
    performance.mark('refinery:local-copy-read')
    update({ localCopy: getRecords(doc).size > 0 ? 'loaded' : 'empty' })
  })
  // Without IndexedDB (some private windows) the board still works, only not offline.
  localCopy._db.catch(() => update({ localCopy: 'empty' }))

  provider.on('sync', (synced) => {
    if (synced && !$state.get().everSynced) performance.mark('refinery:synced')
    update(synced ? { synced, everSynced: true } : { synced })
  })
  const noteOfflineWork = (_update: Uint8Array, origin: unknown) => {
    const state = $state.get()
    if (origin !== provider && origin !== localCopy && !state.synced && !state.offlineWork) {
      update({ offlineWork: true })
    }
  }
  doc.on('update', noteOfflineWork)
  // None of the document's `update` listeners needs the server's own updates encoded again: the
  // socket does not send them back, offline work is one's own, and the copy takes them as they came.
  receiveServerUpdatesAsSent(
    provider,
    [provider._updateHandler, localCopy.onUpdate, noteOfflineWork],
    (received) => localCopy.addFromServer(received),
  )
  let lastExplained = 0
  const refuse = (code: number) => {
    // The server refused the board in a way that retrying cannot fix: stop, and say why.
    provider.disconnect()
    update({ refusal: code })
  }
  provider.on('connection-close', (event) => {
    update({ synced: false, attemptFailed: true })
    // 1006: closed without a close frame, which is what a refused upgrade looks like from here.
    if (event?.code !== 1006 || !options.explainFailure || !navigator.onLine) return
    if (Date.now() - lastExplained < EXPLAIN_INTERVAL_MS) return
    lastExplained = Date.now()
    options.explainFailure().then((code) => {
      if (code !== null) refuse(code)
    })
  })
  provider.on('connection-error', () => update({ attemptFailed: true }))
  provider.on('closed', ({ code }) => refuse(code))

  // The socket can outlive the network for a long while; follow the browser's view at once instead.
  const goOnline = () => {
    update({ online: true })
    if ($state.get().refusal === null) provider.connect()
  }
  const goOffline = () => {
    update({ online: false })
    provider.disconnect()
  }
  window.addEventListener('online', goOnline)
  window.addEventListener('offline', goOffline)

  return {
    doc,
    provider,
    $state,
    $ready: computed('board ready', () => isReadyToShow($state.get())),
    async discardLocalCopy() {
      provider.destroy()
      await localCopy.clearData()
      window.location.reload()
    },
    close() {
      window.removeEventListener('online', goOnline)
      window.removeEventListener('offline', goOffline)
      provider.destroy()
      void localCopy.destroy()
      doc.destroy()
    },
  }
}
