import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '../api/client'
import { judgeUploadFailure } from './imageRules'
import { describeUploads, ImageRefused, type ImageUpload, UploadQueue, uploadPercent } from './uploadQueue'

/** One call of `send`, answered by the test. */
interface Sent {
  file: File
  signal: AbortSignal
  progress(sent: number): void
  succeed(src: string): void
  fail(error: unknown): void
}

/** A queue whose uploads the test answers by hand, with the network on or off. */
function setUp(options: { online?: boolean; delays?: number[] } = {}) {
  const sent: Sent[] = []
  const kept = new Map<string, File>()
  let online = options.online ?? true
  const queue = new UploadQueue({
    send: (file, onProgress, signal) =>
      new Promise((resolve, reject) => {
        signal.addEventListener('abort', () => reject(new DOMException('stopped', 'AbortError')))
        sent.push({ file, signal, progress: onProgress, succeed: resolve, fail: reject })
      }),
    judge: (error, file) => judgeUploadFailure(error, file, null),
    canReach: () => online,
    retryDelaysMs: options.delays ?? [1000, 2000, 5000],
    keeper: {
      keep: async (id, file) => void kept.set(id, file),
      forget: async (id) => void kept.delete(id),
    },
  })
  return {
    queue,
    sent,
    kept,
    setOnline: (value: boolean) => {
      online = value
    },
    status: () => describeUploads(queue.$uploads.get()),
    phases: () => queue.$uploads.get().map((upload) => upload.phase),
  }
}

const png = (bytes: number, name = 'screenshot.png') =>
  new File([new Uint8Array(bytes)], name, { type: 'image/png' })
const settle = () => vi.advanceTimersByTimeAsync(0)

beforeEach(() => {
  vi.useFakeTimers()
})

afterEach(() => {
  vi.useRealTimers()
})

