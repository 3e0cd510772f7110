import { getRecords, plainTextFields, TEXT_FIELD_TABLE, TEXT_LAYOUT } from '@refinery/shared'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as Y from 'yjs'
import type { Logger } from '../logger'
import { buildStoredDocument, type LogSize } from '../storage/compaction'
import type { StoredDocument } from '../storage/types'
import { type PresenceEntry, stampIdentity } from './awarenessIdentity'
import { Connection } from './connection'
import { encodeAwareness, encodeSyncStep1, encodeSyncStep2, encodeUpdate } from './messages'
import { OrphanWatch } from './orphanWatch'
import { wireFrame } from './wireFrame'

/** The transaction origin of what other instances relayed, and of catching up from storage. */
export const RELAY_ORIGIN = Symbol('refinery-relay')

/** The transaction origin of the server's own repairs: shapes put back on a page, text converted. */
const REPAIR_ORIGIN = Symbol('refinery-repair')

/** Below this size, encoding a board again is cheaper than keeping its encoding around. */
const KEEP_FULL_STATE_BYTES = 1024

/**
 * One board in memory: its document, its awareness and its sockets. The room only collects what
 * arrives in an event-loop turn; the SyncServer decides when it is stored and sent.
 */
export class Room {
  private ydoc = new Y.Doc()
  /** Keeps every shape on a page; made with the document, so that it sees every change after. */
  private orphans: OrphanWatch | null = null
  readonly awareness = new awarenessProtocol.Awareness(this.ydoc)
  /** What storage held at load, not yet applied to `ydoc`: a board that is only read never needs it. */
  private unapplied: Uint8Array | null = null
  /** The state vector of `unapplied`: from storage when it kept one, else decoded once, when first needed. */
  private unappliedStateVector: Uint8Array | null = null
  /** The whole document as one update, for clients that have nothing yet; dropped when it changes. */
  private fullState: Uint8Array | null = null
  readonly connections = new Set<Connection>()
  /** Which socket announced each awareness client: only that socket may change it. */
  private awarenessOwners: Map<number, Connection> | null = null
  /**
   * Set when Yjs threw while applying a checked update: the document may hold part of it, so the
   * room takes nothing more and is reloaded from storage (see `SyncServer.restartRoom`).
   */
  broken = false
  /** The sockets whose updates wait for changes the server does not hold yet (see `SyncServer.hold`). */
  waiting: Set<Connection> | null = null
  // The collections below are made when first needed: most rooms of a busy server sit idle, and
  // an idle board should cost little more than its document.
  /** Size of the board's update log in storage, to decide when to compact it. */
  readonly log: LogSize = { updates: 0, bytes: 0 }

  /** The fold of this board's log under way (see `SyncServer.compact`), if any. */
  compaction: Promise<void> | null = null
  /** While the board loads from storage; null once it has. */
  loading: Promise<void> | null = null

  private pendingUpdates: Uint8Array[] | null = null
  /** Who sent this turn's updates; null stands for the server's own changes, which everyone needs. */
  private pendingSenders: Set<Connection | null> | null = null
  private pendingAwareness: Set<number> | null = null
  private awarenessSenders: Set<Connection | null> | null = null
  /** Sockets that renewed their presence unchanged this turn: they hear it back (see `flushAwareness`). */
  private renewedBy: Set<Connection> | null = null
  /** Presence updates the awareness has reported, and how many of them changed a state. */
  private presenceUpdates = 0
  private presenceChanges = 0
  /** Sync replies held back until the updates they would include are stored. */
  private heldReplies: { connection: Connection; stateVector: Uint8Array }[] | null = null
  /** Updates applied to `doc` that storage has not confirmed yet. */
  private unstored = 0
  idleTimer: NodeJS.Timeout | null = null

  constructor(
    readonly boardId: string,
    private readonly logger: Logger,
  ) {
    // The server announces no presence of its own.
    this.awareness.setLocalState(null)
    this.awareness.on('update', this.onAwarenessChange)
    this.awareness.on('change', this.noticePresenceChange)
    // Not the 'update' event: listening to it makes Yjs encode every transaction as an update again,
    // on the path of every edit, and nothing here needs that encoding.
    this.ydoc.on('afterTransaction', this.forgetFullState)
  }

