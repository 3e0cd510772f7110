import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

/**
 * The worker's whole program: its own connection to the database file, checkpointing the WAL when
 * asked. Source text rather than a file of its own, so the bundled server and the tests run the same
 * thing; `require` resolves the driver from the path it is given.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.file)
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close()
    parentPort.close()
    return
  }
  try {
    db.pragma('wal_checkpoint(PASSIVE)')
    parentPort.postMessage({ ok: true })
  } catch (error) {
    parentPort.postMessage({ ok: false, message: String(error && error.message) })
  }
})
`

/**
 * Checkpoints a SQLite database's write-ahead log on a thread of its own. A checkpoint copies the
 * logged pages into the database file and fsyncs it (milliseconds on a real disk); on the event loop
 * that stalls every board of the instance. A passive checkpoint on another connection runs beside the
 * writer without blocking it. The thread starts with the store (starting it costs tens of
 * milliseconds, better spent at boot than in the middle of a workshop) and never keeps the process
 * alive.
 */
export class WalCheckpointer {
  private worker: Worker | null = null
  private running = false
  private closed = false
  /** Checkpoints that completed. */
  completed = 0

  constructor(
    private readonly file: string,
    private readonly onError: (message: string) => void,
  ) {
    this.start()
  }

  /** Asks for a checkpoint; one already under way covers this request. */
  request(): void {
    if (this.running || this.closed) return
    this.running = true
    this.start().postMessage('checkpoint')
  }

  private start(): Worker {
    if (this.worker) return this.worker
    const driver = createRequire(import.meta.url).resolve('better-sqlite3')
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file: this.file } })
    worker.unref()
    worker.on('message', (result: { ok: boolean; message?: string }) => {
      this.running = false
      if (result.ok) this.completed++
      else this.onError(result.message ?? 'checkpoint failed')
    })
    worker.on('error', (error) => this.onError(error.message))
    worker.on('exit', () => {
      // Gone for whatever reason: the next request starts another. SQLite's own checkpoint still
      // bounds the log meanwhile.
      if (this.worker !== worker) return
      this.worker = null
      this.running = false
    })
    this.worker = worker
    return worker
  }

  /** Closes the worker's connection and waits for the thread to end. */
  async close(): Promise<void> {
    this.closed = true
    const worker = this.worker
    this.worker = null
    if (!worker) return
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
    worker.postMessage('close')
    const timer = setTimeout(() => void worker.terminate(), 2000)
    await exited
    clearTimeout(timer)
  }
}
