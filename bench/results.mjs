// Writes bench/RESULTS.md from the figures of one run: a table per scenario, the machine and date,
// the Refinery-only section and the targets of the issue, each marked met or not.
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { totalmem } from 'node:os'

const PEERS = ['ywebsocket', 'hocuspocus']

export function machine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8')
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? 'unknown CPU'
  let cores = 'unknown'
  try {
    cores = execFileSync('nproc', { encoding: 'utf8' }).trim()
  } catch {}
  return { cores, model, memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB` }
}

/**
 * What prints a figure: one JSON line on stdout ({"name", "value", "unit"}, rounded to 0.01, with a
 * "note" where it could not be taken), kept in `figures` by name for the Markdown file.
 */
export function reporter(figures) {
  return (name, value, unit, note) => {
    const rounded =
      value === null || value === undefined || Number.isNaN(value) ? null : Math.round(value * 100) / 100
    const figure = {
      name,
      value: rounded,
      unit,
      ...(note || rounded === null ? { note: note ?? 'not measured' } : {}),
    }
    figures.set(name, figure)
    process.stdout.write(`${JSON.stringify(figure)}\n`)
  }
}

/** A Markdown table, columns padded to their widest cell as Biome formats them, so files stay lint-clean. */
export function table(header, lines) {
  const width = (text) => [...text].length
  const widths = header.map((_, i) =>
    Math.max(3, ...[header, ...lines].map((line) => width(String(line[i])))),
  )
  const row = (cells) =>
    `| ${cells.map((cell, i) => String(cell) + ' '.repeat(widths[i] - width(String(cell)))).join(' | ')} |`
  return [row(header), row(widths.map((w) => '-'.repeat(w))), ...lines.map(row)].join('\n')
}

export function writeResults({ figures, sizes, kinds, totalSeconds, load, partial, date = new Date() }) {
  const value = (name) => figures.get(name)?.value ?? null
  const note = (name) => figures.get(name)?.note
  const cell = (name, digits = 1) => {
    const v = value(name)
    if (v === null) return figures.has(name) ? `n/a${note(name) ? ` (${note(name)})` : ''}` : '—'
    return v.toFixed(digits)
  }
  const ratioCell = (rest, digits = 2) => {
    const v = value(`ratio.${rest}`)
    return v === null ? '—' : `${v.toFixed(digits)}×`
  }
  const labels = Object.fromEntries(kinds.map((kind) => [kind.id, kind.label]))
  const rows = kinds.map((kind) => kind.id)

  const { cores, model, memory } = machine()
  const out = []
  out.push('# Refinery benchmark results', '')
  out.push(
    `Written by \`pnpm bench\` on ${date.toISOString()}${partial ? ' (a partial run: BENCH_ONLY or BENCH_SKIP was set)' : ''}.`,
    '',
    '- Run it with `pnpm bench` (builds first; needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379, or `BENCH_POSTGRES_URL` / `BENCH_REDIS_URL`). Figures are printed as JSON lines on stdout, progress on stderr; this file is rewritten at the end of every run.',
    `- Machine: ${cores} cores (\`nproc\`), ${model}, ${memory} memory`,
    `- Node ${process.version}, ${process.platform} ${process.arch}`,
    `- Whole run: ${totalSeconds.toFixed(0)} s (including the servers' and clients' start-up; not the build before it)`,
    `- Load: ${load.loadAtStart} (load average at the start); other processes on the machine used ${load.otherCpuSeconds.toFixed(0)} CPU seconds during the run, ${(load.share * 100).toFixed(0)} % of its capacity. The bench shares the machine with whatever else runs there, and tail latencies (p99, the sustained rate) move with it.`,
    "- Every server runs in its own process on 127.0.0.1; the clients run in another process, so CPU and RSS are the server's own (from /proc). The fan-out figures (paced, burst, sustained) are taken for every server in turn, one figure at a time, with the other servers up and idle: a change in the machine's load falls on all of them alike.",
    '- Servers: Refinery (the built `server/dist/index.js`, SQLite unless said otherwise; it stores every update before relaying it and checks roles on every socket), the reference server of `y-websocket@1.5.4` (`bin/utils` `setupWSConnection`, no persistence), Hocuspocus 4 (`@hocuspocus/server`, no extensions: nothing stored) and a raw WebSocket byte relay (the floor: no document, no protocol).',
    "- Clients: full Y.Docs behind the stock y-websocket `WebsocketProvider` (Refinery, y-websocket) or `@hocuspocus/provider` (Hocuspocus), the same code otherwise; the relay's clients are plain `ws` sockets sending 32-byte messages. Every update is one `map.set` of a new key: one small update, one message.",
    "- \"Refinery ÷ best peer\" divides Refinery's figure by the better of y-websocket's and Hocuspocus's (the relay is the floor, not a peer): below 1 is better for times and memory, above 1 is better for rates.",
    '',
  )

  out.push(`## Paced fan-out: one writer, ${sizes.updates} updates at ${sizes.pacedRate}/s`, '')
  out.push(
    "Latency is from the writer's `map.set` to each reader's observer (every reader, every update); server CPU is its CPU time over the sending window. Before it, on the same sockets and unmeasured, a burst of 100 updates and 150 more at the same pace warm up the server and the clients. With 1,000 updates and N readers, the p99 is decided by the slowest 10 updates: one pause of 20 ms anywhere on the machine (a garbage collection in the clients' process, another process) moves it, and it varies by a few ms between runs of the same build.",
    '',
  )
  {
    const header = ['server']
    for (const n of sizes.readers) header.push(`N=${n} p50 ms`, `N=${n} p99 ms`, `N=${n} CPU %`)
    const lines = rows.map((id) => [
      labels[id],
      ...sizes.readers.flatMap((n) =>
        ['p50', 'p99', 'server_cpu'].map((f) => cell(`${id}.paced.n${n}.${f}`)),
      ),
    ])
    lines.push([
      'Refinery ÷ best peer',
      ...sizes.readers.flatMap((n) => ['p50', 'p99', 'server_cpu'].map((f) => ratioCell(`paced.n${n}.${f}`))),
    ])
    out.push(table(header, lines), '')
  }

  out.push(`## Burst: the same ${sizes.updates} updates in one synchronous loop`, '')
  out.push(
    `Time from the first update until every reader has all of them, and the server's CPU seconds for it: the median of ${sizes.burstRounds} bursts on the same sockets, with a pause between them (a burst lasts a fraction of a second, and one pause of another process on the machine would decide a single one; the CPU is the average burst's). The writer's 1,000 \`map.set\` calls leave as 1,000 messages; a server that merges what arrives in one event-loop turn (Refinery, Hocuspocus) sends each reader a few large updates instead of 1,000 small ones, which is why it can beat the byte relay here: the relay forwards every message as it is, and with N readers in one client process, receiving N × 1,000 frames is the cost. With readers in one process, the clients' applying of updates is part of every figure.`,
    '',
  )
  {
    const header = [
      'server',
      ...sizes.readers.flatMap((n) => [`N=${n} all delivered ms`, `N=${n} server CPU s`]),
    ]
    const lines = rows.map((id) => [
      labels[id],
      ...sizes.readers.flatMap((n) => [
        cell(`${id}.burst.n${n}.all_delivered`),
        cell(`${id}.burst.n${n}.server_cpu_seconds`, 2),
      ]),
    ])
    lines.push([
      'Refinery ÷ best peer',
      ...sizes.readers.flatMap((n) => [ratioCell(`burst.n${n}.all_delivered`), '—']),
    ])
    out.push(table(header, lines), '')
  }

  out.push('## Sustained rate', '')
  out.push(
    `The writer's rate stepped up (${sizes.sustainedRates.join(', ')} updates/s, ${sizes.sustainedStepMs / 1000} s per step) until p99 passes ${sizes.maxP99Ms} ms or an update is not delivered within 1.5 s of the step's end; the figure is the last rate that held. Clients and server share the machine's ${cores} cores: with Y.Doc readers, applying the updates in the client process is part of what limits the rate.`,
    '',
  )
  {
    const header = ['server', ...sizes.sustainedReaders.map((n) => `N=${n} updates/s`)]
    const lines = rows.map((id) => [
      labels[id],
      ...sizes.sustainedReaders.map((n) => cell(`${id}.sustained.n${n}.rate`, 0)),
    ])
    lines.push([
      'Refinery ÷ best peer',
      ...sizes.sustainedReaders.map((n) => ratioCell(`sustained.n${n}.rate`)),
    ])
    out.push(table(header, lines), '')
  }

  out.push(`## Idle memory: connections over ${sizes.idleBoards} boards`, '')
  out.push(
    `Plain \`ws\` sockets, each doing the protocol's initial sync (Hocuspocus: its auth message first) and nothing else, spread evenly over the boards; a fresh server process per count. Before the baseline, every server first takes ${sizes.idleWarmUp} such sockets on ${sizes.idleWarmUp} boards of their own and sees them close (Refinery unloads those boards; y-websocket keeps them, as it keeps every board): what the first connections cost once, such as code compiled on first use, is not a cost per connection. **RSS per connection** = (RSS with every socket synced − RSS before) ÷ sockets, read from /proc. **Heap per connection**: the same with V8's used heap after a full GC (every server runs with a bench-only preload, \`memory-probe.mjs\`, that collects garbage on a signal), i.e. what the server really keeps, without the garbage of the connection storm. Then every socket closes and the boards get time to leave (Refinery runs with \`ROOM_IDLE_MS=1000\`): **rooms after close** is what the server still holds (Refinery: \`refinery_open_rooms\` of \`/metrics\`; the peers: their own document maps) and **heap kept** is the used heap after a full GC minus the baseline. RSS itself does not drop back for any of them: V8 keeps the pages it grew into.`,
    '',
  )
  for (const c of sizes.idleConnections) {
    const header = [
      'server',
      'RSS KiB/conn',
      'heap KiB/conn',
      'RSS MiB: before → open → after close',
      'heap MiB: growth open → kept after close',
      'rooms: open → after close',
      'connect s',
    ]
    const lines = rows.map((id) => {
      const p = `${id}.idle.c${c}`
      const roomsAfter = value(`${p}.rooms_after_close`)
      return [
        labels[id],
        cell(`${p}.rss_per_connection`, 2),
        cell(`${p}.heap_per_connection`, 2),
        `${cell(`${p}.rss_baseline`, 0)} → ${cell(`${p}.rss_open`, 0)} → ${cell(`${p}.rss_after_close`, 0)}`,
        `${cell(`${p}.heap_growth_open`, 1)} → ${cell(`${p}.heap_kept_after_close`, 1)}`,
        roomsAfter === null
          ? '—'
          : `${cell(`${p}.rooms_open`, 0)} → ${roomsAfter} (${roomsAfter === 0 ? 'boards left' : 'boards stay'})`,
        value(`${p}.connect_time`) === null ? '—' : (value(`${p}.connect_time`) / 1000).toFixed(1),
      ]
    })
    lines.push([
      'Refinery ÷ best peer',
      ratioCell(`idle.c${c}.rss_per_connection`),
      ratioCell(`idle.c${c}.heap_per_connection`),
      '—',
      '—',
      '—',
      '—',
    ])
    out.push(`### ${c} connections`, '', table(header, lines), '')
  }
  const split = idleSplit(value, rows, sizes)
  if (split.length > 0) {
    const [c1, c2] = sizes.idleConnections
    out.push(
      `Both counts spread over the same ${sizes.idleBoards} boards, so each server's heap growth is a part per board plus a part per socket; the two counts give both (growth at ${c2} − growth at ${c1}, ÷ ${c2 - c1} sockets, and what is left at ${c1} ÷ ${sizes.idleBoards} boards). At ${c1} connections there are two sockets per board, so a board's own state weighs as much as its sockets there: ${split.map(({ id, perBoard, perSocket }) => `${labels[id]} ${perSocket.toFixed(2)} KiB per socket and ${perBoard.toFixed(2)} KiB per board`).join('; ')}.`,
      '',
    )
  }

  out.push(`## Cold sync: a new client syncing a ${sizes.coldSyncEntries}-entry board`, '')
  out.push(
    `The board's \`records\` map holds ${sizes.coldSyncEntries} entries, each a small shape record as the first version of this bench wrote them (a Y.Map with id, typeName, x, y and a nested props map with w, h, title: 7 Yjs items per entry). "Synced": from creating the provider to its first sync, with every entry in the client's Y.Doc (what a person waits for). "Answer arrived": until the server's sync step 2 (the whole board) has arrived, before the client applies it (the server's part: upgrade, auth, load, encode, send). Median of ${sizes.coldSyncRuns} clients per server after one warm-up; every server is up with its board at once, and one client process syncs them in turn (Refinery, y-websocket, Hocuspocus, Refinery, …), so a change in the machine's load falls on all of them alike. "Client's own apply": that client process applying the whole board to an empty Y.Doc with nothing else to do (median of ${sizes.coldSyncRuns}; one figure for all, the boards being alike), the floor under "synced" for every server; a real sync also pays the client's garbage collection of what it just allocated. From memory: a client keeps the board open. From storage (Refinery only; the peers keep nothing): the board has left memory before each client connects, so the server loads it from SQLite.`,
    '',
  )
  {
    const n = sizes.coldSyncEntries
    const header = [
      'server',
      'from memory: synced ms',
      'from memory: answer arrived ms',
      'from storage: synced ms',
      'from storage: answer arrived ms',
      "client's own apply ms",
    ]
    const lines = rows.map((id) => {
      if (id === 'relay') return [labels[id], 'n/a (keeps no document)', '—', '—', '—', '—']
      const storage = id === 'refinery'
      return [
        labels[id],
        cell(`${id}.cold_sync.${n}.from_memory`),
        cell(`${id}.cold_sync.${n}.from_memory_answer`),
        storage ? cell(`${id}.cold_sync.${n}.from_storage`) : 'n/a (keeps nothing)',
        storage ? cell(`${id}.cold_sync.${n}.from_storage_answer`) : '—',
        cell(`${id}.cold_sync.${n}.client_apply`),
      ]
    })
    lines.push([
      'Refinery ÷ best peer',
      ratioCell(`cold_sync.${n}.from_memory`),
      ratioCell(`cold_sync.${n}.from_memory_answer`),
      '—',
      '—',
      '—',
    ])
    out.push(table(header, lines), '')
  }

  out.push('## Refinery alone', '')
  out.push(
    `### ${sizes.spreadReaders} readers: one instance, and spread over two instances through Redis`,
    '',
    `Both instances run on PostgreSQL (a fresh schema) with \`REDIS_URL\`; the writer is on instance A. "One instance": all ${sizes.spreadReaders} readers on A (B is up but does not have the board open). "Two instances": readers alternate between A and B, so half of them get every update through Redis. CPU is both processes' together.`,
    '',
  )
  {
    const n = sizes.spreadReaders
    const header = [
      'layout',
      'paced p50 ms',
      'paced p99 ms',
      'paced CPU s',
      'burst all delivered ms',
      'burst CPU s',
    ]
    const lines = ['one_instance', 'two_instances'].map((layout) => [
      layout === 'one_instance' ? 'one instance' : 'two instances + Redis',
      cell(`refinery.${layout}.paced.n${n}.p50`),
      layout === 'one_instance'
        ? cell(`refinery.${layout}.paced.n${n}.p99`)
        : `${cell(`refinery.${layout}.paced.n${n}.p99`)} (on A ${cell(`refinery.${layout}.paced.n${n}.readers_on_a.p99`)}, on B ${cell(`refinery.${layout}.paced.n${n}.readers_on_b.p99`)})`,
      cell(`refinery.${layout}.paced.n${n}.server_cpu_seconds`, 2),
      cell(`refinery.${layout}.burst.n${n}.all_delivered`),
      cell(`refinery.${layout}.burst.n${n}.server_cpu_seconds`, 2),
    ])
    const hop = (p) => {
      const under = value(`refinery.two_instances.paced.n${n}.relay_hop.p${p}_under`)
      return under === null ? '—' : `${under} ms or less`
    }
    out.push(
      table(header, lines),
      '',
      `**Where the two instances' tail is**: the p99 of the readers on A (they get every update straight from A, as in one instance) beside those on B (through Redis), and the hop itself as B counts it (\`refinery_relay_lag_seconds\`, from A's publish to B's receipt, wall clocks of one machine, in the histogram's buckets): p50 ${hop(50)}, p99 ${hop(99)}. A tail that the readers on A share is not the hop's: it is the second server process, and the Redis server, taking the same 2 cores as the first one and the clients.`,
      '',
    )
  }
  out.push(
    `### Backlog of a ${sizes.backlogCards}-card board`,
    '',
    `\`GET /api/boards/:id/backlog\` on a board of ${sizes.backlogCards} story cards, 8 journey steps and 3 release slices (SQLite, board in memory): median of 5 requests after one warm-up, timed by the caller, so it includes HTTP, the session and role checks, \`backlogFromDoc\` and JSON encoding. The server keeps a board's backlog until the board changes: "after an edit" is the first request after a vote changed (the backlog computed), "unchanged" a repeated request (as when the same state is viewed and exported).`,
    '',
    table(
      ['figure', 'value'],
      [
        ['backlog after an edit, median ms', cell(`refinery.backlog.${sizes.backlogCards}_cards`)],
        ['backlog unchanged, median ms', cell(`refinery.backlog.${sizes.backlogCards}_cards.unchanged`)],
        [
          `new board from a Jira CSV of ${sizes.importRows} rows, median ms`,
          cell(`refinery.import.jira_csv.${sizes.importRows}_rows`),
        ],
      ],
    ),
    '',
    '### Persistence throughput',
    '',
    `${sizes.persistenceBoards} writers, each on a board of its own, send ${sizes.persistenceUpdates} updates each as fast as they can (one message per update); a reader per board counts them. Refinery relays an update only after it is stored, so the moment every reader has every update is the moment storage has them all: updates ÷ that time. Then the server is killed with SIGKILL, restarted on the same storage, and a new client per board counts what survived; the figure is kept only if all of it did. Batches = what the server stored at once, one per event-loop turn (\`refinery_persistence_seconds_count\`). SQLite: a batch is one write to the update journal (\`refinery.db-edits\`), copied into SQLite, which runs in WAL mode with \`synchronous = NORMAL\`, every 100 ms; both survive a process crash, and an OS crash may lose the last writes. PostgreSQL: a batch is one committed transaction.`,
    '',
    table(
      ['storage', 'updates/s durably stored', 'batches'],
      ['sqlite', 'postgres'].map((engine) => [
        engine === 'sqlite' ? 'SQLite' : 'PostgreSQL',
        cell(`refinery.persistence.${engine}.rate`, 0),
        cell(`refinery.persistence.${engine}.batches`, 0),
      ]),
    ),
    '',
  )

  out.push("## The issue's targets", '')
  out.push(...targets(value, sizes).map((line) => `- ${line}`), '')

  const errors = [...figures.values()].filter((figure) => figure.name.endsWith('.error'))
  if (errors.length > 0) {
    out.push('## Sections that failed', '', ...errors.map((figure) => `- ${figure.name}: ${figure.note}`), '')
  }

  const path = new URL('./RESULTS.md', import.meta.url).pathname
  writeFileSync(path, out.join('\n'))
  return path
}

