import { createHash } from 'node:crypto'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { Role } from '@refinery/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  addMember,
  api,
  cleanupAfterEach,
  createBoard,
  databaseUrlWithSchema,
  dropSchema,
  freshSchema,
  signUp,
  startTestServer,
  uploadImage,
} from '../../test/helpers'
import { pngOf, RASTER_SAMPLES } from '../../test/images'
import type { RunningServer } from '../server'

type Person = Awaited<ReturnType<typeof signUp>>

const cleanup = cleanupAfterEach()
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')
const SVG_NS = 'http://www.w3.org/2000/svg'

let running: RunningServer & { config: { dataDir: string } }
let port: number
let owner: Person
let boardId: string
const members = {} as Record<Exclude<Role, 'owner'>, Person>
/** Signed in, owner of a board of their own, member of no other. */
let outsider: Person
let outsiderBoard: string

beforeAll(async () => {
  running = await startTestServer()
  port = running.port
  owner = await signUp(port, 'Olive')
  boardId = await createBoard(port, owner.cookie)
  for (const role of ['editor', 'voter', 'viewer'] as const) {
    members[role] = await signUp(port, role)
    await addMember(port, owner.cookie, boardId, members[role].cookie, role)
  }
  outsider = await signUp(port, 'Oscar')
  outsiderBoard = await createBoard(port, outsider.cookie, 'Elsewhere')
})

afterAll(async () => {
  await running?.close()
})

/** GET of an image as a browser's <img> would ask for it. */
async function fetchImage(src: string, cookie?: string, headers: Record<string, string> = {}) {
  const response = await fetch(`http://localhost:${port}${src}`, {
    headers: { ...headers, ...(cookie ? { cookie } : {}) },
  })
  return { response, bytes: Buffer.from(await response.arrayBuffer()) }
}

function expectError(response: { status: number; body: any }, status: number, code: string) {
  expect(response.status).toBe(status)
  expect(response.body).toEqual({ error: { code, message: expect.any(String) } })
}

