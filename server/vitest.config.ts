import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    name: 'server',
    include: ['src/**/*.test.ts'],
    globalSetup: ['test/globalSetup.ts'],
    // Integration suites start real servers and real databases; give them room on a 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
})
