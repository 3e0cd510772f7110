// `pnpm bench:browser`: what a person sees in their tab, Refinery's built app against tldraw's own
// multiplayer (`@tldraw/sync`'s `useSync` on an in-memory `TLSocketRoom`, sync-server.mjs) and a bare
// tldraw page with no sync (the floor), in the system Chromium, headless. Every figure is taken for
// each side in turn. Prints one JSON line per figure ({"name", "value", "unit"}, plus "note"), progress
// on stderr, and writes the table to bench/BROWSER.md.
//
// BENCH_BROWSER_SHAPES=300, BENCH_BROWSER_WRITERS=4, BENCH_BROWSER_SECONDS=5 and
// BENCH_BROWSER_TYPED=20, BENCH_BROWSER_VISITS=1 shrink the run (for working on the bench; BROWSER.md then says so);
// BENCH_BROWSER_SKIP=typing,smoothness skips sections (visits, smoothness, typing);
// BENCH_BROWSER_SIDES=refinery runs only those sides (refinery, tldraw, bare);
// BENCH_BROWSER_PROFILE=returning_visit profiles Refinery's page during that figure (see profiling),
// BENCH_BROWSER_PROFILE_SIDE=bare another side's; BENCH_BROWSER_HEAP_SNAPSHOT=name writes a heap
// snapshot of every tab whose heap is taken to bench/out/profiles/name-N.heapsnapshot; with
// BENCH_BROWSER_TRACE=1 the profile is a Chromium trace instead (main thread and compile threads);
// BENCH_BROWSER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=out/profiles") is given to Refinery's server.
import { fork, spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { chromium } from 'playwright'
import { percentile } from '../clients.mjs'
import { reporter } from '../results.mjs'
import {
  cpuAccount,
  createBoard,
  freePort,
  loadAverage,
  otherProcessesLoad,
  ownProcessTree,
  processStats,
  signUp,
  startRefinery,
  stopper,
  waitUntilUp,
} from '../server.mjs'
import { ratios, writeBrowserResults } from './results.mjs'
import { cardId, moverCard, moveShown } from './shapes.mjs'

const CLIENT_DIST = new URL('../../client/dist', import.meta.url).pathname
const WRITERS = new URL('./writers.mjs', import.meta.url).pathname
const SYNC_SERVER = new URL('./sync-server.mjs', import.meta.url).pathname
const PROFILE_DIR = new URL('../out/profiles', import.meta.url).pathname
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
]
const VIEWPORT = { width: 1280, height: 720 }

const small = (name) => process.env[`BENCH_BROWSER_${name}`]?.split(',').map(Number)
export const SIZES = {
  visitShapes: small('SHAPES') ?? [1000, 5000],
  smoothShapes: small('SHAPES')?.[0] ?? 200,
  writers: small('WRITERS')?.[0] ?? 20,
  rate: 10,
  seconds: small('SECONDS')?.[0] ?? 20,
  typed: small('TYPED')?.[0] ?? 200,
  visits: small('VISITS')?.[0] ?? 3,
  typingIntervalMs: 100,
}
const partial = ['SHAPES', 'WRITERS', 'SECONDS', 'TYPED', 'VISITS', 'SKIP', 'SIDES'].some(
  (n) => process.env[`BENCH_BROWSER_${n}`],
)
const skip = new Set(process.env.BENCH_BROWSER_SKIP?.split(',').filter(Boolean))

const runStarted = performance.now()
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const progress = (message) =>
  process.stderr.write(
    `[bench:browser ${((performance.now() - runStarted) / 1000).toFixed(0).padStart(4)} s] ${message}\n`,
  )
const figures = new Map()
const report = reporter(figures)

/** Runs one scenario of writers.mjs in a fresh process; `onMark` as in run.mjs's runClients. */
function runWriters(scenario, onMark) {
  return new Promise((resolve, reject) => {
    const child = fork(WRITERS, [], { stdio: ['ignore', 2, 2, 'ipc'] })
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000)
    child.on('message', (message) => {
      if (message.mark) onMark?.(message, child)
      else if (message.result) resolve(message.result)
      else if (message.error) reject(new Error(message.error.split('\n')[0]))
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`writers exited with ${code}`))
    })
    child.send(scenario)
  })
}