describe('POST /api/boards/:id/assets', () => {
  it('stores an owner’s image and answers its URL, named by the SHA-256 of the bytes', async () => {
    const png = pngOf(1000, 11)
    const uploaded = await uploadImage(port, boardId, png, { cookie: owner.cookie })
    expect(uploaded.status).toBe(201)
    expect(uploaded.body).toEqual({ src: `/api/boards/${boardId}/assets/${sha256(png)}` })
    const { response, bytes } = await fetchImage(uploaded.body.src, owner.cookie)
    expect(response.status).toBe(200)
    expect(bytes.equals(png)).toBe(true)
  })

  it('takes each raster type an editor sends', async () => {
    for (const [type, bytes] of Object.entries(RASTER_SAMPLES)) {
      const uploaded = await uploadImage(port, boardId, bytes, { cookie: members.editor.cookie, type })
      expect(uploaded.status, type).toBe(201)
      const { response } = await fetchImage(uploaded.body.src, members.editor.cookie)
      expect(response.headers.get('content-type')).toBe(type)
    }
  })

  it('refuses voters and viewers (403), non-members (404) and no session (401)', async () => {
    const png = pngOf(300, 12)
    for (const role of ['voter', 'viewer'] as const) {
      expectError(await uploadImage(port, boardId, png, { cookie: members[role].cookie }), 403, 'forbidden')
    }
    expectError(await uploadImage(port, boardId, png, { cookie: outsider.cookie }), 404, 'not_found')
    expectError(await uploadImage(port, 'no-such-board', png, { cookie: owner.cookie }), 404, 'not_found')
    expectError(await uploadImage(port, boardId, png), 401, 'unauthenticated')
    // Nothing of it was stored for the board.
    expect(
      (await fetchImage(`/api/boards/${boardId}/assets/${sha256(png)}`, owner.cookie)).response.status,
    ).toBe(404)
  })

  it('refuses an upload from another origin (403)', async () => {
    const refused = await uploadImage(port, boardId, pngOf(300), {
      cookie: owner.cookie,
      origin: 'https://evil.example',
    })
    expectError(refused, 403, 'forbidden_origin')
  })

  it('refuses types a board does not take, and bytes that are not of the type claimed (415)', async () => {
    const png = RASTER_SAMPLES['image/png']
    const cookie = owner.cookie
    expectError(
      await uploadImage(port, boardId, png, { cookie, type: 'text/html' }),
      415,
      'unsupported_image',
    )
    expectError(
      await uploadImage(port, boardId, png, { cookie, type: 'image/bmp' }),
      415,
      'unsupported_image',
    )
    expectError(await uploadImage(port, boardId, png, { cookie, type: null }), 415, 'unsupported_image')
    const mismatch = await uploadImage(port, boardId, png, { cookie, type: 'image/jpeg' })
    expectError(mismatch, 415, 'unsupported_image')
    expect(mismatch.body.error.message).toBe("The file's bytes are not a image/jpeg image")
    const html = Buffer.from('<html><script>alert(1)</script></html>')
    expectError(
      await uploadImage(port, boardId, html, { cookie, type: 'image/gif' }),
      415,
      'unsupported_image',
    )
  })

  it('answers an empty body with 400', async () => {
    expectError(
      await uploadImage(port, boardId, new Uint8Array(0), { cookie: owner.cookie }),
      400,
      'empty_body',
    )
  })

  it('stores an SVG sanitised, and refuses one that is not well-formed (415, with the reason)', async () => {
    const svg = `<svg xmlns="${SVG_NS}" onload="alert(1)"><script>alert(2)</script><rect fill="red"/></svg>`
    const uploaded = await uploadImage(port, boardId, Buffer.from(svg), {
      cookie: owner.cookie,
      type: 'image/svg+xml',
    })
    expect(uploaded.status).toBe(201)
    const { response, bytes } = await fetchImage(uploaded.body.src, owner.cookie)
    expect(bytes.toString()).toBe(
      `<svg xmlns="${SVG_NS}" xmlns:xlink="http://www.w3.org/1999/xlink"><rect fill="red"/></svg>`,
    )
    // The URL names what is stored, the sanitised bytes.
    expect(uploaded.body.src).toBe(`/api/boards/${boardId}/assets/${sha256(bytes)}`)
    expect(response.headers.get('content-type')).toBe('image/svg+xml')
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'none'; style-src 'unsafe-inline'",
    )
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')

    const broken = await uploadImage(port, boardId, Buffer.from(`<svg xmlns="${SVG_NS}"><g></svg>`), {
      cookie: owner.cookie,
      type: 'image/svg+xml',
    })
    expectError(broken, 415, 'unsupported_image')
    expect(broken.body.error.message).toBe('This SVG closes <g> with </svg> (line 1)')
  })

  it('stores the same image once, whichever boards it is uploaded to', async () => {
    const png = pngOf(4000, 13)
    const hash = sha256(png)
    expect((await uploadImage(port, boardId, png, { cookie: owner.cookie })).status).toBe(201)
    expect((await uploadImage(port, boardId, png, { cookie: members.editor.cookie })).status).toBe(201)
    expect((await uploadImage(port, outsiderBoard, png, { cookie: outsider.cookie })).status).toBe(201)
    const folder = join(running.config.dataDir, 'assets', hash.slice(0, 2))
    expect(readdirSync(folder).filter((name) => name.startsWith(hash))).toEqual([hash])
  })
})

