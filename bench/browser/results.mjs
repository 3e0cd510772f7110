// Writes bench/BROWSER.md from the figures of one `pnpm bench:browser` run: a table per figure, the
// machine, date and load, and the issue's goals, each marked met or not.
import { writeFileSync } from 'node:fs'
import { machine, table } from '../results.mjs'
import { COLUMNS } from './shapes.mjs'

const SIDES = [
  ['refinery', 'Refinery'],
  ['tldraw', 'tldraw sync'],
  ['bare', 'bare tldraw (floor)'],
]
/**
 * What a profile of Refinery's page (BENCH_BROWSER_PROFILE) showed, and what changed for it: written
 * by hand from a run, so it names its own date.
 */
const PROFILE_FINDINGS = [
  'Written by hand from the run of 2026-12-03 (`BENCH_BROWSER_PROFILE`), on the same machine and load as the tables above.',
  '',
  "- **Smoothness, found and fixed.** The observer page's own heaviest work was tldraw's `measureHtml` (a `getBoundingClientRect`: a forced layout) under the geo shape's `getGeometry` → `getUnscaledLabelSize`, for every move that arrived. Refinery's binding built each changed record anew from Yjs, `props` included, and tldraw re-renders a shape and measures its label again whenever its props object is a new one; tldraw sync patches the record and keeps it. The binding now keeps the store's own `props` and `meta` where a remote change leaves them equal (`keepUnchangedParts`, `client/src/sync/yjsStoreBinding.ts`, with its test). 20 writers, 200 shapes, the build before → after that change, run one after the other: frame p95 116.7 → 33.4 ms, p99 200.1 → 66.6 ms, long tasks 32 → 1, change → DOM p50 79.9 → 15.1 ms and p99 562.0 → 119.2 ms, moves shown 85 % → 100 %.",
  "- **Smoothness, still lost**: frame p95 33.4 against tldraw sync's 16.8 ms. A second profile (20 writers, after the fix) shows Refinery's own share: y-indexeddb's `_storeUpdate` writes every incoming update (200 a second here) into IndexedDB in a transaction of its own, on the page's main thread: `IDBDatabase.transaction` 1.1 s and `IDBObjectStore.add` 0.5 s of the 20 s, in bursts that push frames past one vsync; tldraw sync keeps no copy in the tab. Writing the offline copy in batches (once a frame or once a second) is the fix, but it means replacing y-indexeddb's update handler: not a small change, not made here. The server's CPU (19.1 against 10.1 %: Refinery stores every move before relaying it) and RSS (its peak after the 5,000-shape visits, against an in-memory room server that stores nothing) were not profiled.",
  "- **Returning visit.** A profile of Refinery's returning visit to 5,000 shapes: the tab's time goes to tldraw drawing the board, not to loading it: garbage collection 2.6 s, `measureHtml` 1.7 s and TipTap's rich text → HTML 0.45 s (each geo label measured once), the work the bare page does too with the records already in memory. Its first visit, the floor, took 10.9 s against tldraw sync's 15.8 s first visit: no way of loading the board can make a returning visit 2× faster than that on this machine. The IndexedDB copy saves only the network, which is a small part of either visit here, so Refinery's returning visit is not faster than its first.",
  "- **Heap**: Refinery's tab holds the board twice, as the Y.Doc and as tldraw's store (1.18× tldraw sync's, at both sizes); that is the price of Yjs as the document.",
]

/** Figures where more is better; every other one is a time, a count of long tasks or memory. */
const HIGHER_IS_BETTER = /moves_shown$/

/** Refinery's figure over tldraw sync's, for every figure both have: below 1 is better (or above, for HIGHER_IS_BETTER). */
export function ratios(figures) {
  const ratioFigures = []
  for (const [name, figure] of figures) {
    if (!name.startsWith('refinery.')) continue
    const rest = name.slice('refinery.'.length)
    const theirs = figures.get(`tldraw.${rest}`)?.value
    if (figure.value === null || typeof theirs !== 'number' || theirs === 0) continue
    ratioFigures.push([`ratio.${rest}`, figure.value / theirs])
  }
  return ratioFigures
}

