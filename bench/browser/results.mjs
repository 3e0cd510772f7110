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
  'Written by hand from the runs of 2026-12-03 and 2026-12-04 (`BENCH_BROWSER_PROFILE` for the page, `BENCH_BROWSER_NODE_ARGS="--cpu-prof …"` for the server), on this machine.',
  '',
  "- **Smoothness: three causes in the binding and the offline copy, found and fixed.** Each was the heaviest of Refinery's own work in a profile of the observer page with 20 writers; figures are the build before → after the change, run one after the other. (1) Every remote move came out of the binding as a new record, `props` included, and tldraw re-renders a shape and measures its label in the DOM whenever its props object is new: the binding now keeps the store's own `props` and `meta` where a change leaves them equal (`keepUnchangedParts`): frame p95 116.7 → 33.4 ms, long tasks 32 → 1, change → DOM p99 562 → 119 ms. (2) y-indexeddb wrote every incoming update into IndexedDB in a transaction of its own on the main thread (`IDBDatabase.transaction` 1.1 s and `IDBObjectStore.add` 0.5 s of the 20 s): the offline copy now writes the server's changes together once a second and the person's own at once (`client/src/sync/localCopy.ts`): frame p95 33.4 → 16.8 ms. (3) Each of the 200 messages a second went into tldraw's store on its own, and each made tldraw and React render again (2.3 s of React work in 20 s, under the socket's `onmessage`): the board page now applies everyone else's changes once a frame (`nextFrame` in `yjsStoreBinding.ts`): frame p99 33.3 → 16.8 ms, change → DOM p99 115.6 → 39.7 ms. Frame p99 still moves between 16.8 and 33.4 ms from run to run (1 % of 1,200 frames, at the edge of two vsyncs); tldraw sync's stays at 16.8.",
  "- **Server CPU (about 2× tldraw sync's during the 20 writers) is the price of relaying each change at once, and of storing it.** A profile of Refinery's server over the smoothness window: of about 5.5 s busy, 2.1 s sending (1.8 s of it the `writev` call, one per socket per change: 21 sockets × 200 changes a second), 1.0 s taking the writers' updates in (guard 0.3 s, applying to the room's document 0.7 s), 0.3 s the journal. tldraw's room holds each session's outgoing messages for up to 16.7 ms (`DATA_MESSAGE_DEBOUNCE_INTERVAL` in `TLSyncRoom`) and sends them as one: at most 60 sends a second per socket, which is also why its change → DOM p50 is 53 ms against Refinery's 12 to 16. Refinery's broadcast now frames a message once for every socket (`server/src/sync/wireFrame.ts`), which took the server's send loop at 200 readers from 2.42 to 1.74 s of CPU in `pnpm bench`'s paced figure; holding messages for a frame as tldraw does would halve the sends again, but it would trade the relay's latency (the point of `pnpm bench`'s paced figures) for CPU, and it was not made.",
  "- **Server RSS** (2.3× an in-memory room server that stores nothing): Refinery's server idles at 123 MiB before any board is open (bare Node 42 MiB; the V8 heap reserves 51 MiB with 17 in use; the SQLite checkpoint thread 13 MiB). Folding a big board's log grew the fold thread's heap, which lived as long as the process; it now ends after 10 s without a fold. After boards of 1,000 and 5,000 cards and a minute with everyone gone: 267 → 257 MiB (`node bench/rss-exp.mjs`); the rest is native memory that V8 and malloc keep.",
  "- **Visits.** Refinery's page marks when its board is bound to tldraw's store (`refinery:board-bound`): on a returning visit that is at 1.9 s for 1,000 shapes and 2.7 s for 5,000, from the IndexedDB copy; every millisecond after that is tldraw's own mounting and drawing. A profile of the returning visit to 1,000 shapes: tldraw's first hit test builds its spatial index, which computes every shape's geometry and measures every geo label in the DOM (`measureUnscaledLabelSize`, 1.6 s), with garbage collection 1.2 s: the work the bare page does with the records already in memory. The bare page (the floor) takes 3.9 s and 13.2 s; a returning visit 2× faster than tldraw sync's first visit would need 2.5 s and 6.9 s, below the floor, so that goal cannot be met by any way of loading the board. A first visit adds the sign-in and role checks and the document's sync before the board is bound (1.10× and 1.03× tldraw sync's, whose page checks nobody). Its milestones, which the bench now logs per visit (one 1,000-shape run of 2026-12-04): synced at 2.58 s, bound at 2.66 s, every shape at 6.46 s; tldraw sync's shapes all appear at once at 5.46 s, the bare page's at 3.91 s. The drawing after the bind is tldraw's (3.8 s); what Refinery adds is before it. A profile of that part (`BENCH_BROWSER_PROFILE=first_visit`, 1,000 shapes, with each script and API request logged): tldraw's chunk has arrived at 0.63 s, and compiling and running it keeps the page from asking anything until 1.47 s; the API answers at 1.59 s; then about 0.6 s of the 0.9 s until synced is the main thread applying the server's state to the Y.Doc (Yjs decoding and integrating, garbage collection, and 0.1 s re-encoding the update for the document's `update` listeners). Asking for who is signed in and for the board at once, and opening the socket without waiting for them, saves a round trip each (now in the page). Opening the socket and both requests from the main bundle, before tldraw's chunk loads, was tried and measured (two rounds of four 1,000-shape visits each way, `BENCH_BROWSER_SIDES=refinery`): first visits of 6.7–7.5 s either way, board bound at 1.9–3.0 s either way. The main thread is the limit, not the network: moving the sync earlier only interleaves it with tldraw's start, so it was not kept. What is left of the 1.10× is that work itself: Refinery decodes the board into a Y.Doc and then into tldraw's store, tldraw sync only into its store.",
  "- **First visit, side by side with tldraw sync's page** (2026-12-04, on a quiet machine: load 0.1; `BENCH_BROWSER_PROFILE=first_visit BENCH_BROWSER_PROFILE_SIDE=tldraw` profiles another side, `BENCH_BROWSER_TRACE=1` takes a Chromium trace instead). Over a 1,000-shape first visit Refinery's main thread was busy 3.0 s, tldraw sync's 2.2 s. After the board is bound the drawing takes the same 1.7 s on both (tldraw's first hit test measures every label, 1.0–1.1 s). The 0.8 s more is spread thin, with no one cause left: the app and its libraries (React, Yjs, y-websocket) run before the editor's chunk is asked for (0.1 s); the server's state applied to the Y.Doc (0.13 s) and bound to the store (0.06 s); garbage collection (+0.1 s); native work (+0.2 s). Two causes were found and fixed on the way. (1) Yjs encoded the server's state again for the document's `update` listeners, 80 of the 170 ms of the apply. The server's updates are now applied with those listeners set aside, and the offline copy keeps them as they were sent (`client/src/sync/serverUpdates.ts`; the transaction's cleanup went from 85 to 5 ms). (2) Two limit messages called `toLocaleString` as their module loaded, and the first call loads the browser's number-format data: 80 ms on the main thread, now written without it. Tried again on the quiet machine and not kept (five first visits each, 1,000 shapes, `BENCH_BROWSER_SIDES=refinery,tldraw BENCH_BROWSER_SKIP=smoothness,typing BENCH_BROWSER_SHAPES=1000 BENCH_BROWSER_VISITS=5`; medians, against 2,728 ms before): starting the editor's download as soon as the app's module runs, 2,722 ms; opening the socket, the requests and the offline copy then too, 2,684 ms (synced at 680–830 ms instead of 1,000–1,070, but bound only 80 ms sooner); the editor's chunks preloaded from the HTML as well, 2,657 ms. tldraw sync's medians were 2,094–2,225 ms in the same runs. A trace shows why. While the editor's chunk compiles on another thread, the main thread waits. Whatever runs first, the main thread then does the same work: evaluate tldraw, apply the state, bind, draw.",
  "- **Heap** (1.14×, from 1.17–1.19×): Refinery's tab holds the board twice, as the Y.Doc and as tldraw's store. A heap snapshot of a 1,000-shape first visit beside tldraw sync's (`BENCH_BROWSER_HEAP_SNAPSHOT`) put 1.96 MiB in the backing stores of Yjs's one-value contents. Yjs decoded each field's value into an array grown by push, which keeps room for 17 entries. Yjs is now patched (`patches/yjs@13.6.33.patch`) to decode a one-value content into an array literal, sized to fit. The heap went from 53.2–53.6 to 51.9 MiB at 1,000 shapes and from 221.8 to 213.9 MiB at 5,000 (tldraw sync: 45.4 and 186.4). What is left is Yjs's own: 30 items per card (56 bytes each, with a 20-byte id and a boxed client id), their maps and their values. That is the price of Yjs as the document, and the same on a returning visit.",
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
