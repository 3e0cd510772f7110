// `pnpm bench`: runs every figure against the real server on loopback and prints one JSON line per
// figure, {"name", "value", "unit"} (CONTRACT section 8). Clients run in a separate process.
import { execFileSync } from 'node:child_process'
import { boardFor, startRefinery } from './server.mjs'

function clients(scenario) {
  const output = execFileSync(
    process.execPath,
    [new URL('./clients.mjs', import.meta.url).pathname, JSON.stringify(scenario)],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  )
  return JSON.parse(output.trim().split('\n').pop())
}

function report(name, value, unit) {
  process.stdout.write(`${JSON.stringify({ name, value: Math.round(value * 100) / 100, unit })}\n`)
}

const server = await startRefinery()
try {
  for (const readers of [10, 50]) {
    const { cookie, boardId } = await boardFor(server)
    const cpuBefore = server.cpuSeconds()
    const paced = clients({
      kind: 'fanout',
      port: server.port,
      origin: server.origin,
      cookie,
      boardId,
      readers,
      updates: 1000,
      rate: 100,
    })
    const cpu = server.cpuSeconds() - cpuBefore
    if (!paced.ok) throw new Error(`paced fan-out to ${readers} readers lost updates (${paced.delivered})`)
    report(`refinery.paced.n${readers}.p50`, paced.p50, 'ms')
    report(`refinery.paced.n${readers}.p99`, paced.p99, 'ms')
    report(`refinery.paced.n${readers}.server_cpu`, (cpu / (paced.elapsedMs / 1000)) * 100, '%')
  }
  {
    const { cookie, boardId } = await boardFor(server)
    const burst = clients({
      kind: 'fanout',
      port: server.port,
      origin: server.origin,
      cookie,
      boardId,
      readers: 50,
      updates: 1000,
      rate: 'burst',
    })
    if (!burst.ok) throw new Error(`burst to 50 readers lost updates (${burst.delivered})`)
    report('refinery.burst.n50.all_delivered', burst.elapsedMs, 'ms')
  }
  {
    const { cookie, boardId } = await boardFor(server)
    const entries = 5000
    clients({ kind: 'fill', port: server.port, origin: server.origin, cookie, boardId, entries })
    const warm = clients({
      kind: 'coldSync',
      port: server.port,
      origin: server.origin,
      cookie,
      boardId,
      entries,
    })
    report('refinery.cold_sync.5000.from_memory', warm.ms, 'ms')
    // A restart empties memory: the next client's sync loads the board from SQLite.
    await server.stop()
    const restarted = await startRefinery({ DATA_DIR: server.dataDir })
    try {
      const cold = clients({
        kind: 'coldSync',
        port: restarted.port,
        origin: restarted.origin,
        cookie,
        boardId,
        entries,
      })
      if (!cold.ok) throw new Error(`cold sync got ${cold.entries} of ${entries} entries`)
      report('refinery.cold_sync.5000.from_storage', cold.ms, 'ms')
    } finally {
      await restarted.stop()
    }
  }
} finally {
  if (server.child.exitCode === null) await server.stop()
}
