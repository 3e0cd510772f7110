import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Role } from '@refinery/shared'
import { afterEach } from 'vitest'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { type Config, readConfig } from '../src/config'
import { createLogger } from '../src/logger'
import { type RunningServer, startServer } from '../src/server'
import { PostgresStore } from '../src/storage/postgres'
import { SqliteStore } from '../src/storage/sqlite'
import type { Storage } from '../src/storage/types'
import { TEST_BUILD } from './globalSetup'

export function tempDir(prefix = 'refinery-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}

/** A port nothing listens on now, so the default allowed origins can name it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

export async function testConfig(overrides: Partial<Config> = {}): Promise<Config> {
  const port = await freePort()
  return {
    ...readConfig({
      PORT: String(port),
      DATA_DIR: tempDir(),
      CLIENT_DIST: '',
      LOG_LEVEL: 'silent',
      // Suites sign up many people from one address; the rate-limit test sets its own limits.
      AUTH_RATE_LIMIT_PER_ADDRESS: '10000',
      AUTH_RATE_LIMIT_PER_ACCOUNT: '10000',
    }),
    ...overrides,
  }
}

/** A real server in this process, on a free port, with its own SQLite file. */
export async function startTestServer(
  overrides: Partial<Config> = {},
): Promise<RunningServer & { config: Config }> {
  const config = await testConfig(overrides)
  const server = await startServer(config, createLogger(config.logLevel))
  return { ...server, config }
}

/** A `ws` WebSocket that sends the Origin header and session cookie a browser would. */
export function socketClass(origin: string | null, cookie?: string) {
  const headers: Record<string, string> = {}
  if (origin) headers.origin = origin
  if (cookie) headers.cookie = cookie
  return class BrowserLikeSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers })
    }
  }
}

export interface ApiResponse<T = any> {
  status: number
  body: T
  /** The session cookie the response set, as a `Cookie` header value. */
  setCookie: string | undefined
}

/** Calls the HTTP API as a browser on the allowed origin would. */
export async function api<T = any>(
  port: number,
  path: string,
  options: {
    method?: string
    body?: unknown
    cookie?: string | undefined
    origin?: string | null
    raw?: string
    headers?: Record<string, string>
  } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers }
  const origin = options.origin === undefined ? `http://localhost:${port}` : options.origin
  if (origin) headers.origin = origin
  if (options.cookie) headers.cookie = options.cookie
  let body: string | undefined
  if (options.raw !== undefined || options.body !== undefined) {
    headers['content-type'] ??= 'application/json'
    body = options.raw ?? JSON.stringify(options.body)
  }
  const response = await fetch(`http://localhost:${port}${path}`, {
    method: options.method ?? 'GET',
    headers,
    body,
  })
  const text = await response.text()
  const setCookie = response.headers.getSetCookie().find((value) => value.startsWith('refinery_session='))
  return {
    status: response.status,
    body: !text ? null : response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text,
    setCookie: setCookie?.split(';')[0],
  }
}

/**
 * Uploads an image to a board as the client does: the file as the body, its type as `Content-Type`
 * (none when `type` is null). A `ReadableStream` body goes chunked, with no declared length.
 */
export async function uploadImage(
  port: number,
  boardId: string,
  body: Uint8Array | ReadableStream<Uint8Array>,
  options: { cookie?: string; type?: string | null; origin?: string | null; signal?: AbortSignal } = {},
): Promise<ApiResponse<{ src: string } & { error: { code: string; message: string } }>> {
  const headers: Record<string, string> = {}
  const origin = options.origin === undefined ? `http://localhost:${port}` : options.origin
  if (origin) headers.origin = origin
  if (options.cookie) headers.cookie = options.cookie
  const type = options.type === undefined ? 'image/png' : options.type
  if (type !== null) headers['content-type'] = type
  const response = await fetch(`http://localhost:${port}/api/boards/${boardId}/assets`, {
    method: 'POST',
    headers,
    body,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  } as RequestInit)
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : null, setCookie: undefined }
}

let people = 0

/** The password of every account `signUp` makes. */
export const PASSWORD = 'correct horse battery'

/** A new account, signed in: its cookie and user, and the email it signs in with (password `PASSWORD`). */
export async function signUp(
  port: number,
  name = 'Ada',
  origin?: string,
): Promise<{ cookie: string; id: string; name: string; email: string }> {
  people++
  const email = `${name.toLowerCase().replace(/\W/g, '')}.${people}.${Date.now()}@example.com`
  const response = await api(port, '/api/auth/signup', {
    method: 'POST',
    body: { email, password: PASSWORD, name },
    ...(origin ? { origin } : {}),
  })
  if (response.status !== 201 || !response.setCookie) throw new Error(`sign-up failed: ${response.status}`)
  return { cookie: response.setCookie, id: response.body.id, name, email }
}

