// `pnpm start`: builds what is missing, then runs the server in the foreground.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const root = new URL('..', import.meta.url)
const built = ['server/dist/index.js', 'client/dist/index.html'].every((file) =>
  existsSync(new URL(file, root)),
)

if (!built) {
  console.log('Refinery is not built yet: building client and server…')
  const build = spawnSync('pnpm', ['build'], {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  })
  if (build.status !== 0) process.exit(build.status ?? 1)
}

await import(new URL('server/dist/index.js', root).href)
