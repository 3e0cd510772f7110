import { randomBytes } from 'node:crypto'
import { crc32, deflateSync } from 'node:zlib'
import { type Browser, expect, type Page } from '@playwright/test'
import { createBoard, expectConnected, openBoard, signedUp, twoPeopleOnABoard } from './board'
import { test } from './fixtures'

/** Issue 15: images live on the server, not in the document. */

/** A PNG of `width` × `height` RGB pixels: all one colour, or noise (which does not compress: a file of a known size). */
function png(width: number, height: number, fill: [number, number, number] | 'noise'): Buffer {
  const row = 1 + width * 3
  const pixels = fill === 'noise' ? randomBytes(row * height) : Buffer.alloc(row * height)
  for (let y = 0; y < height; y++) {
    pixels[y * row] = 0 // no filter
    if (fill === 'noise') continue
    for (let x = 0; x < width; x++) pixels.set(fill, y * row + 1 + x * 3)
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
    const length = Buffer.alloc(4)
    length.writeUInt32BE(data.length)
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(body))
    return Buffer.concat([length, body, crc])
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header.set([8, 2, 0, 0, 0], 8) // 8 bits per channel, RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(pixels, { level: fill === 'noise' ? 0 : 6 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

const RED: [number, number, number] = [224, 49, 49]

/**
 * Pastes a file as a person's Ctrl+V would: a paste event whose clipboard holds it. Answers the
 * page's clock at the paste.
 */
async function paste(page: Page, file: Buffer, name = 'screenshot.png', type = 'image/png'): Promise<number> {
  await page.locator('.tl-canvas').click({ position: { x: 40, y: 600 } })
  return page.evaluate(
    ({ base64, name, type }) => {
      const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0))
      const clipboardData = new DataTransfer()
      clipboardData.items.add(new File([bytes], name, { type }))
      const pastedAt = Date.now()
      document.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true }))
      return pastedAt
    },
    { base64: file.toString('base64'), name, type },
  )
}

/** Drops a file onto the canvas as dragging it from the desktop would. */
async function drop(page: Page, file: Buffer, name = 'photo.png'): Promise<void> {
  await page.evaluate(
    ({ base64, name }) => {
      const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0))
      const dataTransfer = new DataTransfer()
      dataTransfer.items.add(new File([bytes], name, { type: 'image/png' }))
      const canvas = document.querySelector('.tl-canvas')
      if (!canvas) throw new Error('no canvas')
      canvas.dispatchEvent(
        new DragEvent('drop', { dataTransfer, clientX: 640, clientY: 400, bubbles: true, cancelable: true }),
      )
    },
    { base64: file.toString('base64'), name },
  )
}

/** The image asset records as the page's Yjs document holds them (what the server stores and relays). */
function assetsInDocument(page: Page) {
  return page.evaluate(() => {
    const { ydoc } = window.refinery as unknown as {
      ydoc: { getMap(name: string): Map<string, { toJSON(): Record<string, unknown> }> }
    }
    return [...ydoc.getMap('records').entries()]
      .filter(([id]) => id.startsWith('asset:'))
      .map(([id, record]) => {
        const { props } = record.toJSON() as { props: { src: string | null; w: number; h: number } }
        return { id, src: props.src, w: props.w, h: props.h }
      })
  })
}

/** The images the page's canvas shows, with whether each has loaded (its pixels decoded). */
function imagesOnCanvas(page: Page) {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLImageElement>('.tl-canvas img'), (img) => ({
      src: img.getAttribute('src') ?? '',
      width: img.complete ? img.naturalWidth : 0,
    })),
  )
}

/** One person with a board of their own open, for what needs nobody else. */
async function aloneOnANewBoard(browser: Browser, title: string) {
  const alice = await signedUp(browser, 'Alice')
  const boardId = await createBoard(alice, title)
  await openBoard(alice, boardId)
  return { alice, boardId }
}

const serverSrc = (boardId: string) => new RegExp(`^/api/boards/${boardId}/assets/[0-9a-f]{64}$`)