  private readonly forgetFullState = () => {
    this.fullState = null
  }

  /** The board's document, built from what storage held the first time anything needs it. */
  get doc(): Y.Doc {
    const unapplied = this.unapplied
    if (unapplied) {
      this.unapplied = null
      this.unappliedStateVector = null
      const state = this.fullState
      Y.applyUpdate(this.ydoc, unapplied)
      // Applying what storage held changes nothing a client could see: the stored bytes still answer.
      this.fullState = state
    }
    this.orphans ??= new OrphanWatch(this.ydoc)
    return this.ydoc
  }

  /** Whether the Y.Doc holds the board yet: false while what storage held is still only bytes. */
  get documentBuilt(): boolean {
    return this.unapplied === null
  }

  /**
   * Takes what storage holds; returns how many stored updates were left out because they do not
   * apply. Building the Y.Doc is the slow part of opening a board (tens of milliseconds for a few
   * thousand cards), and answering a joining client needs none of it when storage holds a snapshot
   * alone (a fold applied everything in it once): those bytes are that answer, and the document is
   * built on first use. An update log is applied now, record by record if need be, so that a record
   * that does not apply never reaches a client.
   */
  load(stored: StoredDocument): number {
    this.log.updates = stored.updates.length
    this.log.bytes = stored.updates.reduce((sum, update) => sum + update.byteLength, 0)
    // A snapshot folded in the current text layout needs nothing done to it: its bytes answer clients.
    if (stored.updates.length === 0 && (!stored.snapshot || stored.snapshotTextLayout === TEXT_LAYOUT)) {
      if (stored.snapshot) {
        this.unapplied = stored.snapshot
        this.fullState = stored.snapshot
        this.unappliedStateVector = stored.snapshotStateVector
      }
      return 0
    }
    const { doc, skipped } = buildStoredDocument(
      Y,
      stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates,
    )
    this.adopt(doc)
    this.convertPlainText()
    this.putBackOrphans()
    if (skipped > 0) {
      this.logger.error(
        { boardId: this.boardId, skipped },
        'left out stored updates that do not apply; the board opens with everything else',
      )
    }
    return skipped
  }

  /**
   * Makes `doc` the board's document, in place of the empty one the room started with. That one is
   * let go, not destroyed: destroying it would destroy the awareness made with it.
   */
  private adopt(doc: Y.Doc): void {
    this.ydoc.off('afterTransaction', this.forgetFullState)
    this.orphans?.stop()
    this.orphans = null
    this.ydoc = doc
    this.fullState = null
    doc.on('afterTransaction', this.forgetFullState)
  }