/** Another session of an account `signUp` made, as a second browser would sign in: its cookie. */
export async function logIn(port: number, email: string, origin?: string): Promise<string> {
  const response = await api(port, '/api/auth/login', {
    method: 'POST',
    body: { email, password: PASSWORD },
    ...(origin ? { origin } : {}),
  })
  if (response.status !== 200 || !response.setCookie) throw new Error(`login failed: ${response.status}`)
  return response.setCookie
}

export async function createBoard(
  port: number,
  cookie: string,
  title = 'Workshop',
  origin?: string,
): Promise<string> {
  const response = await api(port, '/api/boards', {
    method: 'POST',
    body: { title },
    cookie,
    ...(origin ? { origin } : {}),
  })
  if (response.status !== 201) throw new Error(`creating a board failed: ${response.status}`)
  return response.body.id
}

/** Puts `dots` of the cookie's person on a card, through the votes API as the client does. */
export function castVote(port: number, cookie: string, boardId: string, cardId: string, dots: number) {
  return api(port, `/api/boards/${boardId}/votes/${cardId}`, { method: 'PUT', body: { dots }, cookie })
}

/** Adds a person to a board with a role, through an invite link as the product does. */
export async function addMember(
  port: number,
  ownerCookie: string,
  boardId: string,
  cookie: string,
  role: string,
  origin?: string,
) {
  const invite = await api(port, `/api/boards/${boardId}/invites`, {
    method: 'POST',
    body: { role },
    cookie: ownerCookie,
    ...(origin ? { origin } : {}),
  })
  const accepted = await api(port, `/api/invites/${invite.body.token}/accept`, {
    method: 'POST',
    body: {},
    cookie,
    ...(origin ? { origin } : {}),
  })
  if (accepted.status !== 200) throw new Error(`joining failed: ${accepted.status}`)
}

export interface TestClient {
  doc: Y.Doc
  provider: WebsocketProvider
  destroy(): void
}

/** A stock y-websocket client, as a signed-in browser would connect it. */
export function connectClient(
  port: number,
  boardId: string,
  options: { cookie: string; doc?: Y.Doc; origin?: string },
): TestClient {
  const doc = options.doc ?? new Y.Doc()
  const origin = options.origin ?? `http://localhost:${port}`
  const provider = new WebsocketProvider(`ws://localhost:${port}/sync`, boardId, doc, {
    WebSocketPolyfill: socketClass(origin, options.cookie) as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 200,
  })
  return {
    doc,
    provider,
    destroy() {
      provider.destroy()
      doc.destroy()
    },
  }
}

export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  { timeout = 5000, message = 'condition' } = {},
): Promise<void> {
  const start = Date.now()
  while (!(await condition())) {
    if (Date.now() - start > timeout) throw new Error(`timed out waiting for ${message}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

export function waitForSync(client: TestClient): Promise<void> {
  return waitFor(() => client.provider.synced, { message: 'the client to sync' })
}

/** Opens a raw socket to a board and resolves once it is open (or rejects with the refusal). */
export function openRawSocket(
  port: number,
  boardId: string,
  { cookie, origin = `http://localhost:${port}` }: { cookie?: string; origin?: string | null } = {},
) {
  const socket = new (socketClass(origin, cookie))(`ws://localhost:${port}/sync/${boardId}`)
  socket.binaryType = 'nodebuffer'
  const opened = new Promise<WebSocket>((resolve, reject) => {
    socket.once('open', () => resolve(socket))
    socket.once('unexpected-response', (_req, res) => reject(new Error(`refused with ${res.statusCode}`)))
    socket.once('error', reject)
  })
  return { socket, opened }
}

export function closeCode(socket: WebSocket): Promise<number> {
  return new Promise((resolve) => socket.once('close', (code) => resolve(code)))
}

/** The socket's close code and when it came (`Date.now()`), or null for both if it is still open after `ms`. */
export function closeWithin(
  socket: WebSocket,
  ms: number,
): Promise<{ code: number | null; at: number | null }> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ code: null, at: null }), ms)
    socket.once('close', (code) => {
      clearTimeout(timer)
      resolve({ code, at: Date.now() })
    })
  })
}

const SERVER_ENTRY = new URL(`../${TEST_BUILD}`, import.meta.url).pathname

/** The built server as a child process, for what only a separate process can show (SIGKILL, SIGTERM). */
export async function spawnServer(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [SERVER_ENTRY], {
    env: {
      ...process.env,
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      CLIENT_DIST: '',
      LOG_LEVEL: 'info',
      // Suites sign up many people from one address.
      AUTH_RATE_LIMIT_PER_ADDRESS: '10000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const port = await new Promise<number>((resolve, reject) => {
    let output = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /"url":"http:\/\/127\.0\.0\.1:(\d+)"/.exec(output)
      if (match) resolve(Number(match[1]))
    })
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)))
  })
  return { child, port }
}