test('an image pasted by one person shows for the other from the server, and the document holds its URL, never its bytes', async ({
  browser,
}, testInfo) => {
  const { alice, bob, boardId } = await twoPeopleOnABoard(browser)

  await paste(alice.page, png(64, 48, RED))

  // Bob's canvas shows it, loaded from the server's URL.
  await expect
    .poll(() => imagesOnCanvas(bob.page))
    .toEqual([{ src: expect.stringMatching(serverSrc(boardId)), width: 64 }])

  // Both documents hold the server's URL; no `data:` anywhere in them.
  for (const person of [alice, bob]) {
    const assets = await assetsInDocument(person.page)
    expect(assets).toEqual([
      { id: expect.any(String), src: expect.stringMatching(serverSrc(boardId)), w: 64, h: 48 },
    ])
    const records = await person.page.evaluate(() =>
      JSON.stringify(window.refinery?.editor.store.serialize('document')),
    )
    expect(records).not.toContain('data:')
  }
  await expect(alice.page.getByTestId('upload-status')).toHaveCount(0)

  // Bob exports it: tldraw fetches the image from its URL and draws it into the PNG.
  const exported = await bob.page.evaluate(async () => {
    const editor = window.refinery?.editor
    if (!editor) throw new Error('no editor')
    const [image] = editor.getCurrentPageShapes().filter((shape) => shape.type === 'image')
    if (!image) throw new Error('no image shape')
    const svg = (await editor.getSvgString([image.id], { padding: 0 }))?.svg ?? ''
    const { blob } = await editor.toImage([image.id], { format: 'png', padding: 0, background: false })
    const bitmap = await createImageBitmap(blob)
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height)
    const context = canvas.getContext('2d')
    if (!context) throw new Error('no 2d context')
    context.drawImage(bitmap, 0, 0)
    const centre = [...context.getImageData(bitmap.width / 2, bitmap.height / 2, 1, 1).data]
    return { embedsImage: /<image[^>]+href="data:image\/png;base64,/.test(svg), centre }
  })
  expect(exported).toEqual({ embedsImage: true, centre: [...RED, 255] })

  await testInfo.attach('bob', { body: await bob.page.screenshot(), contentType: 'image/png' })
  await alice.context.close()
  await bob.context.close()
})

test('an image dropped while offline shows at once for its author, waits, and reaches the others on reconnect', async ({
  browser,
}, testInfo) => {
  const { alice, bob, boardId } = await twoPeopleOnABoard(browser)

  await alice.context.setOffline(true)
  await expect(alice.page.getByTestId('connection-status')).toHaveAttribute('data-status', 'offline')
  await drop(alice.page, png(80, 60, RED))

  // Alice sees her image at once, from the file in her browser, and is told it waits.
  await expect
    .poll(() => imagesOnCanvas(alice.page))
    .toEqual([{ src: expect.stringMatching(/^blob:/), width: 80 }])
  const status = alice.page.getByTestId('upload-status')
  await expect(status).toHaveText('1 image waits for the connection')
  await expect(status).toHaveAttribute('data-phase', 'waiting')
  expect(await assetsInDocument(alice.page)).toEqual([{ id: expect.any(String), src: '', w: 80, h: 60 }])
  await testInfo.attach('alice-offline', { body: await alice.page.screenshot(), contentType: 'image/png' })

  // Still waiting a while later: it is not given up on.
  await alice.page.waitForTimeout(3000)
  await expect(status).toHaveText('1 image waits for the connection')
  expect(await imagesOnCanvas(bob.page)).toEqual([])

  await alice.context.setOffline(false)
  await expectConnected(alice.page)
  await expect
    .poll(() => imagesOnCanvas(bob.page))
    .toEqual([{ src: expect.stringMatching(serverSrc(boardId)), width: 80 }])
  await expect(status).toHaveCount(0)
  expect(await assetsInDocument(bob.page)).toEqual([
    { id: expect.any(String), src: expect.stringMatching(serverSrc(boardId)), w: 80, h: 60 },
  ])

  await alice.context.close()
  await bob.context.close()
})

