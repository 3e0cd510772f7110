import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import { plainTextFields, TEXT_FIELD_TABLE, TEXT_LAYOUT } from '@refinery/shared'
import { buildStoredDocument, type Folded, foldWith } from './compaction'

/**
 * The worker's whole program: the own source of `foldWith`, `buildStoredDocument` and
 * `plainTextFields` (with the text layout it checks as data), run on each
 * request. Source text rather than a file of its own, so the bundled server and the tests run the same
 * thing; `require` resolves Yjs from the path it is given.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const yjs = require(workerData.yjs)
const buildStoredDocument = ${buildStoredDocument.toString()}
const foldWith = ${foldWith.toString()}
const plainTextFields = ${plainTextFields.toString()}
const layout = ${JSON.stringify({ current: TEXT_LAYOUT, fields: TEXT_FIELD_TABLE })}
parentPort.on('message', ({ id, snapshot, updates }) => {
  try {
    parentPort.postMessage({ id, folded: foldWith(yjs, snapshot, updates, buildStoredDocument, plainTextFields, layout) })
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.message) || error) })
  }
})
`

/** How long the fold thread waits for another fold before it ends. */
export const FOLD_WORKER_IDLE_MS = 10_000

interface Pending {
  resolve: (folded: Folded) => void
  reject: (error: Error) => void
}

/**
 * Folds boards' update logs into snapshots on a thread of its own. Folding builds the whole board as
 * a document and encodes it again: milliseconds for a small board, a tenth of a second or more for
 * one of thousands of cards, and on the event loop that would stall the edits of every board of the
 * instance each time a busy board's log fills up. The thread starts on the first fold and holds the
 * process open only while a fold is under way. It ends once no fold has come for `idleMs`: folding a
 * board of thousands of cards leaves the thread's heap at hundreds of MiB, which it would otherwise
 * keep for the life of the process.
 */
export class FoldWorker {
  private worker: Worker | null = null
  private readonly pending = new Map<number, Pending>()
  private nextId = 1
  private closed = false
  private idleTimer: ReturnType<typeof setTimeout> | null = null

  constructor(private readonly idleMs = FOLD_WORKER_IDLE_MS) {}

  /** Whether the thread is up. */
  get running(): boolean {
    return this.worker !== null
  }

  fold(snapshot: Uint8Array | null, updates: readonly Uint8Array[]): Promise<Folded> {
    if (this.closed) return Promise.reject(new Error('the fold worker is closed'))
    const worker = this.start()
    if (this.idleTimer !== null) clearTimeout(this.idleTimer)
    this.idleTimer = null
    const id = this.nextId++
    return new Promise<Folded>((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      if (this.pending.size === 1) worker.ref()
      worker.postMessage({ id, snapshot, updates })
    })
  }

  private start(): Worker {
    if (this.worker) return this.worker
    const yjs = createRequire(import.meta.url).resolve('yjs')
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { yjs } })
    worker.unref()
    worker.on('message', ({ id, folded, error }: { id: number; folded?: Folded; error?: string }) => {
      const request = this.pending.get(id)
      if (!request) return
      this.pending.delete(id)
      if (this.pending.size === 0) {
        worker.unref()
        this.stopWhenIdle(worker)
      }
      if (folded) request.resolve(folded)
      else request.reject(new Error(`folding the update log failed: ${error}`))
    })
    worker.on('error', (error) => this.stopped(worker, `the fold worker failed: ${error.message}`))
    worker.on('exit', (code) => this.stopped(worker, `the fold worker exited with code ${code}`))
    this.worker = worker
    return worker
  }

  private stopWhenIdle(worker: Worker): void {
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null
      if (this.worker !== worker || this.pending.size > 0) return
      this.worker = null
      void worker.terminate()
    }, this.idleMs)
    this.idleTimer.unref()
  }

  /** The thread is gone: what it was folding fails (compaction is tried again later); the next fold starts another. */
  private stopped(worker: Worker, reason: string): void {
    if (this.worker !== worker) return
    this.worker = null
    const requests = [...this.pending.values()]
    this.pending.clear()
    for (const request of requests) request.reject(new Error(reason))
  }

  /** Ends the thread; folds still under way fail. */
  async close(): Promise<void> {
    this.closed = true
    if (this.idleTimer !== null) clearTimeout(this.idleTimer)
    const worker = this.worker
    if (!worker) return
    await worker.terminate()
    this.stopped(worker, 'the fold worker was closed')
  }
}
