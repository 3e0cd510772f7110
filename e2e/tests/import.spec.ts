import { readFileSync } from 'node:fs'
import { expect } from '@playwright/test'
import { expectConnected, shapes, signedUp } from './board'
import { test } from './fixtures'

const SAMPLE = new URL('../fixtures/jira-export.csv', import.meta.url).pathname

const countOf = async (page: Parameters<typeof shapes>[0], type: string) =>
  (await shapes(page)).filter((shape) => shape.type === type).length

test('a PO imports a Jira export as a story map and hands it back to Jira with its keys', async ({
  browser,
}) => {
  const po = await signedUp(browser, 'Zoe')
  const { page } = po
  await page.goto('/')
  await page.getByTestId('import-file').setInputFiles(SAMPLE)

  // The new board opens: three epics as steps, MVP, Release 2 and "No version" as slices, eight cards.
  await expect(page).toHaveURL(/\/b\/[^/]+$/)
  await expectConnected(page)
  await expect(page.getByTestId('board-title')).toHaveText('jira-export')
  await expect.poll(() => countOf(page, 'story-card')).toBe(8)
  expect(await countOf(page, 'journey-step')).toBe(3)
  expect(await countOf(page, 'release-slice')).toBe(3)
  await expect(page.getByText('Browse the catalogue').first()).toBeVisible()

  // The board file comes from the server, named after the board.
  const [boardFile] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-board-file').click(),
  ])
  expect(boardFile.suggestedFilename()).toBe('jira-export.refinery.json')

  await page.goto(`${new URL(page.url()).pathname}/backlog`)
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('download-csv').click(),
  ])
  expect(download.suggestedFilename()).toBe('jira-export-backlog.csv')
  const csv = readFileSync(await download.path(), 'utf8')
  expect(csv.startsWith('\uFEFFIssue Key,Issue ID,')).toBe(true)
  // Issue Key is the first column: each story and epic of the export starts its row with its key.
  for (const key of [
    'SHOP-1',
    'SHOP-2',
    'SHOP-11',
    'SHOP-12',
    'SHOP-13',
    'SHOP-21',
    'SHOP-22',
    'SHOP-23',
    'SHOP-31',
    'SHOP-40',
  ]) {
    expect(csv).toMatch(new RegExp(`\\r\\n${key},`))
  }
})

test('a CSV the import cannot read is refused with its line, and no board is made', async ({ browser }) => {
  const { page } = await signedUp(browser, 'Ana')
  await page.goto('/')
  await page.getByTestId('import-file').setInputFiles({
    name: 'broken.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('Issue key,Summary,Story Points\r\nA-1,Fine,3\r\nA-2,,5\r\n'),
  })
  await expect(page.getByTestId('import-error')).toHaveText(
    'Line 3 of the CSV file cannot be read: the Summary is empty',
  )
  await expect(page).toHaveURL(/\/$/)
  await expect(page.getByTestId('board-list')).toHaveCount(0)
})
