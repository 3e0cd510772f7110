// Preloaded (`node --expose-gc --import`) into each server process of the idle-memory figures, Refinery
// and peers alike. On SIGUSR2 it runs a full garbage collection and writes the process's memory
// figures to <BENCH_MEMORY_PROBE_DIR>/<pid>.json, so the bench can tell what the server keeps
// (V8 heap after GC) from what RSS still counts. It changes nothing else in the server.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

const directory = process.env.BENCH_MEMORY_PROBE_DIR
process.on('SIGUSR2', () => {
  globalThis.gc?.()
  globalThis.gc?.()
  if (directory) writeFileSync(join(directory, `${process.pid}.json`), JSON.stringify(process.memoryUsage()))
})
