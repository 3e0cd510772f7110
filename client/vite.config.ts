import react from '@vitejs/plugin-react'
import { defineConfig, type Plugin } from 'vite'

/** Where `pnpm dev` finds the Refinery server it proxies to. */
const server = 'http://127.0.0.1:8787'

/**
 * Writes `sw-precache.js`, the list of built files that public/sw.js caches when it installs, so even
 * a first visit leaves every script, font, icon and translation for an offline reload. A new build
 * changes the list, which is also how browsers notice a new service worker.
 */
function serviceWorkerPrecache(): Plugin {
  return {
    name: 'refinery-service-worker-precache',
    apply: 'build',
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle)
        .filter((file) => file.startsWith('assets/'))
        .sort()
        .map((file) => `/${file}`)
      this.emitFile({
        type: 'asset',
        fileName: 'sw-precache.js',
        source: `self.REFINERY_PRECACHE = ${JSON.stringify(files, null, 2)}\n`,
      })
    },
  }
}

export default defineConfig({
  plugins: [react(), serviceWorkerPrecache()],
  // Its `?url` imports of fonts, icons and translations are for Vite itself, not the dependency pre-bundler.
  optimizeDeps: { exclude: ['@tldraw/assets'] },
  server: {
    proxy: {
      '/api': server,
      '/config.js': server,
      '/sync': { target: server, ws: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Every asset a file of its own: the CSP's connect-src does not allow fetching data: URLs.
    assetsInlineLimit: 0,
    // The editor chunk is tldraw itself, about 2 MB minified: nothing to split there.
    chunkSizeWarningLimit: 2500,
  },
})
