import { type Browser, type BrowserContext, expect, type Page } from '@playwright/test'

/** One person at the board: their own browser context, so nothing is shared but the server. */
export interface Person {
  context: BrowserContext
  page: Page
}

export async function openBoard(browser: Browser, boardId: string): Promise<Person> {
  const context = await browser.newContext()
  const page = await context.newPage()
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`))
  await page.goto(`/b/${boardId}`)
  await expectConnected(page)
  return { context, page }
}

export async function expectConnected(page: Page): Promise<void> {
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected')
}

export function shapes(page: Page) {
  return page.evaluate(() =>
    window.refinery.editor.getCurrentPageShapes().map((shape) => ({
      id: shape.id,
      type: shape.type,
      x: Math.round(shape.x),
      y: Math.round(shape.y),
    })),
  )
}

/** The collaborators whose cursors this page's editor draws. */
export function collaboratorCursors(page: Page) {
  return page.evaluate(() =>
    window.refinery.editor
      .getVisibleCollaboratorsOnCurrentPage()
      .filter((presence) => presence.cursor)
      .map((presence) => ({ name: presence.userName, x: presence.cursor?.x, y: presence.cursor?.y })),
  )
}

/** The screen point of a shape's centre in this page's viewport. */
export function shapeCentreOnScreen(page: Page, id: string) {
  return page.evaluate((shapeId) => {
    const editor = window.refinery.editor
    const bounds = editor.getShapePageBounds(shapeId as never)
    if (!bounds) throw new Error(`no shape ${shapeId}`)
    return editor.pageToViewport(bounds.center)
  }, id)
}

export async function drag(page: Page, from: { x: number; y: number }, to: { x: number; y: number }) {
  await page.mouse.move(from.x, from.y)
  await page.mouse.down()
  await page.mouse.move(to.x, to.y, { steps: 8 })
  await page.mouse.up()
}
