import { expect, type Page } from '@playwright/test'
import {
  createBoard,
  dropShape as drop,
  inviteLink,
  join,
  openBoard,
  shapeCentreOnScreen,
  shapes,
  signedUp,
} from './board'
import { test } from './fixtures'

/** Rows of a CSV file, with quoted fields that may hold commas, quotes and line breaks (RFC 4180). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (char === '"') quoted = false
      else field += char
    } else if (char === '"') quoted = true
    else if (char === ',') {
      row.push(field)
      field = ''
    } else if (char === '\n') {
      row.push(field.replace(/\r$/, ''))
      rows.push(row)
      row = []
      field = ''
    } else field += char
  }
  if (field || row.length) rows.push([...row, field])
  return rows
}

async function backlogTitles(page: Page) {
  return page.getByTestId('backlog-item').locator('.backlog-item__title').allInnerTexts()
}

test('a facilitator maps a journey, a voter votes, and the finished backlog and its CSV keep the order', async ({
  browser,
}, testInfo) => {
  test.setTimeout(150_000)
  const fay = await signedUp(browser, 'Fay')
  const vic = await signedUp(browser, 'Vic')
  const boardId = await createBoard(fay, 'Shop journey')
  await join(vic, await inviteLink(fay, boardId, 'voter'))
  await openBoard(fay, boardId)
  const page = fay.page
  await page.evaluate(() => {
    window.refinery!.editor.setCamera({ x: 100, y: 150, z: 0.5 })
  })

  // Two journey steps: one from the toolbar, one with its shortcut; each lands on the steps' row.
  const browse = await drop(page, 'toolbar', 'journey-step', { x: 120, y: 50 })
  await page.getByLabel('Title').fill('Browse')
  await page.getByLabel('Description').fill('Find something to buy')
  const pay = await drop(page, 'shortcut', 'journey-step', { x: 380, y: 260 })
  await page.getByLabel('Title').fill('Pay')
  expect([browse.x, browse.y, pay.x, pay.y]).toEqual([0, 0, 260, 0])

  // Two release slices, lined up under the steps, behind everything.
  await drop(page, 'toolbar', 'release-slice', { x: 500, y: 340 })
  await page.getByLabel('Name').fill('MVP')
  await drop(page, 'shortcut', 'release-slice', { x: 500, y: 760 })
  await page.getByLabel('Name').fill('Later')
  await page.evaluate(() => {
    const editor = window.refinery!.editor
    for (const slice of editor.getCurrentPageShapes()) {
      if ((slice.type as string) !== 'release-slice') continue
      editor.updateShape({ id: slice.id, type: slice.type, x: -20, props: { w: 540 } } as any)
    }
  })
  const order = await page.evaluate(() =>
    window.refinery!.editor.getCurrentPageShapesSorted().map((shape) => shape.type),
  )
  expect(order.slice(0, 2)).toEqual(['release-slice', 'release-slice'])

  // Four cards. The first gets every field through the panel.
  const search = await drop(page, 'toolbar', 'story-card', { x: 120, y: 300 })
  await page.getByLabel('Title').fill('Search products')
  await page.getByLabel('As a').fill('shopper')
  await page.getByLabel('I want').fill('to search the catalogue by name')
  await page.getByLabel('So that').fill('I find what I came for')
  await page.getByRole('button', { name: '+ Add criterion' }).click()
  await page.keyboard.type('Shows matches as I type')
  await page.keyboard.press('Enter')
  await page.keyboard.type('Says so when nothing matches')
  await page.getByLabel('Estimate').fill('3')
  await page.getByLabel('MoSCoW').selectOption('must')
  await page.getByLabel(/^Labels/).fill('search, catalog,')
  await page.getByLabel(/^Labels/).press('Escape')
  const searchProps = await page.evaluate(
    (id) => window.refinery!.editor.getShape(id as never)?.props,
    search.id,
  )
  expect(searchProps).toMatchObject({
    title: 'Search products',
    asA: 'shopper',
    iWant: 'to search the catalogue by name',
    soThat: 'I find what I came for',
    acceptance: ['Shows matches as I type', 'Says so when nothing matches'],
    estimate: 3,
    moscow: 'must',
    labels: ['search', 'catalog'],
  })

  // Dropped on the same spot, the next card of the column snaps under the first, at the step's left edge.
  const filter = await drop(page, 'shortcut', 'story-card', { x: 150, y: 300 })
  await page.getByLabel('Title').fill('Filter by price')
  await page.getByLabel('MoSCoW').selectOption('should')
  expect([search.x, filter.x, filter.y]).toEqual([0, 0, search.y + 150 + 20])

  const card = await drop(page, 'shortcut', 'story-card', { x: 400, y: 300 })
  await page.getByLabel('Title').fill('Pay by card')
  await page.getByLabel('MoSCoW').selectOption('must')
  await page.getByLabel('Estimate').fill('5')
  expect(card.x).toBe(260)

  await drop(page, 'shortcut', 'story-card', { x: 400, y: 800 })
  await page.getByLabel('Title').fill('Pay later')
  await page.getByLabel('MoSCoW').selectOption('could')
  await page.getByLabel('Title').press('Escape')

  // The voter sees the map without editing tools, and votes through the card panel.
  await openBoard(vic, boardId)
  const voter = vic.page
  await expect(voter.getByTestId('tools.story-card')).toHaveCount(0)
  await expect.poll(async () => (await shapes(voter)).length).toBe(8)
  const select = async (id: string) => {
    const centre = await shapeCentreOnScreen(voter, id)
    await voter.mouse.click(centre.x, centre.y)
    await expect(voter.getByTestId('story-map-panel')).toBeVisible()
  }
  await expect(voter.getByTestId('dots-left')).toHaveText('5 of 5 dots left')

  await select(card.id)
  await expect(voter.getByLabel('Title')).toHaveCount(0)
  await voter.getByTestId('vote-add').click()
  await expect(voter.getByTestId('my-dots-on-card')).toHaveText('1')
  await voter.getByTestId('vote-add').click()
  await expect(voter.getByTestId('my-dots-on-card')).toHaveText('2')

  await select(search.id)
  await voter.getByTestId('vote-add').click()
  await expect(voter.getByTestId('dots-left')).toHaveText('2 of 5 dots left')

  // Past the budget, the server says no and the panel says why; dots taken back are free again.
  await select(filter.id)
  await voter.getByTestId('vote-add').click()
  await expect(voter.getByTestId('my-dots-on-card')).toHaveText('1')
  await voter.getByTestId('vote-add').click()
  await expect(voter.getByTestId('dots-left')).toHaveText('0 of 5 dots left')
  await voter.getByTestId('vote-add').click()
  await expect(voter.getByTestId('vote-error')).toContainText('You have used all 5 of your dots')
  await voter.getByTestId('vote-remove').click()
  await expect(voter.getByTestId('my-dots-on-card')).toHaveText('1')
  await voter.getByTestId('vote-remove').click()
  await expect(voter.getByTestId('my-dots-on-card')).toHaveText('0')
  await expect(voter.getByTestId('dots-left')).toHaveText('2 of 5 dots left')

  // Everyone sees the totals on the cards, live.
  const dotsOn = (id: string) => page.locator(`[data-shape-id="${id}"] .story-card__dots`)
  await expect(dotsOn(card.id)).toHaveAttribute('data-dots', '2')
  await expect(dotsOn(search.id)).toHaveAttribute('data-dots', '1')
  await expect(dotsOn(filter.id)).toHaveCount(0)
  await expect(voter.locator(`[data-shape-id="${card.id}"] .story-card__dots`)).toHaveAttribute(
    'data-dots',
    '2',
  )
  // The final board, with the first card's panel open beside it.
  await page.evaluate((id) => {
    window.refinery!.editor.select(id as never).zoomToFit()
  }, search.id)
  await testInfo.attach('board', { body: await page.screenshot(), contentType: 'image/png' })

  // The owner opens the backlog from the board: by release, then MoSCoW, then dots.
  const expected = ['Pay by card', 'Search products', 'Filter by price', 'Pay later']
  await page.getByTestId('backlog-link').click()
  await expect(page).toHaveURL(new RegExp(`/b/${boardId}/backlog$`))
  await expect.poll(() => backlogTitles(page)).toEqual(expected)
  await expect(page.getByTestId('backlog-release')).toHaveText([/^MVP/, /^Later/])

  // Finishing keeps a named version with the same order.
  await page.getByTestId('finish-board').click()
  await page.getByTestId('version-name').fill('Sprint 1 plan')
  await page.getByTestId('finish-confirm').click()
  await expect(page.getByTestId('finished-notice')).toContainText('Sprint 1 plan')
  await page.getByTestId('version-link').filter({ hasText: 'Sprint 1 plan' }).click()
  await expect(page).toHaveURL(/\?version=/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sprint 1 plan')
  await expect.poll(() => backlogTitles(page)).toEqual(expected)
  await testInfo.attach('backlog', {
    body: await page.screenshot({ fullPage: true }),
    contentType: 'image/png',
  })

  // The version's CSV download lists the stories in the same order.
  const csvHref = await page.getByTestId('download-csv').getAttribute('href')
  expect(csvHref).toContain('/versions/')
  const csv = await page.request.get(csvHref ?? '')
  expect(csv.status()).toBe(200)
  const [header, ...rows] = parseCsv(await csv.text())
  const type = header?.indexOf('Issue Type') ?? -1
  const summary = header?.indexOf('Summary') ?? -1
  const stories = rows.filter((row) => row[type] === 'Story').map((row) => row[summary])
  expect(stories).toEqual(expected)

  // The voter reads the finished backlog too, and an item opens the board on its card.
  await voter.goto(`/b/${boardId}/backlog`)
  await expect(voter.getByTestId('finish-board')).toHaveCount(0)
  await expect.poll(() => backlogTitles(voter)).toEqual(expected)
  await voter.getByRole('link', { name: 'Search products' }).click()
  await expect(voter).toHaveURL(new RegExp(`/b/${boardId}\\?card=`))
  await expect(voter.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected')
  await expect
    .poll(() => voter.evaluate(() => window.refinery!.editor.getSelectedShapeIds()))
    .toEqual([search.id])
  await expect(voter.getByTestId('story-map-panel').getByRole('heading', { level: 2 })).toHaveText(
    'Search products',
  )
  await expect(voter.getByTestId('card-dots-total')).toHaveAttribute('data-dots', '1')

  // The owner too, after the votes changed: reopening the board must not look like forging votes.
  await page.goto(`/b/${boardId}/backlog`)
  await page.getByRole('link', { name: 'Pay by card' }).click()
  await expect(page).toHaveURL(new RegExp(`/b/${boardId}\\?card=`))
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected')
  await page.evaluate(() => {
    window.refinery?.editor.createShape({ type: 'geo', x: -400, y: -400, props: { w: 40, h: 40 } })
  })
  await expect.poll(async () => (await shapes(voter)).some((shape) => shape.type === 'geo')).toBe(true)
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected')

  await fay.context.close()
  await vic.context.close()
})

test('the backlog page says plainly when someone must sign in or is not on the board', async ({
  browser,
}) => {
  const owner = await signedUp(browser, 'Olga')
  const boardId = await createBoard(owner, 'Private map')

  const stranger = await signedUp(browser, 'Sam')
  await stranger.page.goto(`/b/${boardId}/backlog`)
  await expect(stranger.page.getByTestId('backlog-not-found')).toContainText(
    'This board does not exist or you are not a member of it',
  )

  const visitor = await browser.newContext()
  const page = await visitor.newPage()
  await page.goto(`/b/${boardId}/backlog`)
  await expect(page.getByTestId('backlog-sign-in').getByRole('link', { name: 'Sign in' })).toHaveAttribute(
    'href',
    `/signin?next=${encodeURIComponent(`/b/${boardId}/backlog`)}`,
  )

  await owner.page.goto(`/b/${boardId}/backlog`)
  await expect(owner.page.getByTestId('backlog-empty')).toBeVisible()
  await expect(owner.page.getByTestId('back-to-board')).toHaveAttribute('href', `/b/${boardId}`)

  for (const context of [owner.context, stranger.context, visitor]) await context.close()
})