async function startTldrawSync() {
  const port = await freePort()
  const child = spawn(process.execPath, [SYNC_SERVER, String(port)], {
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const http = `http://127.0.0.1:${port}`
  await waitUntilUp(`${http}/stats`, child, 'tldraw sync server')
  return { http, child, ...processStats(child.pid), stop: stopper(child) }
}

// ---------------------------------------------------------------------------------------------------
// The sides: each opens a board of `shapes` geo cards and answers the URL that shows it.

let rooms = 0
function sides({ refinery, refineryCookie, tldraw }) {
  return {
    refinery: {
      server: refinery,
      async board(shapes) {
        const room = await createBoard(refinery, refineryCookie)
        const target = { kind: 'refinery', ws: refinery.ws, origin: refinery.origin, cookie: refineryCookie }
        await runWriters({ kind: 'seed', target, room, shapes })
        return { url: `${refinery.origin}/b/${room}`, writers: { side: 'refinery', target, room } }
      },
    },
    tldraw: {
      server: tldraw,
      async board(shapes) {
        const room = `room-${++rooms}`
        await fetch(`${tldraw.http}/rooms/${room}?shapes=${shapes}`, { method: 'POST' })
        return {
          url: `${tldraw.http}/sync.html?room=${room}`,
          writers: { side: 'tldraw', uri: `${tldraw.http.replace('http', 'ws')}/connect/${room}` },
        }
      },
    },
    bare: {
      async board(shapes) {
        return { url: `${tldraw.http}/bare.html?shapes=${shapes}` }
      },
    },
  }
}

/** A person's own browser context, signed in to Refinery (the bench user's session cookie). */
async function newPerson(browser, { refinery, refineryCookie }) {
  const context = await browser.newContext({ viewport: VIEWPORT })
  const [name, value] = refineryCookie.split('=')
  await context.addCookies([{ name, value, url: refinery.origin }])
  const page = await context.newPage()
  page.on('pageerror', (error) => progress(`page error: ${error.message}`))
  return { context, page }
}

/**
 * Milliseconds from the navigation's start until the page holds a rendered shape element for each of
 * the board's `shapes` cards (tldraw mounts one per shape on the page, culled ones hidden).
 */
async function visit(page, url, shapes) {
  await page.goto(url)
  const handle = await page.waitForFunction(
    (count) => {
      const rendered = document.querySelectorAll('.tl-shape[data-shape-type="geo"]').length
      // When the first shape is on the page: what comes before it is loading, what comes after drawing.
      if (rendered > 0) window.benchFirstShape ??= performance.now()
      const mark = (name) => performance.getEntriesByName(name)[0]?.startTime ?? null
      return (
        rendered >= count && {
          ms: performance.now(),
          firstShape: window.benchFirstShape,
          // Refinery's page marks when its board is in tldraw's store (boardSession.ts).
          bound: mark('refinery:board-bound'),
          synced: mark('refinery:synced'),
          // The page's boot: its scripts run (DOMContentLoaded), and each script, style sheet and API request, [start, end].
          booted: performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? null,
          requests: Object.fromEntries(
            performance
              .getEntriesByType('resource')
              .filter((entry) => /\/api\/|\.(js|css)$/.test(entry.name))
              .map((entry) => [
                new URL(entry.name).pathname,
                [Math.round(entry.startTime), Math.round(entry.responseEnd)],
              ]),
          ),
        }
      )
    },
    shapes,
    { polling: 'raf', timeout: 120_000 },
  )
  return handle.jsonValue()
}

let snapshots = 0

/** The tab's JS heap in MiB after a full garbage collection (CDP), i.e. what the page keeps. */
async function heapMiB(page) {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('HeapProfiler.collectGarbage')
  const { usedSize } = await cdp.send('Runtime.getHeapUsage')
  if (process.env.BENCH_BROWSER_HEAP_SNAPSHOT) {
    const chunks = []
    cdp.on('HeapProfiler.addHeapSnapshotChunk', ({ chunk }) => chunks.push(chunk))
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false })
    mkdirSync(PROFILE_DIR, { recursive: true })
    writeFileSync(
      `${PROFILE_DIR}/${process.env.BENCH_BROWSER_HEAP_SNAPSHOT}-${++snapshots}.heapsnapshot`,
      chunks.join(''),
    )
  }
  await cdp.detach()
  return usedSize / 2 ** 20
}

