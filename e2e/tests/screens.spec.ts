import { expect, type Page } from '@playwright/test'
import { createBoard, inviteLink, join, openBoard, signedUp } from './board'
import { test } from './fixtures'

interface Box {
  x: number
  y: number
  width: number
  height: number
}

const overlap = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height

const inside = (inner: Box, outer: Box) =>
  inner.x >= outer.x - 0.5 &&
  inner.y >= outer.y - 0.5 &&
  inner.x + inner.width <= outer.x + outer.width + 0.5 &&
  inner.y + inner.height <= outer.y + outer.height + 0.5

async function box(page: Page, selector: string): Promise<Box> {
  const found = await page.locator(selector).first().boundingBox()
  if (!found) throw new Error(`${selector} is not shown`)
  return found
}

/** Nothing of the header and of tldraw's corners on top of anything else, all of it on the screen. */
async function expectTopFits(page: Page, selectors: string[]) {
  const header = await box(page, '.board-header')
  const screen = { x: 0, y: 0, ...(page.viewportSize() ?? { width: 0, height: 0 }) }
  const boxes = await Promise.all(
    selectors.map(async (selector) => [selector, await box(page, selector)] as const),
  )
  const inHeader = boxes.filter(([selector]) => selector.startsWith('.board-header'))
  for (const [selector, found] of inHeader)
    expect(inside(found, header), `${selector} inside the header`).toBe(true)
  for (const [selector, found] of boxes) {
    expect(inside(found, screen), `${selector} on the screen`).toBe(true)
    for (const [other, otherBox] of boxes) {
      if (other !== selector) expect(overlap(found, otherBox), `${selector} over ${other}`).toBe(false)
    }
  }
  for (const [selector] of boxes.filter(([selector]) => !selector.startsWith('.board-header'))) {
    expect(overlap(await box(page, selector), header), `${selector} over the header`).toBe(false)
  }
  // The title keeps a few letters, cut with an ellipsis, not nothing.
  const title = page.getByTestId('board-title')
  await expect(title).toBeVisible()
  expect((await title.boundingBox())?.width ?? 0).toBeGreaterThanOrEqual(30)
}

test('at 390 px wide the header collapses and fits, and the dots are clear of tldraw’s quick actions', async ({
  browser,
}) => {
  const alice = await signedUp(browser, 'Alice')
  const bob = await signedUp(browser, 'Bob')
  const cleo = await signedUp(browser, 'Cleo')
  const boardId = await createBoard(alice, 'Checkout journey for the spring release')
  await join(bob, await inviteLink(alice, boardId, 'editor'))
  await join(cleo, await inviteLink(alice, boardId, 'voter'))
  await openBoard(bob, boardId)
  for (const person of [alice, cleo]) {
    await person.page.setViewportSize({ width: 390, height: 800 })
    await openBoard(person, boardId)
  }
  const header = [
    '.board-header [data-testid="home-link"]',
    '.board-header [data-testid="board-title"]',
    '.board-header [data-testid="share"]',
    '.board-header [data-testid="connection-status"]',
  ]
  const corners = ['.tlui-menu-zone', '.tlui-people-menu__avatars-button']

  // The owner, with everyone else on the board in tldraw's people menu.
  await expect(alice.page.locator('.tlui-people-menu__avatar')).toHaveCount(3)
  await expectTopFits(alice.page, [...header, ...corners])
  const share = alice.page.getByTestId('share')
  await expect(share).toHaveAccessibleName('Share')
  await expect(alice.page.getByTestId('connection-status')).toHaveAccessibleName('Connected')
  // The dots and the way to the backlog stay clear of the undo / redo bar and the toolbar.
  const quickActions = await box(alice.page, '.tlui-main-toolbar__extras__controls')
  const toolbar = await box(alice.page, '.tlui-main-toolbar')
  for (const selector of ['[data-testid="dots-left"]', '[data-testid="backlog-link"]']) {
    const found = await box(alice.page, selector)
    expect(overlap(found, quickActions), `${selector} under the quick actions`).toBe(false)
    expect(overlap(found, toolbar), `${selector} under the toolbar`).toBe(false)
    expect(found.x + found.width).toBeLessThanOrEqual(390)
  }

  // A voter's header carries their role too.
  await expectTopFits(cleo.page, [...header, '.board-header [data-testid="read-only-note"]', ...corners])
  await expect(cleo.page.getByTestId('read-only-note')).toHaveAttribute('title', 'You can vote with dots')

  for (const person of [alice, bob, cleo]) await person.context.close()
})

/** Whether an element looks dark: the colour it is painted on (its own, or the first behind it). */
function isDark(page: Page, selector: string) {
  return page
    .locator(selector)
    .first()
    .evaluate((element) => {
      let node: Element | null = element
      let color = 'rgba(0, 0, 0, 0)'
      while (node && /rgba\(.*, 0\)$|transparent/.test(color)) {
        color = getComputedStyle(node).backgroundColor
        node = node.parentElement
      }
      const [r, g, b] = (color.match(/[\d.]+/g) ?? []).map(Number) as [number, number, number]
      const channel = (value: number) => {
        const c = value / 255
        return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
      }
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b) < 0.1
    })
}

async function chooseTheme(page: Page, theme: 'Dark' | 'System') {
  await page.getByTestId('main-menu.button').click()
  await page.getByTestId('main-menu-sub.preferences-button').click()
  await page.getByTestId('main-menu-sub.help menu color-scheme-button').click()
  await page.getByRole('menuitemcheckbox', { name: theme }).click()
  await page.keyboard.press('Escape')
  await expect(page.locator('.tl-container')).toHaveClass(/tl-theme__dark/)
}

test('in tldraw’s dark theme, chosen in its menu or followed from the system, Refinery’s board UI is dark too', async ({
  browser,
}) => {
  const alice = await signedUp(browser, 'Alice')
  // Cleo's system is in dark mode, and she tells tldraw to follow it.
  const cleo = await signedUp(browser, 'Cleo', { colorScheme: 'dark' })
  const boardId = await createBoard(alice)
  await join(cleo, await inviteLink(alice, boardId, 'voter'))
  await openBoard(alice, boardId)
  await openBoard(cleo, boardId)
  await chooseTheme(alice.page, 'Dark')
  await chooseTheme(cleo.page, 'System')

  const board = ['.board-header', '[data-testid="dots-left"]', '[data-testid="backlog-link"]']
  for (const selector of board) expect(await isDark(alice.page, selector), `${selector} for Alice`).toBe(true)
  for (const selector of [...board, '[data-testid="read-only-note"]']) {
    expect(await isDark(cleo.page, selector), `${selector} for Cleo`).toBe(true)
  }

  // A story card's panel, with its buttons.
  await alice.page.evaluate(() => {
    const editor = window.refinery?.editor as unknown as {
      createShape(shape: object): void
      select(id: string): void
    }
    editor.createShape({ id: 'shape:card', type: 'story-card', x: 200, y: 200 })
    editor.select('shape:card')
  })
  await expect(alice.page.getByTestId('story-map-panel')).toBeVisible()
  for (const selector of ['[data-testid="story-map-panel"]', '.story-map-panel .button']) {
    expect(await isDark(alice.page, selector), selector).toBe(true)
  }

  // The share dialog.
  await alice.page.getByTestId('share').click()
  await expect(alice.page.getByTestId('share-dialog')).toBeVisible()
  expect(await isDark(alice.page, '[data-testid="share-dialog"]'), 'the share dialog').toBe(true)

  await alice.context.close()
  await cleo.context.close()
})
