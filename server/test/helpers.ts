import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { type Config, readConfig } from '../src/config'
import { createLogger } from '../src/logger'
import { type RunningServer, startServer } from '../src/server'

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
    ...readConfig({ PORT: String(port), DATA_DIR: tempDir(), CLIENT_DIST: '', LOG_LEVEL: 'silent' }),
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

export function originOf(server: { port: number }): string {
  return `http://localhost:${server.port}`
}

/** A `ws` WebSocket that sends the Origin header a browser would. */
export function socketClass(origin: string | null) {
  return class BrowserLikeSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, origin ? { headers: { origin } } : {})
    }
  }
}

export interface TestClient {
  doc: Y.Doc
  provider: WebsocketProvider
  destroy(): void
}

/** A stock y-websocket client, as a browser would connect it. */
export function connectClient(port: number, boardId: string, options: { doc?: Y.Doc } = {}): TestClient {
  const doc = options.doc ?? new Y.Doc()
  const provider = new WebsocketProvider(`ws://localhost:${port}/sync`, boardId, doc, {
    WebSocketPolyfill: socketClass(`http://localhost:${port}`) as unknown as typeof globalThis.WebSocket,
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
  origin: string | null = `http://localhost:${port}`,
) {
  const socket = new (socketClass(origin))(`ws://localhost:${port}/sync/${boardId}`)
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

const SERVER_ENTRY = new URL('../dist/index.js', import.meta.url).pathname

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
