import { defineConfig } from 'vitest/config'

// The tldraw store and Yjs run in plain Node, so the unit tests need no DOM.
export default defineConfig({
  test: { name: 'client', include: ['src/**/*.test.ts', 'src/**/*.test.tsx'], environment: 'node' },
})