test('an image pasted offline in a tab that is then reloaded still reaches the others', async ({
  browser,
}) => {
  const { alice, bob, boardId } = await twoPeopleOnABoard(browser)
  // The service worker must control the page before the network goes, so the reload can load offline.
  await alice.page.evaluate(() => navigator.serviceWorker?.ready)

  await alice.context.setOffline(true)
  await expect(alice.page.getByTestId('connection-status')).toHaveAttribute('data-status', 'offline')
  await paste(alice.page, png(72, 40, RED))
  await expect(alice.page.getByTestId('upload-status')).toHaveText('1 image waits for the connection')

  // The tab goes away before the upload; the file was kept in the browser.
  await alice.page.reload()
  await expect
    .poll(() => imagesOnCanvas(alice.page))
    .toEqual([{ src: expect.stringMatching(/^blob:/), width: 72 }])
  await expect(alice.page.getByTestId('upload-status')).toHaveText('1 image waits for the connection')

  await alice.context.setOffline(false)
  await expect
    .poll(() => imagesOnCanvas(bob.page))
    .toEqual([{ src: expect.stringMatching(serverSrc(boardId)), width: 72 }])

  await alice.context.close()
  await bob.context.close()
})

test('an image that comes as a data: URL (pasted tldraw content) goes to the server, and the document never holds its bytes', async ({
  browser,
}) => {
  const { alice, boardId } = await aloneOnANewBoard(browser, 'Data URLs')

  // Every source an asset record takes in the Yjs document, from now on.
  await alice.page.evaluate(() => {
    const { ydoc } = window.refinery as unknown as {
      ydoc: { getMap(name: string): { observeDeep(listener: () => void): void; toJSON(): object } }
    }
    const seen: string[] = []
    Object.assign(window, { sourcesSeen: seen })
    const records = ydoc.getMap('records')
    records.observeDeep(() => {
      for (const [id, record] of Object.entries(records.toJSON())) {
        if (id.startsWith('asset:')) seen.push(String((record as { props: { src: unknown } }).props.src))
      }
    })
  })
  const dataUrl = `data:image/png;base64,${png(30, 20, RED).toString('base64')}`
  await alice.page.evaluate((src) => {
    const editor = window.refinery?.editor
    if (!editor) throw new Error('no editor')
    const asset = {
      id: 'asset:pasted' as never,
      typeName: 'asset' as const,
      type: 'image' as const,
      props: { name: 'pasted.png', src, w: 30, h: 20, mimeType: 'image/png', isAnimated: false },
      meta: {},
    }
    // As tldraw's paste of copied tldraw content does: the asset with its source as it was copied.
    editor.createAssets([asset])
    editor.createShape({ type: 'image', x: 100, y: 100, props: { assetId: asset.id, w: 30, h: 20 } })
  }, dataUrl)

  await expect
    .poll(() => imagesOnCanvas(alice.page))
    .toEqual([{ src: expect.stringMatching(serverSrc(boardId)), width: 30 }])
  const seen = await alice.page.evaluate(() => (window as unknown as { sourcesSeen: string[] }).sourcesSeen)
  expect(seen.length).toBeGreaterThan(0)
  expect(seen.filter((src) => src !== '' && !serverSrc(boardId).test(src))).toEqual([])

  await alice.context.close()
})