export function writeBrowserResults({
  figures,
  sizes,
  totalSeconds,
  load,
  partial,
  chromium,
  date = new Date(),
}) {
  const value = (name) => figures.get(name)?.value ?? null
  const cell = (name, digits = 1) => {
    const figure = figures.get(name)
    if (!figure) return '—'
    return figure.value === null ? `n/a (${figure.note})` : figure.value.toFixed(digits)
  }
  const ratioCell = (rest) => {
    const v = value(`ratio.${rest}`)
    return v === null ? '—' : `${v.toFixed(2)}×`
  }
  const rowsFor = (sides, columns) => [
    ...sides.map(([id, label]) => [label, ...columns.map(([rest, digits]) => cell(`${id}.${rest}`, digits))]),
    ['Refinery ÷ tldraw sync', ...columns.map(([rest]) => ratioCell(rest))],
  ]
  const synced = SIDES.slice(0, 2)
  const { cores, model, memory } = machine()
  const out = ['# Refinery in the browser, beside tldraw sync', '']
  out.push(
    `Written by \`pnpm bench:browser\` on ${date.toISOString()}${partial ? ' (a partial or shrunk run: a BENCH_BROWSER_* variable was set)' : ''}.`,
    '',
    '- Run it with `pnpm bench:browser` (builds the app and the bench pages first; needs only the system Chromium, `CHROMIUM_PATH` to use another). Figures are printed as JSON lines on stdout, progress on stderr; this file is rewritten at the end of every run. It is never part of `pnpm test`.',
    `- Machine: ${cores} cores (\`nproc\`), ${model}, ${memory} memory; Node ${process.version}; Chromium ${chromium}, headless, with \`--disable-gpu\` (software rendering), one window of 1280 × 720 per person.`,
    `- Whole run: ${totalSeconds.toFixed(0)} s.`,
    `- Load: ${load.loadAtStart} (load average at the start); other processes on the machine used ${load.otherCpuSeconds.toFixed(0)} CPU seconds during the run, ${(load.share * 100).toFixed(0)} % of its capacity. Every figure shares the machine's ${cores} cores with the browser, the servers and the writers, and with whatever else runs there: times move with it.`,
    "- Sides: **Refinery** (the built app and `server/dist/index.js` on SQLite, signed in, the board at `/b/:id`); **tldraw sync** (`@tldraw/sync` `useSync` in a page built with Vite like the client, against an in-memory `TLSocketRoom` of `@tldraw/sync-core` in a Node server of the bench's own, `browser/sync-server.mjs`; nothing stored); **bare tldraw** (the same page with no sync, its store filled from the same records: the floor). tldraw 5.4.2 on all three, its fonts, icons and translations bundled. Each figure is taken for each side in turn.",
    `- The board: geo shapes (rectangles with a one-line label) standing in for cards, the same records on every side, ${COLUMNS} to a row.`,
    '',
  )

  out.push('## Visits: until every shape is on the page', '')
  out.push(
    "From the navigation's start until the page holds a rendered shape element for every card (tldraw mounts one per shape on the page and hides those outside the view), polled every frame; then the tab's JS heap after a full garbage collection (CDP `HeapProfiler.collectGarbage`, `Runtime.getHeapUsage`). First visit: a new browser context (no cache, no storage). Returning visit: the same context, a new tab, 2 s after the first tab had everything: Refinery has its IndexedDB copy of the board (and its service worker's cache); tldraw sync keeps no copy in the tab, so its returning visit loads the board from the server again, with only the HTTP cache warm. The bare page has no returning visit to speak of." +
      ` Each visit is taken ${sizes.visits} times (a new browser context for each first visit), and the table holds the median; the heaps are the last visit's. **Board in the store** (Refinery's returning visit): when its page marked the board bound to tldraw's store (\`refinery:board-bound\`, from its IndexedDB copy), the median; from there on the time is tldraw's own, mounting and drawing the shapes.`,
    '',
  )
  for (const shapes of sizes.visitShapes) {
    out.push(
      `### ${shapes} shapes`,
      '',
      table(
        [
          'side',
          'first visit ms',
          'heap MiB',
          'returning visit ms',
          'heap MiB (returning)',
          'board in the store ms (returning)',
        ],
        [
          ...SIDES.map(([id, label]) => [
            label,
            cell(`${id}.visit.${shapes}.first_ms`, 0),
            cell(`${id}.visit.${shapes}.first_heap`),
            id === 'bare' ? '—' : cell(`${id}.visit.${shapes}.returning_ms`, 0),
            id === 'bare' ? '—' : cell(`${id}.visit.${shapes}.returning_heap`),
            id === 'refinery' ? cell(`${id}.visit.${shapes}.returning_bound_ms`, 0) : '—',
          ]),
          [
            'Refinery ÷ tldraw sync',
            ratioCell(`visit.${shapes}.first_ms`),
            ratioCell(`visit.${shapes}.first_heap`),
            ratioCell(`visit.${shapes}.returning_ms`),
            ratioCell(`visit.${shapes}.returning_heap`),
            '—',
          ],
        ],
      ),
      '',
    )
  }

  out.push(`## Smoothness: ${sizes.writers} writers moving cards, one observer`, '')
  out.push(
    `A board of ${sizes.smoothShapes} shapes open in one observer page; ${sizes.writers} writers, Node clients in a process of their own, each move a card of their own (all in the observer's view) ${sizes.rate} times a second for ${sizes.seconds} s, each at its own phase. Refinery's writers are y-websocket clients writing the card's \`x\`, \`y\`, \`rotation\` as its binding does; tldraw's are \`TLSyncClient\`s of \`@tldraw/sync-core\` on a tldraw store, run in Node with a few browser globals, each with a presence record as a person in a page has (a \`useSync\` page that sees nobody else present syncs once a second). **Frames**: the intervals between the observer's \`requestAnimationFrame\` callbacks (a smooth page shows one vsync, 16.7 ms). **Long tasks**: \`PerformanceObserver\` \`longtask\` entries (over 50 ms), count and total. **Change → DOM**: from the writer's move (wall clock in Node) to a \`MutationObserver\` in the observer seeing the card's element take that position (wall clock in the page), per move shown; **moves shown**: the share of moves the observer's DOM showed at all (a client may skip a position that a later one replaced). **Server**: its CPU over the window (from /proc) and its peak RSS, sampled every 250 ms.`,
    '',
    table(
      [
        'side',
        'frame p50 ms',
        'frame p95 ms',
        'frame p99 ms',
        'long tasks',
        'long tasks ms',
        'change→DOM p50 ms',
        'change→DOM p99 ms',
        'moves shown %',
        'server CPU %',
        'server RSS peak MiB',
      ],
      rowsFor(synced, [
        ['smooth.frame_p50'],
        ['smooth.frame_p95'],
        ['smooth.frame_p99'],
        ['smooth.long_tasks', 0],
        ['smooth.long_task_ms', 0],
        ['smooth.latency_p50'],
        ['smooth.latency_p99'],
        ['smooth.moves_shown', 0],
        ['smooth.server_cpu'],
        ['smooth.server_rss_peak', 0],
      ]),
    ),
    '',
  )

  out.push(`## Typing: ${sizes.typed} characters, keystroke by keystroke`, '')
  out.push(
    `Two people on a board of ${sizes.smoothShapes} shapes, each in their own browser context: one types ${sizes.typed} letters, a key every ${sizes.typingIntervalMs} ms (Playwright's keyboard), into a story card's Title field in the card panel (Refinery: a \`Y.Text\` in the document, CONTRACT section 5) or into a text shape (tldraw sync: its rich text); the other's page shows the card or shape. Latency per keystroke: from the typist page's \`keydown\` to the observer's DOM (a \`MutationObserver\` on the card's title or the shape) first showing that many letters; both pages are in one browser, on one clock.`,
    '',
    table(['side', 'p50 ms', 'p99 ms'], rowsFor(synced, [['typing.latency_p50'], ['typing.latency_p99']])),
    '',
  )

  out.push("## The issue's goals", '')
  out.push(...goals(figures, value, sizes).map((line) => `- ${line}`), '')
  out.push('## What the profiles showed', '', ...PROFILE_FINDINGS, '')
  const errors = [...figures.values()].filter((figure) => figure.value === null)
  if (errors.length > 0)
    out.push('## Figures not taken', '', ...errors.map((figure) => `- ${figure.name}: ${figure.note}`), '')

  const path = new URL('../BROWSER.md', import.meta.url).pathname
  writeFileSync(path, out.join('\n'))
  return path
}

