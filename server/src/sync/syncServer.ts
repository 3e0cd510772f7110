import { CloseCode, can, type Role } from '@refinery/shared'
import type { WebSocket } from 'ws'
import * as Y from 'yjs'
import { DEFAULT_MAX_ASSET_BYTES } from '../config'
import type { Logger } from '../logger'
import { needsCompaction, needsFold } from '../storage/compaction'
import type { BoardUpdate, DocumentStore, StoredDocument } from '../storage/types'
import { ForgedPresenceError } from './awarenessIdentity'
import { Connection, connectionOf, type Participant, type SyncSocket } from './connection'
import type { BoardDocument, ContentHooks } from './contentHooks'
import { decodeClientMessage, encodeQueryAwareness, isEmptyUpdate, MalformedMessageError } from './messages'
import type { Relay, RelayMessage } from './relay'
import { Room } from './room'
import { type SessionLookup, SessionWatch } from './sessionWatch'
import { checkClientUpdate, type GuardAccess, type GuardLimits, imageSourceLimit } from './updateGuard'

/** How much of a client's updates may wait for changes the server does not hold yet (see `hold`). */
const WAITING_LIMIT = { updates: 256, bytes: 4 * 1024 * 1024 }

/** The transaction origin of the server's own changes to a document. */
const SERVER_ORIGIN = Symbol('refinery-server')

/**
 * What the guard needs to know of the sender, read at each update as the role may have changed:
 * owners may change the shapes they locked; comments are written in the sender's name; owners and
 * editors settle questions; a voter writes comments only.
 */
const guardAccess = ({ participant: { role, identity } }: Connection): GuardAccess => ({
  bypassLocks: can(role, 'board:lock'),
  author: { id: identity.id, name: identity.name },
  settleQuestions: can(role, 'board:edit'),
  commentsOnly: !can(role, 'board:edit'),
})

export interface SyncServerOptions {
  store: DocumentStore
  logger: Logger
  /** How long a board stays loaded after its last client leaves. */
  roomIdleMs: number
  /** How long to wait before retrying a batch that storage refused. */
  storageRetryMs?: number
  /**
   * How often every socket is pinged; one that has not answered the previous ping by then is gone
   * (a laptop closed mid-workshop) and is dropped, with its cursor.
   */
  heartbeatMs?: number
  /**
   * How old a socket's presence may get before the server asks the client for it again; y-protocols
   * drops a presence not renewed for 30 s (see `askForLapsingPresence`).
   */
  presenceRenewalMs?: number
  /** Other instances serving the same boards (Redis); none on a single instance. */
  relay?: Relay | undefined
  /** Where the sessions of open sockets are looked up; a socket closes when its session ends. */
  sessionStore: SessionLookup
  metrics?: SyncMetrics | undefined
  /** Work on what documents take in, beside the core (images moved out of them). */
  contentHooks?: ContentHooks | undefined
  /** The largest image a board takes (`MAX_ASSET_BYTES`): a `src` may be that image as a `data:` URL. */
  maxAssetBytes?: number | undefined
}

/** What the core reports as it works; the metrics endpoint turns it into Prometheus figures. */
export interface SyncMetrics {
  updateReceived(): void
  framesSent(count: number): void
  stored(seconds: number): void
  relayed(lagSeconds: number): void
}

/**
 * The real-time core: rooms per board, the y-websocket protocol, and the per-turn pipeline. Updates
 * that arrive in one event-loop turn are merged per room, stored in one transaction, then relayed
 * once, encoded once. Storage plugs in through `DocumentStore`; the core does not know which it has.
 */
export class SyncServer {
  private readonly rooms = new Map<string, Room>()
  private readonly dirty = new Set<Room>()
  private flushScheduled = false
  /** Flushes and unloads run one after another, in order. */
  private pipeline: Promise<void> = Promise.resolve()
  /** Compactions under way or waiting (see `compact`), beside the pipeline: `close` waits for them. */
  private readonly compactions = new Set<Promise<void>>()
  /** What content hooks started after clients' updates: `close` waits for it before the last flush. */
  private readonly hookWork = new Set<Promise<void>>()
  private readonly guardLimits: GuardLimits
  private closing = false

