import { execFileSync } from 'node:child_process'

/** Where tests build the server they run as a child process; never the user's dist/. */
export const TEST_BUILD = '.test-build/index.js'

/** Some suites run the built server as a child process (to kill it with SIGKILL): build it first. */
export default function setup(): void {
  execFileSync(process.execPath, ['build.mjs', TEST_BUILD], {
    cwd: new URL('..', import.meta.url),
    stdio: 'inherit',
  })
}
