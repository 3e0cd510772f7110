import { test as base } from '@playwright/test'

/**
 * Playwright's `test`, closing every browser context a test opened once it ends. People open their
 * own contexts (`signedUp`), which Playwright leaves open; with every board left live in the one
 * browser, each later test shared the machine with all the earlier ones' tabs.
 */
export const test = base.extend<{ closeContexts: undefined }>({
  closeContexts: [
    async ({ browser }, use) => {
      await use(undefined)
      await Promise.all(browser.contexts().map((context) => context.close().catch(() => undefined)))
    },
    { auto: true },
  ],
})
