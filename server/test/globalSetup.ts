import { execFileSync } from 'node:child_process'

/** Some suites run the built server as a child process (to kill it with SIGKILL): build it first. */
export default function setup(): void {
  execFileSync(process.execPath, ['build.mjs'], { cwd: new URL('..', import.meta.url), stdio: 'inherit' })
}
