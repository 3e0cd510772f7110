import { IndexeddbPersistence, PREFERRED_TRIM_SIZE, storeState } from 'y-indexeddb'
import * as Y from 'yjs'

/**
 * How long changes that came from the server wait to be written to the offline copy together. The
 * server holds them meanwhile, so a tab closed in that time loses nothing: its next visit syncs them.
 */
export const REMOTE_WRITE_DELAY_MS = 1000

/**
 * Gathers the document's updates into one write. This browser's own changes are written at once
 * (with whatever waits), since the offline copy may be their only home; the server's wait up to
 * `REMOTE_WRITE_DELAY_MS`, so twenty people moving cards cost a few writes a second instead of one
 * IndexedDB transaction per move on the page's main thread.
 */
export class UpdateBatcher {
  private pending: Uint8Array[] = []
  private timer: ReturnType<typeof setTimeout> | null = null

  constructor(private readonly write: (update: Uint8Array) => void) {}

  add(update: Uint8Array, fromServer: boolean): void {
    this.pending.push(update)
    if (!fromServer) this.flush()
    else this.timer ??= setTimeout(() => this.flush(), REMOTE_WRITE_DELAY_MS)
  }

  /** Writes what waits, as one update. */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    if (this.pending.length === 0) return
    const updates = this.pending
    this.pending = []
    this.write(updates.length === 1 ? (updates[0] as Uint8Array) : Y.mergeUpdates(updates))
  }

  get waiting(): number {
    return this.pending.length
  }
}

/**
 * y-indexeddb's offline copy (the same database and layout, so copies written before load as they
 * were), writing in batches: see `UpdateBatcher`. The document's own changes come through its
 * `update` listener (`onUpdate`) and are written at once; the server's come as the socket received them
 * (`addFromServer`), applied with `onUpdate` set aside (`receiveServerUpdatesAsSent`), and wait.
 */
export class LocalCopy extends IndexeddbPersistence {
  private readonly batcher: UpdateBatcher
  private readonly flushNow = () => this.batcher.flush()
  private readonly flushWhenHidden = () => {
    if (document.visibilityState === 'hidden') this.batcher.flush()
  }
  /** The document's `update` listener: this browser's own changes, written at once. */
  readonly onUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin !== this) this.batcher.add(update, false)
  }

  constructor(name: string, doc: Y.Doc) {
    super(name, doc)
    this.batcher = new UpdateBatcher((update) => this.store(update))
    doc.off('update', this._storeUpdate)
    doc.on('update', this.onUpdate)
    window.addEventListener('pagehide', this.flushNow)
    document.addEventListener('visibilitychange', this.flushWhenHidden)
  }

  /** An update from the server, as it came: it waits to be written with the others. */
  addFromServer(update: Uint8Array): void {
    this.batcher.add(update, true)
  }

  /** As y-indexeddb stores one update: appended, and the copy compacted once it holds many. */
  private store(update: Uint8Array): void {
    // Before the database opens nothing is written: opening stores the whole document first.
    if (!this.db || this._destroyed) return
    const transaction = this.db.transaction(['updates'], 'readwrite')
    transaction.objectStore('updates').add(update)
    // Committed now rather than when the task ends: a write made as the page goes must not be dropped.
    transaction.commit()
    if (++this._dbsize < PREFERRED_TRIM_SIZE) return
    if (this._storeTimeoutId !== null) clearTimeout(this._storeTimeoutId)
    this._storeTimeoutId = setTimeout(() => {
      void storeState(this, false)
      this._storeTimeoutId = null
    }, this._storeTimeout)
  }

  override destroy(): Promise<void> {
    this.batcher.flush()
    this.doc.off('update', this.onUpdate)
    window.removeEventListener('pagehide', this.flushNow)
    document.removeEventListener('visibilitychange', this.flushWhenHidden)
    return super.destroy()
  }
}