function targets(value, sizes) {
  const mark = (ok) => (ok === null ? '? (not measured)' : ok ? '✓ met' : '✗ not met')
  const all = (checks) => (checks.some((check) => check === null) ? null : checks.every(Boolean))
  const cmp = (a, b, ok) => (a === null || b === null ? null : ok(a, b))
  const bestPeer = (rest, pick = Math.min) => {
    const values = PEERS.map((peer) => value(`${peer}.${rest}`)).filter((v) => v !== null)
    return values.length === 0 ? null : pick(...values)
  }
  const lines = []
  lines.push(
    `${mark(all(sizes.readers.map((n) => cmp(value(`refinery.paced.n${n}.p99`), bestPeer(`paced.n${n}.p99`), (a, b) => a <= b))))}: paced p99 within the best peer's at N = ${sizes.readers.join(', ')} (Refinery ${sizes.readers.map((n) => value(`refinery.paced.n${n}.p99`)?.toFixed(1) ?? '—').join(' / ')} ms; best peer ${sizes.readers.map((n) => bestPeer(`paced.n${n}.p99`)?.toFixed(1) ?? '—').join(' / ')} ms)`,
  )
  const burstNs = sizes.sustainedReaders
  lines.push(
    `${mark(all(burstNs.map((n) => cmp(value(`refinery.burst.n${n}.all_delivered`), value(`hocuspocus.burst.n${n}.all_delivered`), (a, b) => a <= b))))}: burst time at N = ${burstNs.join(', ')} at least matches Hocuspocus's (Refinery ${burstNs.map((n) => value(`refinery.burst.n${n}.all_delivered`)?.toFixed(0) ?? '—').join(' / ')} ms; Hocuspocus ${burstNs.map((n) => value(`hocuspocus.burst.n${n}.all_delivered`)?.toFixed(0) ?? '—').join(' / ')} ms)`,
  )
  lines.push(
    `${mark(all(burstNs.map((n) => cmp(value(`refinery.sustained.n${n}.rate`), value(`hocuspocus.sustained.n${n}.rate`), (a, b) => a >= b))))}: sustained rate at N = ${burstNs.join(', ')} at least matches Hocuspocus's (Refinery ${burstNs.map((n) => value(`refinery.sustained.n${n}.rate`) ?? '—').join(' / ')}; Hocuspocus ${burstNs.map((n) => value(`hocuspocus.sustained.n${n}.rate`) ?? '—').join(' / ')} updates/s)`,
  )
  const counts = sizes.idleConnections
  for (const [figure, what] of [
    ['rss_per_connection', 'RSS'],
    ['heap_per_connection', 'V8 heap after GC'],
  ]) {
    lines.push(
      `${mark(all(counts.map((c) => cmp(value(`refinery.idle.c${c}.${figure}`), value(`ywebsocket.idle.c${c}.${figure}`), (a, b) => a <= b))))}: memory per idle connection at most the y-websocket server's, as ${what} (Refinery ${counts.map((c) => value(`refinery.idle.c${c}.${figure}`)?.toFixed(2) ?? '—').join(' / ')} KiB; y-websocket ${counts.map((c) => value(`ywebsocket.idle.c${c}.${figure}`)?.toFixed(2) ?? '—').join(' / ')} KiB at ${counts.join(' / ')} connections)`,
    )
  }
  lines.push(
    `${mark(all(counts.map((c) => cmp(value(`refinery.idle.c${c}.rooms_after_close`), 0, (a, b) => a === b))))}: boards leave memory when their last client leaves (Refinery's open rooms after close: ${counts.map((c) => value(`refinery.idle.c${c}.rooms_after_close`) ?? '—').join(' / ')})`,
  )
  const n = sizes.coldSyncEntries
  lines.push(
    `${mark(cmp(value(`refinery.cold_sync.${n}.from_memory`), bestPeer(`cold_sync.${n}.from_memory`), (a, b) => a <= b))}: cold sync of a ${n}-entry board from memory no slower than the peers' (Refinery ${value(`refinery.cold_sync.${n}.from_memory`)?.toFixed(1) ?? '—'} ms; best peer ${bestPeer(`cold_sync.${n}.from_memory`)?.toFixed(1) ?? '—'} ms)`,
  )
  lines.push(
    `${mark(cmp(value(`refinery.cold_sync.${n}.from_storage`), 50, (a, b) => a < b))}: cold sync from storage under 50 ms, as the client's "synced" (${value(`refinery.cold_sync.${n}.from_storage`)?.toFixed(1) ?? '—'} ms; the client's own apply of the board alone takes ${value(`refinery.cold_sync.${n}.client_apply`)?.toFixed(1) ?? '—'} ms)`,
  )
  lines.push(
    `${mark(cmp(value(`refinery.cold_sync.${n}.from_storage_answer`), 50, (a, b) => a < b))}: cold sync from storage under 50 ms, as the server's part: load, greet, answer, until the whole board has arrived at the client (${value(`refinery.cold_sync.${n}.from_storage_answer`)?.toFixed(1) ?? '—'} ms)`,
  )
  lines.push(
    `${mark(cmp(value(`refinery.backlog.${sizes.backlogCards}_cards`), 100, (a, b) => a < b))}: backlog of a ${sizes.backlogCards}-card board under 100 ms, a target of our own (the issue asks for the figure only) (${value(`refinery.backlog.${sizes.backlogCards}_cards`)?.toFixed(1) ?? '—'} ms)`,
  )
  return lines
}

/**
 * Each server's idle heap growth split into a part per board and a part per socket, from the first two
 * idle counts (the same boards at both): KiB each; none for a server missing either count.
 */
export function idleSplit(value, ids, sizes) {
  const [c1, c2] = sizes.idleConnections
  if (c1 === undefined || c2 === undefined || c1 === c2) return []
  return ids.flatMap((id) => {
    const g1 = value(`${id}.idle.c${c1}.heap_growth_open`)
    const g2 = value(`${id}.idle.c${c2}.heap_growth_open`)
    if (g1 === null || g2 === null) return []
    const perSocket = ((g2 - g1) * 1024) / (c2 - c1)
    return [{ id, perSocket, perBoard: (g1 * 1024 - perSocket * c1) / sizes.idleBoards }]
  })
}