  private readonly heartbeat: NodeJS.Timeout
  private readonly presenceCheck: NodeJS.Timeout
  /** Ends sockets with their session; the auth routes report logouts and password changes to it. */
  readonly sessions: SessionWatch
  /**
   * One set of listeners for every socket: each finds its connection on the socket (`this`), so a
   * socket costs no closures of its own.
   */
  private readonly listeners

  constructor(private readonly options: SyncServerOptions) {
    const server = this
    this.guardLimits = {
      imageSourceChars: imageSourceLimit(options.maxAssetBytes ?? DEFAULT_MAX_ASSET_BYTES),
    }
    this.listeners = {
      message(this: WebSocket, data: Buffer, isBinary: boolean) {
        const connection = connectionOf(this)
        if (connection) server.receiveFrame(connection, data, isBinary)
      },
      close(this: WebSocket) {
        const connection = connectionOf(this)
        if (connection) server.leave(connection.room, connection)
      },
      pong(this: WebSocket) {
        const connection = connectionOf(this)
        if (connection) connection.alive = true
      },
      error(this: WebSocket, error: Error & { code?: string }) {
        const connection = connectionOf(this)
        const context = { boardId: connection?.room.boardId, connection: connection?.id }
        if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
          server.options.logger.warn(context, 'closed a connection: message too large')
        } else {
          server.options.logger.warn({ ...context, err: error }, 'socket error')
        }
      },
    }
    options.relay?.onRecovered(() => {
      this.pipeline = this.pipeline.then(() => this.catchUpAll())
    })
    // One timer for every socket, rather than one per socket.
    this.heartbeat = setInterval(() => this.checkHeartbeats(), options.heartbeatMs ?? 30_000)
    this.heartbeat.unref()
    const renewal = options.presenceRenewalMs ?? 20_000
    this.presenceCheck = setInterval(() => this.askForLapsingPresence(renewal), renewal / 4)
    this.presenceCheck.unref()
    this.sessions = new SessionWatch({
      lookup: options.sessionStore,
      logger: options.logger,
      relay: options.relay,
      connections: () => this.connections(),
    })
  }

  private checkHeartbeats(): void {
    for (const room of this.rooms.values()) {
      for (const connection of room.connections) {
        if (
          connection.waiting &&
          Date.now() - connection.waiting.since > (this.options.heartbeatMs ?? 30_000)
        ) {
          this.reject(connection, CloseCode.Resync, 'changes waited too long for what they build on')
        }
        if (!connection.alive) {
          this.options.logger.info(
            { boardId: room.boardId, connection: connection.id },
            'dropped a silent connection',
          )
          connection.socket.terminate()
          continue
        }
        connection.alive = false
        if (connection.isOpen) connection.socket.ping()
      }
    }
  }

  /**
   * y-protocols drops a presence that is not renewed for 30 s, here and in every other client, and a
   * client renews its own every 15 s from a timer. A background tab's timers run once a minute
   * (Chrome, after five minutes hidden): its person would come and go from everyone's people list
   * while their socket stays open. A message still reaches such a tab at once, so the server asks a
   * socket whose presence is getting old, and the client answers with its presence renewed.
   */
  private askForLapsingPresence(renewalMs: number): void {
    const now = Date.now()
    for (const room of this.rooms.values()) {
      for (const connection of room.connections) {
        const client = connection.awarenessClient
        const meta = client === null ? undefined : room.awareness.meta.get(client)
        if (meta && now - meta.lastUpdated >= renewalMs) connection.send(encodeQueryAwareness())
      }
    }
  }

  get roomCount(): number {
    return this.rooms.size
  }

  get connectionCount(): number {
    let count = 0
    for (const room of this.rooms.values()) count += room.connections.size
    return count
  }

  private *connections(): Generator<Connection> {
    for (const room of this.rooms.values()) yield* room.connections
  }

  /** The loaded room of a board, if any (for tests and metrics). */
  peekRoom(boardId: string): Room | undefined {
    return this.rooms.get(boardId)
  }

  /**
   * Takes a freshly opened socket into the board's room. Frames that arrive while the room loads are
   * kept and handled in order once it has.
   */
  accept(socket: SyncSocket, boardId: string, participant: Participant): void {
    if (this.closing) {
      socket.close(CloseCode.ServiceRestart, 'server is restarting')
      return
    }
    if (!this.sessions.admit(participant.session)) {
      socket.close(CloseCode.Unauthorized, 'your session has ended')
      return
    }
    const room = this.openRoom(boardId)
    if (room.broken) {
      socket.close(CloseCode.ServiceRestart, 'the board is reloading')
      return
    }
    if (room.idleTimer) {
      clearTimeout(room.idleTimer)
      room.idleTimer = null
    }
    const connection = new Connection(socket, room, participant)
    socket.connection = connection
    room.connections.add(connection)
    const { listeners } = this
    socket.on('message', listeners.message)
    socket.on('close', listeners.close)
    socket.on('pong', listeners.pong)
    socket.on('error', listeners.error)

    const greet = () => {
      const frames = connection.early ?? []
      connection.early = null
      if (!connection.isOpen) return
      room.greet(connection)
      for (const frame of frames) this.handleFrame(room, connection, frame)
    }
    if (room.loading) {
      room.loading.then(greet, () =>
        connection.close(CloseCode.StorageFailed, 'the board could not be loaded'),
      )
    } else greet()
  }

  private receiveFrame(connection: Connection, data: Buffer, isBinary: boolean): void {
    if (!isBinary) {
      this.reject(connection, CloseCode.MalformedMessage, 'text frames are not part of the protocol')
      return
    }
    if (connection.early) connection.early.push(data)
    else this.handleFrame(connection.room, connection, data)
  }

  /**
   * Reads a board's document, loading it if no one has it open. The document must not be kept: it
   * belongs to the room, which unloads once idle.
   */
  async read<T>(boardId: string, read: (doc: Y.Doc) => T): Promise<T> {
    const room = this.openRoom(boardId)
    await room.loading
    const result = read(room.doc)
    this.unloadWhenIdle(room)
    return result
  }

  /**
   * Changes a board's document on the server's behalf (votes, templates) in one transaction, and
   * resolves once the change is stored and on its way to every client: the same pipeline as a
   * client's update.
   */
  async change<T>(boardId: string, change: (doc: Y.Doc) => T): Promise<T> {
    const room = this.openRoom(boardId)
    await room.loading
    const { result, changed } = this.changeRoom(room, change)
    if (changed) {
      // The flush was queued before this callback, so the pipeline it joins includes it.
      await new Promise((resolve) => setImmediate(resolve))
      await this.pipeline
    }
    this.unloadWhenIdle(room)
    return result
  }

  /** The server's change to a loaded room, queued to be stored and relayed as a client's would be. */
  private changeRoom<T>(room: Room, change: (doc: Y.Doc) => T): { result: T; changed: boolean } {
    let update: Uint8Array | null = null
    const capture = (bytes: Uint8Array) => {
      update = bytes
    }
    room.doc.on('update', capture)
    let result: T
    try {
      result = room.doc.transact(() => change(room.doc), SERVER_ORIGIN)
    } finally {
      room.doc.off('update', capture)
    }
    if (!update) return { result, changed: false }
    room.queueUpdate(update, null)
    // What waited for this change is checked again now: a vote forged on the server's next vote
    // is refused here.
    this.releaseWaiting(room)
    this.dirty.add(room)
    this.scheduleFlush()
    return { result, changed: true }
  }

  /** A board's document as the content hooks use it once the board is loaded. */
  private boardDocument(boardId: string): BoardDocument {
    return {
      boardId,
      read: (read) => this.read(boardId, read),
      change: (change) => this.change(boardId, change),
    }
  }

  /**
   * Runs the `loaded` content hook on a room still loading. Its changes go straight to the room
   * (`read` and `change` would wait for the load that waits for them); clients greeted after it are
   * answered once those changes are stored.
   */
  private async runLoadedHook(room: Room, stored: StoredDocument): Promise<void> {
    const hooks = this.options.contentHooks
    if (!hooks) return
    const board: BoardDocument = {
      boardId: room.boardId,
      read: async (read) => read(room.doc),
      change: async (change) => this.changeRoom(room, change).result,
    }
    try {
      await hooks.loaded(board, stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates)
    } catch (error) {
      this.options.logger.error(
        { boardId: room.boardId, err: error },
        'a content hook failed on a loaded board',
      )
    }
  }

  /** Tells the content hooks of a client's update that was applied; tracks what they start. */
  private runUpdatedHook(room: Room, update: Uint8Array): void {
    const work = this.options.contentHooks?.updated(this.boardDocument(room.boardId), update)
    if (!work) return
    const tracked = work.catch((error: unknown) => {
      this.options.logger.error({ boardId: room.boardId, err: error }, 'a content hook failed on an update')
    })
    this.hookWork.add(tracked)
    void tracked.finally(() => this.hookWork.delete(tracked))
  }

  /**
   * Applies a membership change to the member's open sockets at once: a removed member is
   * disconnected, a changed role takes effect on the next frame.
   */
  memberChanged(boardId: string, userId: string, role: Role | null): void {
    this.applyMemberChange(boardId, userId, role)
    this.options.relay?.publish(boardId, { kind: 'member', userId, role })
  }

  /** Disconnects everyone from a deleted board, on every instance. */
  boardDeleted(boardId: string): void {
    this.closeBoard(boardId)
    this.options.relay?.publish(boardId, { kind: 'deleted' })
  }

  private applyMemberChange(boardId: string, userId: string, role: Role | null): void {
    const room = this.rooms.get(boardId)
    if (!room) return
    for (const connection of room.connections) {
      if (connection.participant.identity.id !== userId) continue
      if (!can(role, 'board:read'))
        connection.close(CloseCode.NotFound, 'you are no longer a member of this board')
      else connection.participant = { ...connection.participant, role: role as Role }
    }
  }

  private closeBoard(boardId: string): void {
    const room = this.rooms.get(boardId)
    if (!room) return
    for (const connection of room.connections) connection.close(CloseCode.NotFound, 'this board was deleted')
  }

  private openRoom(boardId: string): Room {
    const existing = this.rooms.get(boardId)
    if (existing) return existing
    const room = new Room(boardId, this.options.logger)
    const { relay, store } = this.options
    // Subscribe before loading, so no update another instance stores meanwhile slips between.
    const subscribed = relay
      ? relay.subscribe(boardId, (message, sentAt) => this.receive(room, message, sentAt))
      : null
    room.loading = Promise.resolve(subscribed)
      .then(() => store.loadDocument(boardId))
      .then(
        async (stored) => {
          const skipped = room.load(stored)
          await this.runLoadedHook(room, stored)
          // Loaded: from now on a joining socket is greeted at once, and the promise is let go.
          room.loading = null
          // Loading put back shapes whose parent was gone: that change is stored like any other.
          if (room.hasPendingUpdates) {
            this.dirty.add(room)
            this.scheduleFlush()
          }
          // The stored log holds updates that do not apply: fold them out of storage for good. A
          // snapshot whose text layout is unknown is folded to learn it, so the next load can answer
          // from its bytes alone again.
          if (skipped > 0 || needsFold(stored.snapshot, stored.snapshotTextLayout, []))
            void this.compact(room)
        },
        (error: unknown) => {
          this.options.logger.error({ boardId, err: error }, 'could not load a board')
          if (this.rooms.get(boardId) === room) {
            this.rooms.delete(boardId)
            void relay?.unsubscribe(boardId)
          }
          room.destroy()
          throw error
        },
      )
    this.rooms.set(boardId, room)
    return room
  }

  private reject(connection: Connection, code: number, reason: string): void {
    this.options.logger.warn(
      { boardId: connection.room.boardId, connection: connection.id, code, reason },
      'closed a connection',
    )
    connection.close(code, reason)
  }

  private handleFrame(room: Room, connection: Connection, frame: Uint8Array): void {
    if (!connection.isOpen) return
    try {
      const message = decodeClientMessage(frame)
      switch (message.kind) {
        case 'sync-step-1':
          room.answerSyncStep1(connection, message.stateVector)
          return
        case 'sync-step-2':
        case 'update':
          // Viewers sync down; what they send up is dropped, never stored or relayed. A voter's update
          // is taken only when it writes their own comments and nothing else (see `checkClientUpdate`).
          if (!connection.canWrite && !connection.canComment) return
          // A client with nothing new answers our sync step 1 with the empty update: nothing to keep,
          // and no reason to build the board's document from its stored bytes.
          if (isEmptyUpdate(message.update)) return
          if (!this.takeClientUpdate(room, connection, message.update)) return
          this.options.metrics?.updateReceived()
          break
        case 'awareness':
          try {
            room.applyAwareness(connection, message.update)
          } catch (error) {
            if (!(error instanceof ForgedPresenceError)) throw error
            this.reject(connection, CloseCode.ForgedPresence, error.message)
            return
          }
          break
        case 'query-awareness': {
          const presence = room.presenceOfEveryone()
          if (presence) connection.send(presence)
          return
        }
      }
      this.dirty.add(room)
      this.scheduleFlush()
    } catch (error) {
      const reason = error instanceof MalformedMessageError ? error.message : 'the update does not apply'
      this.reject(connection, CloseCode.MalformedMessage, reason.slice(0, 120))
    }
  }

  /**
   * Checks a client's update before any of it is applied, stored or relayed, then applies and queues
   * it; returns whether it did. Throws (a malformed frame) when the update does not decode. An update
   * that builds on changes the server does not hold yet waits (see `hold`); anything else refused
   * closes the socket with its own code.
   */
  private takeClientUpdate(room: Room, connection: Connection, update: Uint8Array): boolean {
    const refusal = checkClientUpdate(room.doc, update, this.guardLimits, guardAccess(connection))
    if (refusal?.drop) return false
    if (refusal?.code === CloseCode.Resync) {
      this.hold(connection, update)
      return false
    }
    if (refusal) {
      this.reject(connection, refusal.code, refusal.reason)
      return false
    }
    if (!this.apply(room, connection, update)) return false
    this.releaseWaiting(room)
    return true
  }

  private apply(room: Room, connection: Connection, update: Uint8Array): boolean {
    if (room.acceptClientUpdate(connection, update)) {
      this.runUpdatedHook(room, update)
      return true
    }
    this.reject(connection, CloseCode.UnappliableUpdate, 'the update does not apply to this board')
    this.restartRoom(room)
    return false
  }

  /**
   * Keeps an update that builds on changes the server does not hold yet, unapplied, until they come:
   * a client that edits while it reconnects sends its new edits before the sync handshake has sent
   * the offline ones they follow. Yjs would keep such an update pending and apply it later, unchecked;
   * here it is checked again, whole, when it can be. Past a bound, or a heartbeat, the socket is
   * closed for the client to sync again.
   */
  private hold(connection: Connection, update: Uint8Array): void {
    connection.waiting ??= { updates: [], bytes: 0, since: Date.now() }
    connection.room.waiting ??= new Set()
    connection.room.waiting.add(connection)
    const { waiting } = connection
    waiting.updates.push(update)
    waiting.bytes += update.byteLength
    if (waiting.updates.length > WAITING_LIMIT.updates || waiting.bytes > WAITING_LIMIT.bytes) {
      this.reject(connection, CloseCode.Resync, 'too many changes wait for changes the server does not have')
    }
  }

  /**
   * Applies what waits and can be applied now, until nothing more can. Called after every change a
   * room takes, so it looks only at the sockets that hold something: usually none.
   */
  private releaseWaiting(room: Room): void {
    let progress = true
    while (progress && room.waiting) {
      progress = false
      for (const connection of [...room.waiting]) {
        const waiting = connection.waiting
        if (!waiting || !connection.isOpen) {
          room.stopWaiting(connection)
          continue
        }
        const update =
          waiting.updates.length === 1 ? (waiting.updates[0] as Uint8Array) : Y.mergeUpdates(waiting.updates)
        const refusal = checkClientUpdate(room.doc, update, this.guardLimits, guardAccess(connection))
        if (refusal?.drop) {
          room.stopWaiting(connection)
          continue
        }
        if (refusal?.code === CloseCode.Resync) continue
        room.stopWaiting(connection)
        if (refusal) this.reject(connection, refusal.code, refusal.reason)
        else if (this.apply(room, connection, update)) {
          this.options.metrics?.updateReceived()
          progress = true
        } else return
      }
    }
  }

  /**
   * A room whose document Yjs threw on halfway, past the guard: it may hold part of an update that
   * storage will never have. Its sockets reconnect (1012) to the board loaded afresh from storage,
   * once what the room accepted before is stored; until then, joining sockets are sent back the same way.
   */
  private restartRoom(room: Room): void {
    this.options.logger.error(
      { boardId: room.boardId },
      'reloading a board whose document took an update halfway',
    )
    for (const connection of [...room.connections]) {
      connection.close(CloseCode.ServiceRestart, 'the board is reloading')
      room.remove(connection)
    }
    this.dirty.add(room)
    this.scheduleFlush()
    // After that flush, which the pipeline runs first.
    setImmediate(() => {
      this.pipeline = this.pipeline.then(() => this.unload(room))
    })
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return
    this.flushScheduled = true
    setImmediate(() => {
      this.flushScheduled = false
      this.pipeline = this.pipeline.then(() => this.flush())
    })
  }

  /** Stores the turn's updates of every dirty room in one batch, then relays them. */
  private async flush(): Promise<void> {
    const rooms = [...this.dirty]
    this.dirty.clear()
    const pending: { room: Room; update: Uint8Array; senders: Set<Connection | null>; count: number }[] = []
    for (const room of rooms) {
      // Presence is not stored: relay it at once rather than behind the write.
      const awareness = room.flushAwareness()
      if (awareness) this.options.relay?.publish(room.boardId, { kind: 'awareness', update: awareness })
      const taken = room.takePendingUpdate()
      if (taken) pending.push({ room, ...taken })
    }
    if (pending.length === 0) return

    const batch: BoardUpdate[] = pending.map(({ room, update }) => ({ boardId: room.boardId, update }))
    const started = performance.now()
    let storedMs: number
    try {
      await this.options.store.appendUpdates(batch)
      storedMs = performance.now() - started
    } catch (error) {
      this.options.logger.error({ err: error, boards: batch.length }, 'storing updates failed; will retry')
      for (const { room, update, senders } of pending) {
        room.requeue(update, senders)
        this.dirty.add(room)
      }
      setTimeout(() => this.scheduleFlush(), this.options.storageRetryMs ?? 1000).unref()
      return
    }

    for (const { room, update, senders, count } of pending) {
      // Stored once, here; the other instances only apply and pass it on. Published before this
      // instance's own sockets are sent to, so that the relay's hop and the other instances' sends run
      // beside ours rather than after them.
      this.options.relay?.publish(room.boardId, { kind: 'update', update })
      this.options.metrics?.framesSent(room.stored(update, senders, count))
    }
    // The bookkeeping comes after every board's relay, which should not wait for it.
    this.options.metrics?.stored(storedMs / 1000)
    for (const { room } of pending) if (needsCompaction(room.log)) void this.compact(room)
  }

  /** A message another instance published about a board that is open here. */
  private receive(room: Room, message: RelayMessage, sentAt: number): void {
    this.options.metrics?.relayed(Math.max(0, Date.now() - sentAt) / 1000)
    try {
      switch (message.kind) {
        case 'update':
          room.applyRelayedUpdate(message.update)
          this.releaseWaiting(room)
          if (room.hasPendingUpdates) {
            this.dirty.add(room)
            this.scheduleFlush()
          }
          break
        case 'awareness':
          room.applyRelayedAwareness(message.update)
          break
        case 'member':
          this.applyMemberChange(room.boardId, message.userId, message.role)
          break
        case 'deleted':
          this.closeBoard(room.boardId)
          break
      }
    } catch (error) {
      this.options.logger.error({ boardId: room.boardId, err: error }, 'a relayed message did not apply')
    }
  }

  /** After the relay was down: every open board takes from storage what it may have missed. */
  private async catchUpAll(): Promise<void> {
    for (const room of [...this.rooms.values()]) {
      try {
        await room.loading
        room.catchUp(await this.options.store.loadDocument(room.boardId))
      } catch (error) {
        this.options.logger.error({ boardId: room.boardId, err: error }, 'catching up a board failed')
      }
    }
  }

  /**
   * Folds the board's update log into its snapshot, beside the pipeline rather than in it: the store
   * folds on a thread of its own, and updates go on being stored and relayed meanwhile. One fold at a
   * time per room; what is stored during one counts towards the next.
   */
  private compact(room: Room): Promise<void> {
    if (room.compaction) return room.compaction
    const folded = { updates: room.log.updates, bytes: room.log.bytes }
    const compaction = this.options.store
      .compactDocument(room.boardId)
      .then(
        () => {
          room.log.updates = Math.max(0, room.log.updates - folded.updates)
          room.log.bytes = Math.max(0, room.log.bytes - folded.bytes)
        },
        (error: unknown) => {
          this.options.logger.error({ boardId: room.boardId, err: error }, 'compaction failed')
        },
      )
      .finally(() => {
        room.compaction = null
      })
    room.compaction = compaction
    return this.track(compaction)
  }

  /** Folds whatever the room's log still holds, after a fold under way: for a room being closed. */
  private compactRest(room: Room): Promise<void> {
    return this.track(
      (async () => {
        await room.compaction
        if (room.log.updates > 0) await this.compact(room)
      })(),
    )
  }

  private track(work: Promise<void>): Promise<void> {
    this.compactions.add(work)
    void work.finally(() => this.compactions.delete(work))
    return work
  }

  private leave(room: Room, connection: Connection): void {
    room.remove(connection)
    if (room.hasPendingAwareness) {
      this.dirty.add(room)
      this.scheduleFlush()
    }
    this.unloadWhenIdle(room)
  }

  private unloadWhenIdle(room: Room): void {
    if (room.connections.size > 0 || room.idleTimer || this.closing) return
    room.idleTimer = setTimeout(() => {
      room.idleTimer = null
      this.pipeline = this.pipeline.then(() => this.unload(room))
    }, this.options.roomIdleMs)
  }

  /** Drops a board from memory once its last client has been gone a while; storage has it all. */
  private async unload(room: Room): Promise<void> {
    if (room.connections.size > 0 || this.rooms.get(room.boardId) !== room) return
    // Storage is failing and its write is being retried: the room holds the only copy the server has,
    // and a room opened again from storage meanwhile would not have it. Try again later.
    if (room.hasUnstored) {
      this.unloadWhenIdle(room)
      return
    }
    this.rooms.delete(room.boardId)
    // At once, before any await: a room opened again for this board subscribes after this.
    void this.options.relay?.unsubscribe(room.boardId)
    room.destroy()
    // Storage has everything; folding its log needs the store only, and no flush waits for it.
    void this.compactRest(room)
    this.options.logger.debug({ boardId: room.boardId }, 'unloaded a board')
  }

  /**
   * Graceful stop: store everything pending, close every socket with a code that makes clients
   * reconnect, compact and unload every room.
   */
  async close(): Promise<void> {
    this.closing = true
    clearInterval(this.heartbeat)
    clearInterval(this.presenceCheck)
    this.sessions.stop()
    // Their changes are stored with everything else below.
    while (this.hookWork.size > 0) await Promise.all(this.hookWork)
    if (this.dirty.size > 0) this.pipeline = this.pipeline.then(() => this.flush())
    await this.pipeline
    for (const room of this.rooms.values()) {
      for (const connection of room.connections)
        connection.close(CloseCode.ServiceRestart, 'server is restarting')
    }
    for (const room of [...this.rooms.values()]) {
      await room.loading?.catch(() => undefined)
      await this.compactRest(room)
      room.destroy()
    }
    this.rooms.clear()
    // Those of rooms unloaded before.
    await Promise.all(this.compactions)
  }
}