/**
 * With BENCH_BROWSER_PROFILE naming a figure (first_visit, returning_visit, smoothness, typing): a CPU
 * profile of Refinery's page while it is taken, in bench/out/profiles, and its heaviest functions by
 * self time on stderr. Method names survive the build's minifying, which is what makes them readable.
 */
async function profiling(page, figure, id, visiting) {
  const side = process.env.BENCH_BROWSER_PROFILE_SIDE ?? 'refinery'
  if (process.env.BENCH_BROWSER_PROFILE !== figure || id !== side) return async () => undefined
  // Before a visit, a page of the same origin that is not the app (no service worker): the renderer
  // profiled is then the one that loads the board.
  if (visiting) await page.goto(new URL(side === 'refinery' ? '/api/health' : '/stats', visiting).href)
  if (process.env.BENCH_BROWSER_TRACE) {
    const browser = page.context().browser()
    mkdirSync(PROFILE_DIR, { recursive: true })
    const path = `${PROFILE_DIR}/trace-${figure}-${id}.json`
    await browser.startTracing(page, {
      path,
      categories: [
        'devtools.timeline',
        'v8',
        'v8.execute',
        'disabled-by-default-v8.compile',
        'blink',
        'loading',
        'toplevel',
        'disabled-by-default-devtools.timeline',
      ],
    })
    return async () => {
      await browser.stopTracing()
      progress(`trace of ${figure} in ${path}`)
    }
  }
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.setSamplingInterval', { interval: 250 })
  await cdp.send('Profiler.start')
  return async () => {
    const { profile } = await cdp.send('Profiler.stop')
    await cdp.detach()
    mkdirSync(PROFILE_DIR, { recursive: true })
    const file = `${PROFILE_DIR}/browser-${figure}${id === 'refinery' ? '' : `-${id}`}.cpuprofile`
    writeFileSync(file, JSON.stringify(profile))
    const intervals = profile.timeDeltas
    const selfMs = new Map()
    const byId = new Map(profile.nodes.map((node) => [node.id, node]))
    profile.samples.forEach((nodeId, i) => {
      const { functionName, url, lineNumber, columnNumber } = byId.get(nodeId).callFrame
      const where = `${functionName || '(anonymous)'} ${url.split('/').pop()}:${lineNumber + 1}:${columnNumber + 1}`
      selfMs.set(where, (selfMs.get(where) ?? 0) + (intervals[i + 1] ?? 0) / 1000)
    })
    const top = [...selfMs].sort((a, b) => b[1] - a[1]).slice(0, 15)
    progress(
      `profile of ${figure} in ${file}; self time:\n${top.map(([where, ms]) => `  ${ms.toFixed(0).padStart(6)} ms  ${where}`).join('\n')}`,
    )
  }
}

// ---------------------------------------------------------------------------------------------------
// 1 and 2: first and returning visit.

