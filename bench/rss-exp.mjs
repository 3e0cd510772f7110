// The Refinery server's memory when boards of 1,000 and 5,000 cards have been written and everyone has
// gone: RSS (and its peak) and threads from /proc, at idle, after seeding, and over the minute after.
// `node bench/rss-exp.mjs` after `pnpm build`; NODE_ARGS are given to the server's node.
import { fork } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { createBoard, signUp, startRefinery } from './server.mjs'

const WRITERS = new URL('./browser/writers.mjs', import.meta.url).pathname
const rss = (pid) => {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8')
  return `RSS ${(s.match(/VmRSS:\s+(\d+)/)[1] / 1024) | 0} MiB, HWM ${(s.match(/VmHWM:\s+(\d+)/)[1] / 1024) | 0} MiB, threads ${readdirSync(`/proc/${pid}/task`).length}`
}
const server = await startRefinery({}, { nodeArgs: (process.env.NODE_ARGS ?? '').split(' ').filter(Boolean) })
const pid = server.child.pid
console.log('idle', rss(pid))
const cookie = await signUp(server)
for (const shapes of [1000, 5000]) {
  const room = await createBoard(server, cookie)
  await new Promise((resolve, reject) => {
    const child = fork(WRITERS, [], { stdio: ['ignore', 2, 2, 'ipc'] })
    child.on('message', (m) => {
      if (m.result) {
        resolve()
        child.kill()
      } else if (m.error) reject(new Error(m.error))
    })
    child.send({
      kind: 'seed',
      target: { kind: 'refinery', ws: server.ws, origin: server.origin, cookie },
      room,
      shapes,
    })
  })
  console.log(`seeded ${shapes}`, rss(pid))
}
let waited = 0
for (const seconds of [5, 15, 30, 60]) {
  await new Promise((resolve) => setTimeout(resolve, (seconds - waited) * 1000))
  waited = seconds
  console.log(`after ${seconds} s`, rss(pid))
}
await server.stop()
process.exit(0)