  private readonly onAwarenessChange = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ) => {
    this.presenceUpdates++
    // Presence relayed from another instance is that instance's to announce, not ours.
    if (origin === RELAY_ORIGIN) return
    // Origins are a Connection, null (the server) or 'timeout' (y-protocols' own expiry).
    const connection = origin instanceof Connection ? origin : null
    for (const id of removed) {
      const owner = this.awarenessOwners?.get(id)
      if (owner && owner.awarenessClient === id) owner.awarenessClient = null
      this.awarenessOwners?.delete(id)
    }
    this.pendingAwareness ??= new Set()
    for (const id of [...added, ...updated, ...removed]) this.pendingAwareness.add(id)
    this.awarenessSenders ??= new Set()
    this.awarenessSenders.add(connection)
  }

  /** The awareness reports 'change' as well as 'update' for a state that changed; not for a renewal. */
  private readonly noticePresenceChange = () => {
    this.presenceChanges++
  }

  /** Opens the sync with a new client: our state vector, then everyone's presence. */
  greet(connection: Connection): void {
    if (this.unapplied) this.unappliedStateVector ??= Y.encodeStateVectorFromUpdate(this.unapplied)
    const stateVector = this.unappliedStateVector ?? Y.encodeStateVector(this.ydoc)
    connection.send(encodeSyncStep1(stateVector))
    const presence = this.presenceOfEveryone()
    if (presence) connection.send(presence)
  }

  /** Everyone's presence in one awareness frame, or null when nobody has announced any. */
  presenceOfEveryone(): Uint8Array | null {
    const clients = [...this.awareness.getStates().keys()]
    if (clients.length === 0) return null
    return encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients))
  }

  /** Answers a client's state vector with what it lacks, once what it would get is stored. */
  answerSyncStep1(connection: Connection, stateVector: Uint8Array): void {
    if (this.unstored > 0) {
      this.heldReplies ??= []
      this.heldReplies.push({ connection, stateVector })
    } else connection.send(encodeSyncStep2(this.stateMissingFrom(stateVector)))
  }

  /** What a client with `stateVector` lacks, without building or encoding the document when possible. */
  private stateMissingFrom(stateVector: Uint8Array): Uint8Array {
    // A state vector with no clients (one zero byte): the client has nothing, so it needs everything.
    if (stateVector.length === 1 && stateVector[0] === 0) {
      if (this.fullState) return this.fullState
      const state = Y.encodeStateAsUpdate(this.doc)
      if (state.byteLength >= KEEP_FULL_STATE_BYTES) this.fullState = state
      return state
    }
    return this.unapplied
      ? Y.diffUpdate(this.unapplied, stateVector)
      : Y.encodeStateAsUpdate(this.ydoc, stateVector)
  }

  /**
   * Applies a client's update that the guard has checked (see `checkClientUpdate`), then queues it to
   * be stored and relayed. Returns false, queueing nothing, when Yjs throws on it or keeps part of it
   * pending after all: the guard missed something, and the room is `broken`.
   */
  acceptClientUpdate(connection: Connection, update: Uint8Array): boolean {
    const doc = this.doc
    try {
      Y.applyUpdate(doc, update, connection)
    } catch (error) {
      this.broken = true
      this.logger.error({ boardId: this.boardId, err: error }, 'a checked update threw while it was applied')
      return false
    }
    if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null) {
      this.broken = true
      this.logger.error({ boardId: this.boardId }, 'a checked update left changes pending')
      return false
    }
    this.queueUpdate(update, connection)
    this.putBackOrphans()
    return true
  }

  /**
   * Puts back on their page the shapes whose parent chain no longer reaches one (a frame deleted while
   * someone added a card into it offline), as the server's own change, stored and sent to everyone
   * like any other. Runs in the turn that cut the chain, so nothing reads the board in between.
   */
  private putBackOrphans(): void {
    // Building the document (if it is still bytes) makes its watch.
    const records = getRecords(this.doc)
    const moves = this.orphans?.repairs() ?? []
    if (moves.length === 0) return
    this.repair(() => {
      for (const { id, parentId, x, y, rotation } of moves) {
        const record = records.get(id)
        if (!(record instanceof Y.Map)) continue
        record.set('parentId', parentId)
        record.set('x', x)
        record.set('y', y)
        record.set('rotation', rotation)
      }
    })
    this.logger.info(
      { boardId: this.boardId, shapes: moves.map((move) => move.id) },
      'put back on their page shapes whose parent was deleted',
    )
  }

  /**
   * Turns the text fields that a board stored before the text layout holds as plain strings into
   * `Y.Text` (CONTRACT section 5), as the server's own change, before any client sees the board.
   */
  private convertPlainText(): void {
    let converted = 0
    this.repair(() => {
      converted = plainTextFields(Y, this.doc, TEXT_FIELD_TABLE, true)
    })
    if (converted > 0) {
      this.logger.info(
        { boardId: this.boardId, fields: converted },
        'converted text fields to the text layout',
      )
    }
  }

  /** Runs `change` as the server's own transaction, queued to be stored and sent to everyone. */
  private repair(change: () => void): void {
    let update: Uint8Array | null = null
    const capture = (bytes: Uint8Array) => {
      update = bytes
    }
    this.ydoc.on('update', capture)
    try {
      this.ydoc.transact(change, REPAIR_ORIGIN)
    } finally {
      this.ydoc.off('update', capture)
    }
    if (update) this.queueUpdate(update, null)
  }

  /**
   * Applies a client's presence, stamped with its session's identity. Throws if it does not decode,
   * and `ForgedPresenceError` if it writes anyone else's presence (see `stampIdentity`).
   */
  applyAwareness(connection: Connection, update: Uint8Array): void {
    const stamped = stampIdentity(update, connection.participant.identity, (clientId, clock) =>
      this.presenceEntry(connection, clientId, clock),
    )
    if (!stamped) return
    const [updates, changes] = [this.presenceUpdates, this.presenceChanges]
    awarenessProtocol.applyAwarenessUpdate(this.awareness, stamped, connection)
    if (this.presenceUpdates > updates && this.presenceChanges === changes) {
      this.renewedBy ??= new Set()
      this.renewedBy.add(connection)
    }
  }

  /**
   * A socket speaks for the first awareness client it announces and for no other. It may take over
   * a client that the same person announced on another socket (a reconnect the server has not
   * noticed yet, or another instance), never one of someone else's.
   */
  private presenceEntry(connection: Connection, clientId: number, clock: number): PresenceEntry {
    if (connection.awarenessClient === clientId) return 'own'
    const known = this.awareness.meta.get(clientId)
    if (known && clock <= known.clock) return 'echo'
    if (connection.awarenessClient !== null) return 'forged'
    const person = connection.participant.identity.id
    const owner = this.awarenessOwners?.get(clientId)
    if (owner && owner !== connection && owner.participant.identity.id !== person) return 'forged'
    const state = this.awareness.getStates().get(clientId) as { user?: { id?: unknown } } | undefined
    if (!owner && state && state.user?.id !== person) return 'forged'
    if (owner && owner !== connection) owner.awarenessClient = null
    connection.awarenessClient = clientId
    this.awarenessOwners ??= new Map()
    this.awarenessOwners.set(clientId, connection)
    return 'own'
  }

  /** Lets go of what a socket's updates waited for. */
  stopWaiting(connection: Connection): void {
    connection.waiting = null
    this.waiting?.delete(connection)
    if (this.waiting?.size === 0) this.waiting = null
  }

  /** Removes a socket, the presence it announced and what it waited for. */
  remove(connection: Connection): void {
    this.connections.delete(connection)
    this.stopWaiting(connection)
    const clientId = connection.awarenessClient
    if (clientId !== null && this.awarenessOwners?.get(clientId) === connection) {
      awarenessProtocol.removeAwarenessStates(this.awareness, [clientId], null)
    }
  }

  /** Whether updates are waiting for storage (a failed write is retried): the room must stay. */
  get hasUnstored(): boolean {
    return this.unstored > 0
  }

  get hasPendingUpdates(): boolean {
    return (this.pendingUpdates?.length ?? 0) > 0
  }

  get hasPendingAwareness(): boolean {
    return (this.pendingAwareness?.size ?? 0) > 0
  }

  /** The turn's updates merged into one, and who sent them; clears the pending list. */
  takePendingUpdate(): { update: Uint8Array; senders: Set<Connection | null>; count: number } | null {
    const updates = this.pendingUpdates
    if (!updates || updates.length === 0) return null
    this.pendingUpdates = null
    const senders = this.pendingSenders ?? new Set<Connection | null>()
    this.pendingSenders = null
    const update = updates.length === 1 ? (updates[0] as Uint8Array) : Y.mergeUpdates(updates)
    return { update, senders, count: updates.length }
  }

  /** Queues an applied update to be stored, then sent to everyone but `sender`; null: the server's own. */
  queueUpdate(update: Uint8Array, sender: Connection | null): void {
    this.pendingUpdates ??= []
    this.pendingUpdates.push(update)
    this.unstored++
    this.pendingSenders ??= new Set()
    this.pendingSenders.add(sender)
  }

  /** Puts a batch whose storage failed back in front of what arrived since. */
  requeue(update: Uint8Array, senders: Set<Connection | null>): void {
    this.pendingUpdates ??= []
    this.pendingUpdates.unshift(update)
    this.pendingSenders ??= new Set()
    for (const sender of senders) this.pendingSenders.add(sender)
  }

  /**
   * Called once a merged update is durably stored: send it to this room's sockets and release held
   * sync replies. Returns how many sockets it went to.
   */
  stored(update: Uint8Array, senders: Set<Connection | null>, count: number): number {
    this.unstored -= count
    this.log.updates++
    this.log.bytes += update.byteLength
    // Encoded once; the same bytes go to every peer. A lone sender already has its own update, unless
    // the server's own change (a vote) is merged into it.
    const only = senders.size === 1 ? ([...senders][0] ?? undefined) : undefined
    const sent = this.broadcast(encodeUpdate(update), only)
    if (this.unstored === 0 && this.heldReplies) {
      const replies = this.heldReplies
      this.heldReplies = null
      for (const { connection, stateVector } of replies) this.answerSyncStep1(connection, stateVector)
    }
    return sent
  }

  /** Sends one frame to every socket but `except`, framed for the wire once; returns how many it went to. */
  private broadcast(frame: Uint8Array, except?: Connection): number {
    const wire = wireFrame(frame)
    let sent = 0
    for (const connection of this.connections) {
      if (connection !== except) {
        connection.sendFramed(frame, wire)
        sent++
      }
    }
    return sent
  }

  /** An update another instance stored and relayed: apply it and pass it on to our sockets. */
  applyRelayedUpdate(update: Uint8Array): void {
    Y.applyUpdate(this.doc, update, RELAY_ORIGIN)
    this.broadcast(encodeUpdate(update))
  }

  /** Presence from another instance's clients, passed on to ours. */
  applyRelayedAwareness(update: Uint8Array): void {
    awarenessProtocol.applyAwarenessUpdate(this.awareness, update, RELAY_ORIGIN)
    this.broadcast(encodeAwareness(update))
  }

  /**
   * Applies what storage holds that this room may have missed (the relay was down) and sends our
   * sockets whatever was new to us.
   */
  catchUp(stored: StoredDocument): void {
    const { doc: fromStorage } = buildStoredDocument(
      Y,
      stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates,
    )
    // Only what storage holds beyond this room, from a document that applied cleanly.
    const missed = Y.encodeStateAsUpdate(fromStorage, Y.encodeStateVector(this.doc))
    fromStorage.destroy()
    let changed = false
    const notice = () => {
      changed = true
    }
    this.doc.on('update', notice)
    try {
      Y.applyUpdate(this.doc, missed, RELAY_ORIGIN)
    } finally {
      this.doc.off('update', notice)
    }
    if (changed) this.broadcast(encodeUpdate(missed))
  }

  /** Sends the presence changes of this turn, encoded once; returns the awareness update, if any. */
  flushAwareness(): Uint8Array | null {
    const pending = this.pendingAwareness
    if (!pending || pending.size === 0) return null
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...pending])
    const senders = this.awarenessSenders
    const only = senders?.size === 1 ? [...senders][0] : undefined
    // A lone sender has its own presence already, but not a renewal of it (y-protocols renews every
    // 15 s): the stock provider drops a socket that hears nothing for 30 s, and someone alone on a
    // board would hear nothing else, and reconnect every half minute.
    const except = only && !this.renewedBy?.has(only) ? only : undefined
    this.pendingAwareness = null
    this.awarenessSenders = null
    this.renewedBy = null
    this.broadcast(encodeAwareness(update), except)
    return update
  }

  destroy(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.awareness.off('update', this.onAwarenessChange)
    this.awareness.off('change', this.noticePresenceChange)
    this.awareness.destroy()
    this.orphans?.stop()
    this.ydoc.off('afterTransaction', this.forgetFullState)
    this.ydoc.destroy()
  }
}