async function visitFigures(browser, setup, all) {
  const median = (values) =>
    percentile(
      [...values].sort((a, b) => a - b),
      50,
    )
  for (const shapes of SIZES.visitShapes) {
    for (const [id, side] of Object.entries(all)) {
      const name = `${id}.visit.${shapes}`
      try {
        const { url } = await side.board(shapes)
        const first = []
        const returning = []
        const bound = []
        let heaps = {}
        for (let i = 0; i < SIZES.visits; i++) {
          const person = await newPerson(browser, setup)
          const last = i === SIZES.visits - 1
          let profiled = last ? await profiling(person.page, 'first_visit', id, url) : async () => undefined
          const firstVisit = await visit(person.page, url, shapes)
          first.push(firstVisit.ms)
          progress(`${id} first visit: ${JSON.stringify(firstVisit)}`)
          await profiled()
          if (last) heaps.first = await heapMiB(person.page)
          if (id !== 'bare') {
            // Leave time for the tab's storage (Refinery: its IndexedDB copy) to be written, then come back.
            await sleep(2000)
            await person.page.close()
            person.page = await person.context.newPage()
            profiled = last ? await profiling(person.page, 'returning_visit', id, url) : async () => undefined
            const again = await visit(person.page, url, shapes)
            await profiled()
            returning.push(again.ms)
            if (again.bound !== null) bound.push(again.bound)
            if (last) heaps.returning = await heapMiB(person.page)
          }
          await person.context.close()
        }
        report(`${name}.first_ms`, median(first), 'ms', `median of ${first.map(fmt).join(', ')}`)
        report(`${name}.first_heap`, heaps.first, 'MiB')
        if (id !== 'bare') {
          report(
            `${name}.returning_ms`,
            median(returning),
            'ms',
            `median of ${returning.map(fmt).join(', ')}${id === 'tldraw' ? '; no local copy: loads from the server again, with the HTTP cache warm' : ''}`,
          )
          report(`${name}.returning_heap`, heaps.returning, 'MiB')
        }
        if (bound.length > 0) report(`${name}.returning_bound_ms`, median(bound), 'ms')
        progress(
          `${id} ${shapes} shapes: first visit ${first.map(fmt).join(', ')} ms, returning ${returning.map(fmt).join(', ') || '-'} ms${bound.length ? `, board in the store at ${bound.map(fmt).join(', ')} ms` : ''}`,
        )
        heaps = {}
      } catch (error) {
        progress(`${name} failed: ${error.stack}`)
        report(`${name}.first_ms`, null, 'ms', String(error.message).slice(0, 200))
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// 3 and 5: smoothness while writers move cards, and the server's CPU and RSS meanwhile.

/** In the observer page: frame times, long tasks, and when each mover's card shows which move. */
function watchPage(movers) {
  const frames = []
  const longTasks = []
  const shown = []
  let last = performance.now()
  let watching = true
  const frame = (now) => {
    frames.push(now - last)
    last = now
    if (watching) requestAnimationFrame(frame)
  }
  requestAnimationFrame(frame)
  const tasks = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longTasks.push(entry.duration)
  })
  tasks.observe({ type: 'longtask' })
  const writerOf = new Map(movers.map((id, w) => [id, w]))
  // tldraw writes a shape's page transform straight onto its element's style.
  const styles = new MutationObserver((records) => {
    const at = performance.timeOrigin + performance.now()
    for (const record of records) {
      const w = writerOf.get(record.target.dataset?.shapeId)
      if (w === undefined) continue
      const matrix = /matrix\(([^)]+)\)/.exec(record.target.style.transform)
      if (!matrix) continue
      const [, , , , x, y] = matrix[1].split(',').map(Number)
      shown.push([w, x, y, at])
    }
  })
  styles.observe(document.body, { attributes: true, attributeFilter: ['style'], subtree: true })
  window.benchWatch = {
    stop() {
      watching = false
      tasks.disconnect()
      styles.disconnect()
      return { frames: frames.slice(1), longTasks, shown }
    },
  }
}

async function smoothnessFigures(browser, setup, all) {
  const shapes = SIZES.smoothShapes
  const movers = Array.from({ length: SIZES.writers }, (_, w) => cardId(moverCard(w)))
  for (const id of ['refinery', 'tldraw']) {
    const side = all[id]
    const name = `${id}.smooth`
    try {
      const board = await side.board(shapes)
      const observer = await newPerson(browser, setup)
      await visit(observer.page, board.url, shapes)
      await sleep(1000)
      const { server } = side
      let measuring = null
      const profiled = await profiling(observer.page, 'smoothness', id)
      const rss = []
      let sampling
      const { sent } = await runWriters(
        { kind: 'move', ...board.writers, writers: SIZES.writers, rate: SIZES.rate, seconds: SIZES.seconds },
        async (_message, child) => {
          await observer.page.evaluate(watchPage, movers)
          measuring = { cpu: server.cpuSeconds(), at: performance.now() }
          sampling = setInterval(() => rss.push(server.rssBytes()), 250)
          child.send({ go: true })
        },
      )
      clearInterval(sampling)
      const cpu = (server.cpuSeconds() - measuring.cpu) / ((performance.now() - measuring.at) / 1000)
      const seen = await observer.page.evaluate(() => window.benchWatch.stop())
      await profiled()
      await observer.context.close()

      const frames = Float64Array.from(seen.frames).sort()
      const latencies = []
      const counted = new Set()
      for (const [w, x, y, at] of seen.shown) {
        const seq = moveShown(w, x, y)
        if (seq === null || sent[w][seq] === undefined || counted.has(`${w}:${seq}`)) continue
        counted.add(`${w}:${seq}`)
        latencies.push(at - sent[w][seq])
      }
      const sortedLatencies = Float64Array.from(latencies).sort()
      const moves = SIZES.writers * SIZES.rate * SIZES.seconds
      report(`${name}.frame_p50`, percentile(frames, 50), 'ms')
      report(`${name}.frame_p95`, percentile(frames, 95), 'ms')
      report(`${name}.frame_p99`, percentile(frames, 99), 'ms')
      report(`${name}.long_tasks`, seen.longTasks.length, 'tasks')
      report(
        `${name}.long_task_ms`,
        seen.longTasks.reduce((sum, d) => sum + d, 0),
        'ms',
      )
      report(`${name}.latency_p50`, percentile(sortedLatencies, 50), 'ms')
      report(`${name}.latency_p99`, percentile(sortedLatencies, 99), 'ms')
      report(`${name}.moves_shown`, (counted.size / moves) * 100, '%')
      report(`${name}.server_cpu`, cpu * 100, '%')
      report(`${name}.server_rss_peak`, Math.max(...rss) / 2 ** 20, 'MiB')
      progress(
        `${id} smoothness: frames p50/p95/p99 ${fmt(percentile(frames, 50))}/${fmt(percentile(frames, 95))}/${fmt(percentile(frames, 99))} ms, ${seen.longTasks.length} long tasks, change→DOM p50/p99 ${fmt(percentile(sortedLatencies, 50))}/${fmt(percentile(sortedLatencies, 99))} ms (${counted.size}/${moves} moves shown), server CPU ${fmt(cpu * 100)} %`,
      )
    } catch (error) {
      progress(`${name} failed: ${error.stack}`)
      report(`${name}.frame_p95`, null, 'ms', String(error.message).slice(0, 200))
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// 4: typing, keystroke by keystroke, from one person's page to another's.

const TYPED_ID = 'shape:typing'
/** Letters only: a card shows its title trimmed, so a space would show only with the next letter. */
const typedText = (count) =>
  Array.from({ length: count }, (_, i) => 'abcdefghijklmnopqrstuvwxyz'[i % 26]).join('')

/**
 * Where each side's person types, made in the typist's page: a story card's Title field in
 * Refinery's panel (a `Y.Text` in the document), a text shape in tldraw; and what the observer's
 * page shows of it.
 */
const TYPING = {
  refinery: {
    shown: `.tl-shape[data-shape-id="${TYPED_ID}"] .story-card__title`,
    async focus(page) {
      await page.evaluate((id) => {
        const { editor } = window.refinery
        editor.createShape({ id, type: 'story-card', x: 300, y: 200, props: { title: 'T' } })
        editor.setSelectedShapes([id])
      }, TYPED_ID)
      const title = page.getByTestId('story-map-panel').getByLabel('Title')
      await title.click()
      await title.press('End')
    },
  },
  tldraw: {
    shown: `.tl-shape[data-shape-id="${TYPED_ID}"]`,
    async focus(page) {
      const centre = await page.evaluate((id) => {
        const { editor } = window.bench
        const richText = {
          type: 'doc',
          content: [{ type: 'paragraph', content: [{ type: 'text', text: 'T' }] }],
        }
        editor.createShape({ id, type: 'text', x: 300, y: 200, props: { richText } })
        return editor.pageToScreen(editor.getShapePageBounds(id).center)
      }, TYPED_ID)
      // A double click edits the text shape, with its text selected: End puts the caret after it.
      await page.mouse.dblclick(centre.x, centre.y)
      await page.waitForFunction(() => document.activeElement?.isContentEditable)
      await page.keyboard.press('End')
    },
  },
}

/** In the observer page: when the shown text first grew by 1, 2, … characters (wall clock). */
function watchText(selector) {
  const element = document.querySelector(selector)
  const base = element.textContent.length
  const grown = []
  const watcher = new MutationObserver(() => {
    const at = performance.timeOrigin + performance.now()
    for (let k = grown.length + 1; k <= element.textContent.length - base; k++) grown.push(at)
  })
  watcher.observe(element, { characterData: true, childList: true, subtree: true })
  window.benchText = {
    stop() {
      watcher.disconnect()
      return grown
    },
  }
}

async function typingFigures(browser, setup, all) {
  const text = typedText(SIZES.typed)
  for (const id of ['refinery', 'tldraw']) {
    const name = `${id}.typing`
    try {
      const board = await all[id].board(SIZES.smoothShapes)
      const typist = await newPerson(browser, setup)
      const observer = await newPerson(browser, setup)
      await visit(typist.page, board.url, SIZES.smoothShapes)
      await visit(observer.page, board.url, SIZES.smoothShapes)
      await TYPING[id].focus(typist.page)
      await observer.page.waitForSelector(TYPING[id].shown)
      await sleep(1000)
      await observer.page.evaluate(watchText, TYPING[id].shown)
      const profiled = await profiling(observer.page, 'typing', id)
      await typist.page.evaluate(() => {
        window.benchKeys = []
        addEventListener(
          'keydown',
          () => window.benchKeys.push(performance.timeOrigin + performance.now()),
          true,
        )
      })
      await typist.page.keyboard.type(text, { delay: SIZES.typingIntervalMs })
      await sleep(2000)
      const typed = await typist.page.evaluate(() => window.benchKeys)
      const shown = await observer.page.evaluate(() => window.benchText.stop())
      await profiled()
      await typist.context.close()
      await observer.context.close()
      const latencies = Float64Array.from(shown, (at, k) => at - typed[k]).sort()
      const note =
        shown.length < text.length ? `${shown.length} of ${text.length} characters arrived` : undefined
      report(`${name}.latency_p50`, percentile(latencies, 50), 'ms', note)
      report(`${name}.latency_p99`, percentile(latencies, 99), 'ms', note)
      progress(
        `${id} typing: ${shown.length}/${text.length} characters, latency p50 ${fmt(percentile(latencies, 50))} p99 ${fmt(percentile(latencies, 99))} ms`,
      )
    } catch (error) {
      progress(`${name} failed: ${error.stack}`)
      report(`${name}.latency_p50`, null, 'ms', String(error.message).slice(0, 200))
    }
  }
}

function fmt(value) {
  return value === null || value === undefined ? '-' : value.toFixed(1)
}

// ---------------------------------------------------------------------------------------------------

const cpuAtStart = cpuAccount()
const ownTree = ownProcessTree()
const loadAtStart = loadAverage()
// The browser first: when it cannot start (no Chromium), no server is left running behind.
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: CHROMIUM_ARGS,
})
const refinery = await startRefinery(
  { CLIENT_DIST },
  { nodeArgs: process.env.BENCH_BROWSER_NODE_ARGS?.split(' ').filter(Boolean) ?? [] },
)
const tldraw = await startTldrawSync()
try {
  const setup = { refinery, refineryCookie: await signUp(refinery), tldraw }
  const only = process.env.BENCH_BROWSER_SIDES?.split(',')
  const all = only
    ? Object.fromEntries(Object.entries(sides(setup)).filter(([id]) => only.includes(id)))
    : sides(setup)
  if (!skip.has('visits')) await visitFigures(browser, setup, all)
  if (!skip.has('smoothness')) await smoothnessFigures(browser, setup, all)
  if (!skip.has('typing')) await typingFigures(browser, setup, all)
} finally {
  await browser.close()
  await refinery.stop()
  await tldraw.stop()
}
for (const [name, ratio] of ratios(figures)) report(name, ratio, 'x')
const totalSeconds = (performance.now() - runStarted) / 1000
progress(`done in ${totalSeconds.toFixed(0)} s`)
const path = writeBrowserResults({
  figures,
  sizes: SIZES,
  totalSeconds,
  load: { loadAtStart, ...otherProcessesLoad(cpuAtStart, totalSeconds, ownTree) },
  partial,
  chromium: browser.version(),
})
progress(`wrote ${path}`)
process.exit(0)