describe('POST /api/boards/:id/assets past MAX_ASSET_BYTES', () => {
  const LIMIT = 2000

  async function smallServer() {
    const server = await startTestServer({ maxAssetBytes: LIMIT })
    cleanup(() => server.close())
    const person = await signUp(server.port, 'Lim')
    return { server, person, board: await createBoard(server.port, person.cookie) }
  }

  it('takes an image of exactly the limit and refuses one byte more (413), by its declared length', async () => {
    const { server, person, board } = await smallServer()
    const exact = new Uint8Array(LIMIT)
    exact.set(RASTER_SAMPLES['image/gif'])
    expect(
      (await uploadImage(server.port, board, exact, { cookie: person.cookie, type: 'image/gif' })).status,
    ).toBe(201)
    const over = new Uint8Array(LIMIT + 1)
    over.set(RASTER_SAMPLES['image/gif'])
    const refused = await uploadImage(server.port, board, over, { cookie: person.cookie, type: 'image/gif' })
    expectError(refused, 413, 'image_too_large')
    expect(refused.body.error.message).toBe(`Images are limited to ${LIMIT} bytes`)
  })

  it('refuses a body of no declared length as soon as it passes the limit, without waiting for its end', async () => {
    const { server, person, board } = await smallServer()
    const sent = { bytes: 0 }
    // Sends past the limit, then holds the request open: an answer can only come from counting.
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent.bytes > LIMIT) return new Promise(() => {})
        const chunk = new Uint8Array(500)
        if (sent.bytes === 0) chunk.set(RASTER_SAMPLES['image/png'].subarray(0, 8))
        sent.bytes += chunk.byteLength
        controller.enqueue(chunk)
      },
    })
    const abort = new AbortController()
    cleanup(() => abort.abort())
    const refused = await uploadImage(server.port, board, endless, {
      cookie: person.cookie,
      signal: abort.signal,
    })
    expectError(refused, 413, 'image_too_large')
    expect(sent.bytes).toBeLessThan(LIMIT * 2)
  })

  it('takes a chunked body within the limit', async () => {
    const { server, person, board } = await smallServer()
    const png = pngOf(1500, 14)
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(png.subarray(0, 700))
        controller.enqueue(png.subarray(700))
        controller.close()
      },
    })
    const uploaded = await uploadImage(server.port, board, stream, { cookie: person.cookie })
    expect(uploaded.status).toBe(201)
    expect(uploaded.body.src).toBe(`/api/boards/${board}/assets/${sha256(png)}`)
  })

  it('keeps the API’s 64 KiB limit on every other body', async () => {
    const { server, person, board } = await smallServer()
    const big = await api(server.port, `/api/boards/${board}`, {
      method: 'PATCH',
      raw: JSON.stringify({ title: 'x'.repeat(70_000) }),
      cookie: person.cookie,
    })
    expectError(big, 413, 'body_too_large')
  })
})

