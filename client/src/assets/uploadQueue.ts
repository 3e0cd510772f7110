import { atom, type Signal } from 'tldraw'
import type { UploadVerdict, WaitReason } from './imageRules'

/** One image on its way to the server, as the upload status shows it. */
export type ImageUpload =
  | {
      readonly id: string
      readonly name: string
      readonly size: number
      readonly phase: 'uploading'
      readonly sent: number
    }
  | {
      readonly id: string
      readonly name: string
      readonly size: number
      readonly phase: 'waiting'
      readonly waitsFor: WaitReason
    }
  | {
      readonly id: string
      readonly name: string
      readonly size: number
      readonly phase: 'refused'
      readonly refusal: string
    }

/** A file's copy that outlives the page, so a closed tab's uploads finish on the next visit. */
export interface UploadKeeper {
  keep(id: string, file: File): Promise<void>
  forget(id: string): Promise<void>
}

export interface UploadQueueOptions {
  /** Sends the file; answers the `src` the server gives it. */
  send(file: File, onProgress: (sent: number) => void, signal: AbortSignal): Promise<string>
  /** Whether a failure is worth another try (see `judgeUploadFailure`). */
  judge(error: unknown, file: File): UploadVerdict
  /** Whether an attempt can reach the server now; while it cannot, uploads wait for `retryNow`. */
  canReach(): boolean
  /** The pauses between tries, the last one repeated. */
  retryDelaysMs?: readonly number[]
  keeper?: UploadKeeper
  /** Where a failure of the keeper goes: the upload itself carries on. */
  onKeeperError?: (error: unknown) => void
}

/** Thrown to whoever awaits an upload that the server will never take; the message says why. */
export class ImageRefused extends Error {
  override name = 'ImageRefused'
}

export const DEFAULT_RETRY_DELAYS_MS = [1000, 2000, 5000, 10_000, 30_000] as const

/** An upload's file and the state of its tries. */
interface Job {
  file: File
  /** Failed tries since the last success of the connection: picks the pause before the next. */
  failures: number
  timer?: ReturnType<typeof setTimeout>
  attempt?: AbortController
  done: Promise<string>
  resolve(src: string): void
  reject(error: Error): void
}

interface Entry {
  view: ImageUpload
  /** Absent once refused: nothing is left to do but show why. */
  job?: Job
}

/**
 * Images waiting to reach the server, keyed by asset id. Each one is uploading, waiting (for the
 * connection, the server or a new sign-in: it tries again after a pause that grows, and at once on
 * `retryNow`) or refused (the server will never take it; kept until dismissed, so its message is read).
 *
 * @example
 * const queue = new UploadQueue({ send, judge, canReach: () => navigator.onLine })
 * const src = await queue.add(asset.id, file)
 */
export class UploadQueue {
  private readonly entries = new Map<string, Entry>()
  private readonly $list = atom<readonly ImageUpload[]>('image uploads', [])
  private reported = 0
  private closed = false

  constructor(private readonly options: UploadQueueOptions) {}

  /** Every upload in the order they were added. */
  get $uploads(): Signal<readonly ImageUpload[]> {
    return this.$list
  }

  /**
   * Uploads `file` under `id`; the same id while it is under way joins the upload in progress.
   * `kept`: the keeper holds the file already (an upload resumed from an earlier visit).
   */
  add(id: string, file: File, { kept = false } = {}): Promise<string> {
    const existing = this.entries.get(id)?.job
    if (existing) return existing.done
    let resolve!: (src: string) => void
    let reject!: (error: Error) => void
    const done = new Promise<string>((res, rej) => {
      resolve = res
      reject = rej
    })
    // Whoever added it may not wait for the outcome; the status shows a refusal anyway.
    done.catch(() => undefined)
    const entry: Entry = {
      view: { id, name: file.name, size: file.size, phase: 'waiting', waitsFor: 'connection' },
      job: { file, failures: 0, done, resolve, reject },
    }
    this.entries.delete(id)
    this.entries.set(id, entry)
    if (!kept) this.keeper((keeper) => keeper.keep(id, file))
    this.attempt(entry)
    return done
  }

  /** Shows a refusal known before anything was sent (a file of another type, one too large). */
  report(refusal: string, file?: Pick<File, 'name' | 'size'>): void {
    this.reported++
    const id = `refused-${this.reported}`
    this.entries.set(id, {
      view: { id, name: file?.name ?? '', size: file?.size ?? 0, phase: 'refused', refusal },
    })
    this.publish()
  }

  /** The file of an upload not yet done, for a preview in the meantime. */
  file(id: string): File | undefined {
    return this.entries.get(id)?.job?.file
  }

  /** The connection is back: every waiting upload tries now, with its pauses started over. */
  retryNow(): void {
    for (const entry of this.entries.values()) {
      if (entry.view.phase !== 'waiting' || !entry.job) continue
      clearTimeout(entry.job.timer)
      entry.job.failures = 0
      this.attempt(entry)
    }
  }