describe('UploadQueue', () => {
  it('uploads a file, shows its progress, and keeps its copy only until the server has it', async () => {
    const { queue, sent, kept, status } = setUp()
    const file = png(1000)
    const done = queue.add('asset:a', file)
    await settle()
    expect(sent).toHaveLength(1)
    expect(sent[0]?.file).toBe(file)
    expect(kept.get('asset:a')).toBe(file)
    expect(queue.file('asset:a')).toBe(file)
    expect(status()).toBe('Uploading 1 image… 0%')

    sent[0]?.progress(400)
    expect(status()).toBe('Uploading 1 image… 40%')

    sent[0]?.succeed('/api/boards/b/assets/abc')
    await expect(done).resolves.toBe('/api/boards/b/assets/abc')
    await settle()
    expect(status()).toBeNull()
    expect(queue.file('asset:a')).toBeUndefined()
    expect(kept.size).toBe(0)
  })

  it('joins an upload already under way for the same asset instead of sending it twice', async () => {
    const { queue, sent } = setUp()
    const first = queue.add('asset:a', png(10))
    const second = queue.add('asset:a', png(10))
    await settle()
    expect(sent).toHaveLength(1)
    sent[0]?.succeed('/src')
    await expect(first).resolves.toBe('/src')
    await expect(second).resolves.toBe('/src')
  })

  it('waits while offline, says so, and uploads as soon as the connection is back', async () => {
    const { queue, sent, status, setOnline } = setUp({ online: false })
    const done = queue.add('asset:a', png(10))
    await vi.advanceTimersByTimeAsync(60_000)
    expect(sent).toHaveLength(0)
    expect(status()).toBe('1 image waits for the connection')

    setOnline(true)
    queue.retryNow()
    await settle()
    expect(sent).toHaveLength(1)
    sent[0]?.succeed('/src')
    await expect(done).resolves.toBe('/src')
  })

  it('tries again after growing pauses when the network fails, and at once when the connection is back', async () => {
    const { queue, sent, status } = setUp({ delays: [1000, 2000, 5000] })
    const done = queue.add('asset:a', png(10))
    await settle()
    const unreachable = new ApiError(0, 'offline', 'The server cannot be reached.')

    sent[0]?.fail(unreachable)
    await settle()
    expect(status()).toBe('1 image waits for the connection')
    await vi.advanceTimersByTimeAsync(999)
    expect(sent).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(sent).toHaveLength(2)

    sent[1]?.fail(unreachable)
    await vi.advanceTimersByTimeAsync(1999)
    expect(sent).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(1)
    expect(sent).toHaveLength(3)

    // The last pause repeats.
    sent[2]?.fail(unreachable)
    await vi.advanceTimersByTimeAsync(5000)
    expect(sent).toHaveLength(4)
    sent[3]?.fail(unreachable)
    await vi.advanceTimersByTimeAsync(4999)
    expect(sent).toHaveLength(4)

    // The board's connection comes back: no waiting for the pause.
    queue.retryNow()
    await settle()
    expect(sent).toHaveLength(5)
    sent[4]?.succeed('/src')
    await expect(done).resolves.toBe('/src')

    // Nothing is left to try again.
    await vi.advanceTimersByTimeAsync(60_000)
    expect(sent).toHaveLength(5)
  })

  it('keeps trying through server errors and a lapsed session, and says what it waits for', async () => {
    const { queue, sent, status } = setUp({ delays: [1000] })
    queue.add('asset:a', png(10))
    await settle()
    sent[0]?.fail(new ApiError(503, 'unavailable', 'Down for maintenance'))
    await settle()
    expect(status()).toBe('1 image waits for the server')
    await vi.advanceTimersByTimeAsync(1000)
    sent[1]?.fail(new ApiError(401, 'unauthorized', 'Sign in'))
    await settle()
    expect(status()).toBe('1 image waits until you sign in again')
    await vi.advanceTimersByTimeAsync(1000)
    expect(sent).toHaveLength(3)
  })

  it('stops an upload under way when the network goes, and starts it again when it comes back', async () => {
    const { queue, sent, status, setOnline } = setUp({ delays: [1000] })
    const done = queue.add('asset:a', png(1000))
    await settle()
    sent[0]?.progress(500)

    setOnline(false)
    queue.connectionLost()
    expect(sent[0]?.signal.aborted).toBe(true)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(status()).toBe('1 image waits for the connection')
    expect(sent).toHaveLength(1)

    setOnline(true)
    queue.retryNow()
    await settle()
    expect(sent).toHaveLength(2)
    expect(status()).toBe('Uploading 1 image… 0%')
    sent[1]?.succeed('/src')
    await expect(done).resolves.toBe('/src')
  })

  it('gives up on an image the server refuses, says why until dismissed, and forgets its copy', async () => {
    const { queue, sent, kept, phases } = setUp()
    const done = queue.add('asset:a', png(10, 'holiday.png'))
    await settle()
    sent[0]?.fail(new ApiError(415, 'unsupported_type', 'Not an image'))
    await expect(done).rejects.toEqual(
      new ImageRefused('Only PNG, JPEG, GIF, WebP and SVG images can be added.'),
    )
    await settle()
    expect(kept.size).toBe(0)
    expect(queue.file('asset:a')).toBeUndefined()
    expect(queue.$uploads.get()).toEqual([
      {
        id: 'asset:a',
        name: 'holiday.png',
        size: 10,
        phase: 'refused',
        refusal: 'Only PNG, JPEG, GIF, WebP and SVG images can be added.',
      },
    ])
    // Never tried again.
    await vi.advanceTimersByTimeAsync(60_000)
    expect(sent).toHaveLength(1)

    queue.dismiss('asset:a')
    expect(phases()).toEqual([])
  })

  it('shows refusals known before anything is sent beside the uploads', async () => {
    const { queue, phases } = setUp()
    queue.add('asset:a', png(10))
    queue.report('Only PNG, JPEG, GIF, WebP and SVG images can be added.', png(5, 'notes.pdf'))
    await settle()
    expect(phases()).toEqual(['uploading', 'refused'])
    const [, refused] = queue.$uploads.get()
    expect(refused).toMatchObject({ name: 'notes.pdf', phase: 'refused' })
    if (refused) queue.dismiss(refused.id)
    expect(phases()).toEqual(['uploading'])
  })

  it('on close stops trying but keeps the files for the next visit', async () => {
    const { queue, sent, kept } = setUp({ delays: [1000] })
    queue.add('asset:a', png(10))
    queue.add('asset:b', png(10))
    await settle()
    sent[0]?.fail(new ApiError(0, 'offline', 'offline'))
    await settle()

    queue.close()
    expect(sent[1]?.signal.aborted).toBe(true)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(sent).toHaveLength(2)
    expect([...kept.keys()]).toEqual(['asset:a', 'asset:b'])
  })

  it('does not keep again a file resumed from an earlier visit', async () => {
    const { queue, kept } = setUp({ online: false })
    queue.add('asset:a', png(10), { kept: true })
    await settle()
    expect(kept.size).toBe(0)
  })
})

describe('describeUploads', () => {
  const upload = (change: Partial<ImageUpload> & Pick<ImageUpload, 'phase'>): ImageUpload =>
    ({ id: 'x', name: 'x.png', size: 100, ...change }) as ImageUpload

  it('sums what is under way by bytes and counts what waits, by what it waits for', () => {
    const uploads = [
      upload({ phase: 'uploading', sent: 100, size: 100 }),
      upload({ phase: 'uploading', sent: 0, size: 300 }),
      upload({ phase: 'waiting', waitsFor: 'connection' }),
      upload({ phase: 'waiting', waitsFor: 'connection' }),
      upload({ phase: 'waiting', waitsFor: 'sign-in' }),
      upload({ phase: 'refused', refusal: 'no' }),
    ]
    expect(uploadPercent(uploads)).toBe(25)
    expect(describeUploads(uploads)).toBe(
      'Uploading 2 images… 25% · 2 images wait for the connection · 1 image waits until you sign in again',
    )
  })

  it('says nothing when nothing is on its way', () => {
    expect(describeUploads([upload({ phase: 'refused', refusal: 'no' })])).toBeNull()
    expect(uploadPercent([])).toBeNull()
  })
})