export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode)
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)))
}

/**
 * The PostgreSQL the suites run against. CI sets TEST_DATABASE_URL; on a developer's machine the
 * local server is the default. Unreachable means the suite fails, never that it is skipped.
 */
export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres'
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379'

/** A fresh schema name for one suite's tables, so runs never see each other's data. */
export function freshSchema(): string {
  return `test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`
}

/** TEST_DATABASE_URL with its tables in `schema`, for a server started in another process. */
export async function databaseUrlWithSchema(schema: string): Promise<string> {
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL })
  await client.connect()
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`)
  } finally {
    await client.end()
  }
  const url = new URL(TEST_DATABASE_URL)
  url.searchParams.set('options', `-c search_path=${schema}`)
  return url.toString()
}

export async function dropSchema(schema: string): Promise<void> {
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL })
  await client.connect()
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
  } finally {
    await client.end()
  }
}

/**
 * SQLite and PostgreSQL, each opened fresh for a test and closed (and its schema dropped) after it:
 * for a suite that must hold on both, as `describe.each(storageEngines(cleanup))`.
 */
export function storageEngines(
  cleanup: (undo: () => unknown) => void,
): [engine: string, open: () => Promise<Storage>][] {
  const opened = (store: Storage) => {
    cleanup(() => store.close())
    return store
  }
  return [
    [
      'SQLite',
      async () => {
        const dir = tempDir()
        cleanup(() => removeDir(dir))
        return opened(await SqliteStore.open(dir))
      },
    ],
    [
      'PostgreSQL',
      async () => {
        const schema = freshSchema()
        cleanup(() => dropSchema(schema))
        return opened(await PostgresStore.open({ connectionString: TEST_DATABASE_URL, schema }))
      },
    ],
  ]
}

/** Where a test server keeps its data: a SQLite folder or a PostgreSQL schema, which a restart finds again. */
export type ServerData = { dataDir: string } | { databaseUrl: string }

/**
 * A test server on `data` that a test can stop and start again on the same data (what a restart keeps);
 * whichever runs last is closed after the test.
 */
export async function restartableServer(data: ServerData, cleanup: (undo: () => unknown) => void) {
  let current = await startTestServer(data)
  cleanup(() => current.close())
  return {
    running: current,
    async restart() {
      await current.close()
      current = await startTestServer(data)
      return current
    },
  }
}

/** Two instances on one fresh PostgreSQL schema and Redis, as a scaled-out deployment runs. */
export async function twoInstances(cleanup: (undo: () => unknown) => void) {
  const schema = freshSchema()
  cleanup(() => dropSchema(schema))
  const shared = { databaseUrl: await databaseUrlWithSchema(schema), redisUrl: TEST_REDIS_URL }
  const a = await startTestServer(shared)
  cleanup(() => a.close())
  const b = await startTestServer(shared)
  cleanup(() => b.close())
  return { a, b }
}

/**
 * Fresh data for a test server on each engine, for `describe.each`; each is removed after its test (the
 * schema last, after the servers that used it have closed).
 */
export function serverDataEngines(
  cleanup: (undo: () => unknown) => void,
): [engine: string, fresh: () => Promise<ServerData>][] {
  return [
    [
      'SQLite',
      async () => {
        const dataDir = tempDir()
        cleanup(() => removeDir(dataDir))
        return { dataDir }
      },
    ],
    [
      'PostgreSQL',
      async () => {
        const schema = freshSchema()
        cleanup(() => dropSchema(schema))
        return { databaseUrl: await databaseUrlWithSchema(schema) }
      },
    ],
  ]
}

/** A board with a member of every role, and someone who is not a member. */
export async function membersOfEveryRole(port: number) {
  const owner = await signUp(port, 'Olive')
  const boardId = await createBoard(port, owner.cookie)
  const people = { owner } as Record<Role, Awaited<ReturnType<typeof signUp>>>
  for (const role of ['editor', 'voter', 'viewer'] as const) {
    people[role] = await signUp(port, role)
    await addMember(port, owner.cookie, boardId, people[role].cookie, role)
  }
  return { boardId, people, outsider: await signUp(port, 'Oscar') }
}

/**
 * Undo functions run after each test of the calling file, last registered first: servers, clients,
 * temporary directories. Call once at the top of a test file.
 */
export function cleanupAfterEach(): (undo: () => unknown) => void {
  const pending: (() => unknown)[] = []
  afterEach(async () => {
    for (const undo of pending.splice(0).reverse()) await undo()
  })
  return (undo) => {
    pending.push(undo)
  }
}

/** What `change` does to `doc`, as the one update a client would send for it (one transaction). */
export function updateOf(doc: Y.Doc, change: () => void): Uint8Array {
  const before = Y.encodeStateVector(doc)
  doc.transact(change)
  return Y.encodeStateAsUpdate(doc, before)
}