  /**
   * The network is gone: uploads under way stop and wait. A dropped network can leave a request
   * hanging for minutes before it fails; this way the status says at once what is going on.
   */
  connectionLost(): void {
    for (const entry of this.entries.values()) {
      if (entry.view.phase !== 'uploading' || !entry.job) continue
      const attempt = entry.job.attempt
      entry.job.attempt = undefined
      attempt?.abort()
      this.update(entry, { phase: 'waiting', waitsFor: 'connection' })
    }
  }

  /** Takes a refused upload's message off the status. */
  dismiss(id: string): void {
    if (this.entries.get(id)?.view.phase !== 'refused') return
    this.entries.delete(id)
    this.publish()
  }

  /** Stops everything without forgetting any file: the keeper's copies finish on the next visit. */
  close(): void {
    this.closed = true
    for (const { job } of this.entries.values()) {
      if (!job) continue
      clearTimeout(job.timer)
      const attempt = job.attempt
      job.attempt = undefined
      attempt?.abort()
    }
  }

  private attempt(entry: Entry): void {
    const { job } = entry
    if (this.closed || !job) return
    if (!this.options.canReach()) {
      this.update(entry, { phase: 'waiting', waitsFor: 'connection' })
      return
    }
    const attempt = new AbortController()
    job.attempt = attempt
    this.update(entry, { phase: 'uploading', sent: 0 })
    const onProgress = (sent: number) => {
      if (job.attempt === attempt) this.update(entry, { phase: 'uploading', sent })
    }
    this.options.send(job.file, onProgress, attempt.signal).then(
      (src) => {
        if (job.attempt !== attempt) return
        this.entries.delete(entry.view.id)
        this.publish()
        this.keeper((keeper) => keeper.forget(entry.view.id))
        job.resolve(src)
      },
      (error: unknown) => {
        // Stopped on purpose (connection lost, page closing): whoever stopped it decides what next.
        if (job.attempt !== attempt) return
        job.attempt = undefined
        const verdict = this.options.judge(error, job.file)
        if ('refuse' in verdict) {
          entry.job = undefined
          this.update(entry, { phase: 'refused', refusal: verdict.refuse })
          this.keeper((keeper) => keeper.forget(entry.view.id))
          job.reject(new ImageRefused(verdict.refuse))
          return
        }
        this.update(entry, { phase: 'waiting', waitsFor: verdict.retry })
        const delays = this.options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS
        const delay = delays[Math.min(job.failures, delays.length - 1)] ?? 0
        job.failures++
        job.timer = setTimeout(() => this.attempt(entry), delay)
      },
    )
  }

  private update(entry: Entry, change: DistributiveOmit<ImageUpload, 'id' | 'name' | 'size'>): void {
    const { id, name, size } = entry.view
    entry.view = { id, name, size, ...change } as ImageUpload
    this.publish()
  }

  private publish(): void {
    this.$list.set([...this.entries.values()].map((entry) => entry.view))
  }

  private keeper(run: (keeper: UploadKeeper) => Promise<void>): void {
    const { keeper, onKeeperError } = this.options
    if (keeper) run(keeper).catch((error: unknown) => onKeeperError?.(error))
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

/** How far the uploads under way are, 0 to 100, by bytes; null when none is under way. */
export function uploadPercent(uploads: readonly ImageUpload[]): number | null {
  const underWay = uploads.filter((upload) => upload.phase === 'uploading')
  if (underWay.length === 0) return null
  const size = underWay.reduce((total, upload) => total + upload.size, 0)
  const sent = underWay.reduce((total, upload) => total + Math.min(upload.sent, upload.size), 0)
  return size > 0 ? Math.floor((sent / size) * 100) : 0
}

/** What the status says about the uploads under way: "Uploading 2 images… 40%", "1 image waits for the connection". */
export function describeUploads(uploads: readonly ImageUpload[]): string | null {
  const parts: string[] = []
  const uploading = uploads.filter((upload) => upload.phase === 'uploading').length
  if (uploading > 0) parts.push(`Uploading ${images(uploading)}… ${uploadPercent(uploads)}%`)
  const waiting = uploads.filter((upload) => upload.phase === 'waiting')
  for (const reason of ['connection', 'server', 'sign-in'] as const) {
    const count = waiting.filter((upload) => upload.waitsFor === reason).length
    if (count > 0) parts.push(`${images(count)} ${count === 1 ? 'waits' : 'wait'} ${WAITS_FOR[reason]}`)
  }
  return parts.length > 0 ? parts.join(' · ') : null
}

const WAITS_FOR: Record<WaitReason, string> = {
  connection: 'for the connection',
  server: 'for the server',
  'sign-in': 'until you sign in again',
}

function images(count: number): string {
  return count === 1 ? '1 image' : `${count} images`
}