test('an image the server will not take is not added, and the person is told why', async ({ browser }) => {
  const { alice } = await aloneOnANewBoard(browser, 'Refusals')

  // A file of another type is refused before anything is sent.
  await paste(alice.page, Buffer.from('%PDF-1.7'), 'notes.pdf', 'application/pdf')
  const refusal = alice.page.getByTestId('upload-refusal')
  const message = refusal.getByTestId('upload-refusal-message')
  await expect(message).toHaveText(
    'notes.pdf was not added. Only PNG, JPEG, GIF, WebP and SVG images can be added.',
  )
  await refusal.getByRole('button', { name: 'Dismiss' }).click()
  await expect(refusal).toHaveCount(0)

  // An image past the server's limit: the server answers 413, and the message gives both sizes.
  const large = png(2000, 1900, 'noise')
  const megabytes = (Math.ceil((large.length / 1024 / 1024) * 10) / 10).toString()
  await paste(alice.page, large, 'poster.png')
  await expect(message).toHaveText(
    `poster.png was not added. This image is ${megabytes} MB; images up to 10 MB can be added.`,
    { timeout: 30_000 },
  )
  // Nothing of it is left on the board.
  await expect.poll(() => assetsInDocument(alice.page)).toEqual([])
  expect(await imagesOnCanvas(alice.page)).toEqual([])

  await alice.context.close()
})

test('an upload under way says how far it is', async ({ browser }) => {
  const { alice, boardId } = await aloneOnANewBoard(browser, 'Progress')
  // Chromium's own network throttling: about 1 MB a second up, so the upload takes a few seconds.
  const cdp = await alice.context.newCDPSession(alice.page)
  await cdp.send('Network.enable')
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 20,
    downloadThroughput: 10_000_000,
    uploadThroughput: 1_000_000,
  })

  await paste(alice.page, png(1000, 1000, 'noise'), 'diagram.png')
  const status = alice.page.getByTestId('upload-status')
  await expect(status).toHaveAttribute('data-phase', 'uploading')
  const percents: number[] = []
  await expect
    .poll(async () => {
      const text = (await status.textContent()) ?? ''
      const percent = /^Uploading 1 image… (\d+)%$/.exec(text)?.[1]
      if (percent) percents.push(Number(percent))
      return percents.some((value) => value > 0 && value < 100)
    })
    .toBe(true)
  await expect(status).toHaveCount(0, { timeout: 30_000 })
  expect(percents).toEqual([...percents].sort((a, b) => a - b))
  await expect
    .poll(() => imagesOnCanvas(alice.page))
    .toEqual([{ src: expect.stringMatching(serverSrc(boardId)), width: 1000 }])

  await alice.context.close()
})

test('figure: how long a 5 MB image pasted by one person takes to show for another', async ({
  browser,
}, testInfo) => {
  const { alice, bob, boardId } = await twoPeopleOnABoard(browser)
  const image = png(1300, 1300, 'noise')
  expect(image.length).toBeGreaterThan(5_000_000)

  // Bob's page notes when an image from the server has loaded.
  await bob.page.evaluate(() => {
    const seen = window as unknown as { imageLoadedAt?: number }
    const watch = (img: HTMLImageElement) => {
      const note = () => {
        if (img.getAttribute('src')?.startsWith('/api/') && img.naturalWidth > 0)
          seen.imageLoadedAt ??= Date.now()
      }
      img.addEventListener('load', note)
      note()
    }
    new MutationObserver(() => document.querySelectorAll('img').forEach(watch)).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['src'],
    })
  })
  // Both pages run on this machine, so their clocks agree.
  const pastedAt = await paste(alice.page, image, 'large.png')
  await expect
    .poll(() => bob.page.evaluate(() => (window as unknown as { imageLoadedAt?: number }).imageLoadedAt), {
      timeout: 30_000,
    })
    .toBeGreaterThan(pastedAt)
  const loadedAt = await bob.page.evaluate(
    () => (window as unknown as { imageLoadedAt: number }).imageLoadedAt,
  )
  expect(await imagesOnCanvas(bob.page)).toEqual([
    { src: expect.stringMatching(serverSrc(boardId)), width: 1300 },
  ])

  const figure = {
    name: 'image_5mb_paste_to_peer_loaded',
    value: loadedAt - pastedAt,
    unit: 'ms',
    bytes: image.length,
  }
  console.log(JSON.stringify(figure))
  testInfo.annotations.push({ type: 'figure', description: JSON.stringify(figure) })

  await alice.context.close()
  await bob.context.close()
})