function goals(figures, value, sizes) {
  const mark = (ok) => (ok === null ? '? (not measured)' : ok ? '✓ met' : '✗ not met')
  const lines = []
  const compared = [...figures.keys()].filter((name) => name.startsWith('ratio.'))
  const lost = compared.filter((name) => (HIGHER_IS_BETTER.test(name) ? value(name) < 1 : value(name) > 1))
  lines.push(
    `${mark(compared.length === 0 ? null : lost.length === 0)}: every figure within 1.0× of tldraw sync's (${compared.length - lost.length} of ${compared.length}${lost.length ? `; not: ${lost.map((name) => `${name.slice(6)} ${value(name).toFixed(2)}×`).join(', ')}` : ''})`,
  )
  const largest = Math.max(...sizes.visitShapes)
  const returning = value(`refinery.visit.${largest}.returning_ms`)
  const theirFirst = value(`tldraw.visit.${largest}.first_ms`)
  lines.push(
    `${mark(returning === null || theirFirst === null ? null : returning * 2 <= theirFirst)}: a returning visit to a ${largest}-shape board at least 2× faster than tldraw sync's first visit (${returning?.toFixed(0) ?? '—'} ms against ${theirFirst?.toFixed(0) ?? '—'} ms)`,
  )
  const p95 = value('refinery.smooth.frame_p95')
  // rAF intervals land on vsync: one frame is 16.7 ms give or take the timer's rounding.
  lines.push(
    `${mark(p95 === null ? null : p95 < 17)}: observer frame p95 within one frame (16.7 ms) with ${sizes.writers} writers (${p95?.toFixed(1) ?? '—'} ms)`,
  )
  return lines
}
