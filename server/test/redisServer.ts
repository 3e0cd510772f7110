import { type ChildProcess, spawn } from 'node:child_process'
import { createConnection } from 'node:net'
import { freePort } from './helpers'

/** A private redis-server on a free loopback port, to stop and start without touching the shared one. */
export async function startRedis(
  port?: number,
): Promise<{ port: number; url: string; stop(): Promise<void> }> {
  const chosen = port ?? (await freePort())
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  )
  const deadline = Date.now() + 5000
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const probe = createConnection({ host: '127.0.0.1', port: chosen })
      probe.once('connect', () => {
        probe.destroy()
        resolve(true)
      })
      probe.once('error', () => resolve(false))
    })
    if (up) break
    if (Date.now() > deadline) throw new Error(`redis-server did not start on ${chosen}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return {
    port: chosen,
    url: `redis://127.0.0.1:${chosen}`,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGKILL')
      }),
  }
}