describe('GET /api/boards/:id/assets/:hash', () => {
  let src: string
  let png: Uint8Array
  beforeAll(async () => {
    png = pngOf(800, 21)
    src = (await uploadImage(port, boardId, png, { cookie: owner.cookie })).body.src
  })

  it('serves the image to every member, with its type, an ETag and immutable private caching', async () => {
    for (const person of [owner, members.editor, members.voter, members.viewer]) {
      const { response, bytes } = await fetchImage(src, person.cookie)
      expect(response.status).toBe(200)
      expect(bytes.equals(png)).toBe(true)
      expect(response.headers.get('content-type')).toBe('image/png')
      expect(response.headers.get('cache-control')).toBe('private, max-age=31536000, immutable')
      expect(response.headers.get('etag')).toBe(`"${sha256(png)}"`)
      expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    }
  })

  it('answers 304 with no body to a browser that holds it (If-None-Match)', async () => {
    const etag = `"${sha256(png)}"`
    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`]) {
      const { response, bytes } = await fetchImage(src, members.viewer.cookie, {
        'if-none-match': ifNoneMatch,
      })
      expect(response.status, ifNoneMatch).toBe(304)
      expect(bytes.byteLength).toBe(0)
      expect(response.headers.get('etag')).toBe(etag)
    }
    const { response } = await fetchImage(src, members.viewer.cookie, { 'if-none-match': '"other"' })
    expect(response.status).toBe(200)
  })

  it('is 404 to non-members and to no session, as every board route is', async () => {
    for (const cookie of [outsider.cookie, undefined]) {
      const { response } = await fetchImage(src, cookie)
      expect(response.status).toBe(404)
      expect(response.headers.get('cache-control')).toBeNull()
    }
  })

  it('is 404 for a hash the board does not hold, even one another board holds', async () => {
    const theirs = pngOf(600, 22)
    // The outsider's board holds an image; the owner's board does not.
    const uploaded = await uploadImage(port, outsiderBoard, theirs, { cookie: outsider.cookie })
    expect(uploaded.status).toBe(201)
    const viaOwnBoard = `/api/boards/${boardId}/assets/${sha256(theirs)}`
    expect((await fetchImage(viaOwnBoard, owner.cookie)).response.status).toBe(404)
    // And a member of the board that holds it is no member of the owner's board.
    expect((await fetchImage(viaOwnBoard, outsider.cookie)).response.status).toBe(404)
    expect(
      (await fetchImage(`/api/boards/${outsiderBoard}/assets/${sha256(png)}`, outsider.cookie)).response
        .status,
    ).toBe(404)
    for (const hash of [sha256(pngOf(10, 99)), 'not-a-hash', sha256(png).toUpperCase(), `${sha256(png)}0`]) {
      const { response, bytes } = await fetchImage(`/api/boards/${boardId}/assets/${hash}`, owner.cookie)
      expect(response.status, hash).toBe(404)
      expect(JSON.parse(bytes.toString())).toEqual({
        error: { code: 'not_found', message: expect.any(String) },
      })
    }
  })

  it('is 404 once the board is deleted', async () => {
    const doomed = await createBoard(port, owner.cookie, 'Doomed')
    const uploaded = await uploadImage(port, doomed, pngOf(400, 23), { cookie: owner.cookie })
    expect(
      (await api(port, `/api/boards/${doomed}`, { method: 'DELETE', cookie: owner.cookie })).status,
    ).toBe(204)
    expect((await fetchImage(uploaded.body.src, owner.cookie)).response.status).toBe(404)
  })
})

/** Every file's bytes under `dir`. */
function folderBytes(dir: string): number {
  if (!existsSync(dir)) return 0
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((sum, entry) => sum + statSync(join(entry.parentPath, entry.name)).size, 0)
}

describe('the data folder', () => {
  it('grows by about the image’s size for a 5 MB PNG, not the 4–5× of a data: URL in the document', async () => {
    const server = await startTestServer()
    cleanup(() => server.close())
    const person = await signUp(server.port, 'Gro')
    const board = await createBoard(server.port, person.cookie)
    const before = folderBytes(server.config.dataDir)
    const png = pngOf(5_000_000, 31)
    expect((await uploadImage(server.port, board, png, { cookie: person.cookie })).status).toBe(201)
    const growth = folderBytes(server.config.dataDir) - before
    expect(growth).toBeGreaterThanOrEqual(png.byteLength)
    expect(growth).toBeLessThan(png.byteLength * 1.05)
  })
})

describe('images on PostgreSQL', () => {
  const schema = freshSchema()
  afterAll(() => dropSchema(schema))

  it('are served by any instance, whichever took the upload', async () => {
    const databaseUrl = await databaseUrlWithSchema(schema)
    const a = await startTestServer({ databaseUrl })
    cleanup(() => a.close())
    const b = await startTestServer({ databaseUrl })
    cleanup(() => b.close())
    const person = await signUp(a.port, 'Pia')
    const board = await createBoard(a.port, person.cookie)
    const png = pngOf(3000, 41)
    const uploaded = await uploadImage(a.port, board, png, { cookie: person.cookie })
    expect(uploaded.status).toBe(201)
    const response = await fetch(`http://localhost:${b.port}${uploaded.body.src}`, {
      headers: { cookie: person.cookie },
    })
    expect(response.status).toBe(200)
    expect(Buffer.from(await response.arrayBuffer()).equals(png)).toBe(true)
    // Nothing of it on disk: the bytes are in the database.
    expect(existsSync(join(a.config.dataDir, 'assets'))).toBe(false)
  })
})

describe('the limit the page is told', () => {
  it('/config.js hands the browser MAX_ASSET_BYTES, so it can refuse a large image before sending it', async () => {
    const response = await fetch(`http://localhost:${port}/config.js`)
    const body = await response.text()
    const config = JSON.parse(body.replace(/^window\.REFINERY_CONFIG = /, '').replace(/;\s*$/, ''))
    expect(config.maxAssetBytes).toBe(10 * 1024 * 1024)
  })
})
