// Builds the bench's own pages (the bare tldraw floor and the tldraw sync page) into browser/dist, with
// Vite as the client is built and tldraw's fonts, icons and translations bundled (no CDN).
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

const pages = new URL('./pages/', import.meta.url).pathname

export default defineConfig({
  root: pages,
  logLevel: 'warn',
  plugins: [react()],
  optimizeDeps: { exclude: ['@tldraw/assets'] },
  build: {
    outDir: new URL('./dist/', import.meta.url).pathname,
    emptyOutDir: true,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 4000,
    rollupOptions: { input: { bare: `${pages}bare.html`, sync: `${pages}sync.html` } },
  },
})
