// Bundles the server into dist/index.js (or the file given as the first argument). Workspace packages (@refinery/shared) are bundled in, since
// they ship TypeScript source; every npm dependency stays external and is loaded from node_modules.
import { readFileSync } from 'node:fs'
import { build } from 'esbuild'

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'))
const external = Object.keys(pkg.dependencies).filter((name) => !name.startsWith('@refinery/'))

await build({
  entryPoints: ['src/index.ts'],
  outfile: process.argv[2] ?? 'dist/index.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  sourcemap: true,
  external: external.flatMap((name) => [name, `${name}/*`]),
  logLevel: 'warning',
})
