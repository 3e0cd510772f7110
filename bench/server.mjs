// Starts the built Refinery server as its own process, on loopback, with a fresh data directory.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })
}

export async function startRefinery(env = {}) {
  const port = await freePort()
  const dataDir = env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'refinery-bench-'))
  const child = spawn(process.execPath, [new URL('../server/dist/index.js', import.meta.url).pathname], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      CLIENT_DIST: '',
      LOG_LEVEL: 'warn',
      AUTH_RATE_LIMIT_PER_ADDRESS: '100000',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) break
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return {
    port,
    dataDir,
    child,
    origin: `http://localhost:${port}`,
    /** User + system CPU seconds the server process has used so far. */
    cpuSeconds() {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ')
      return (Number(fields[11]) + Number(fields[12])) / 100
    },
    rssBytes() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
      return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) * 1024
    },
    async stop() {
      child.kill('SIGTERM')
      await new Promise((resolve) => child.once('exit', resolve))
    },
  }
}

/** Signs up a bench user and creates a board; returns the session cookie and board id. */
export async function boardFor(server, title = 'Bench board') {
  const post = async (path, body, cookie) => {
    const request = () =>
      fetch(`http://127.0.0.1:${server.port}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
        body: JSON.stringify(body),
      })
    // fetch may reuse a keep-alive socket the server closed while a long scenario ran: retry once.
    return request().catch(request)
  }
  const email = `bench.${Date.now()}.${Math.random().toString(36).slice(2)}@example.com`
  const signup = await post('/api/auth/signup', { email, password: 'bench password', name: 'Bench' })
  const cookie = signup.headers.getSetCookie()[0].split(';')[0]
  const board = await (await post('/api/boards', { title }, cookie)).json()
  return { cookie, boardId: board.id }
}
