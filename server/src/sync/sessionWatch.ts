import { CloseCode } from '@refinery/shared'
import type { Logger } from '../logger'
import type { Connection, SocketSession } from './connection'
import type { Relay, SessionMessage } from './relay'

/** Where the core asks when a session ends: sessions slide with use, so the store has the last word. */
export interface SessionLookup {
  /** When the session ends as of now; null once it has ended. */
  expiryOf(sessionId: string): Promise<number | null>
}

export interface SessionWatchOptions {
  lookup: SessionLookup
  logger: Logger
  /** Other instances, whose sockets of an ended session close too; none on a single instance. */
  relay?: Relay | undefined
  /** Every open socket of this instance. */
  connections: () => Iterable<Connection>
}

/** How often sockets are checked for an expired session: one closes within this of its expiry. */
const SWEEP_MS = 250

/**
 * How long an ended session is remembered: a socket whose upgrade checked the session just before it
 * ended is accepted just after, and must be refused then.
 */
const REMEMBER_ENDED_MS = 10_000

/**
 * Ends sockets with their session, on every instance. A logout or a password change is reported and
 * closes the sockets at once; an expiry is found by one sweep over every socket, which asks the store
 * before closing one whose session looks expired, since the session may have slid on since.
 */
export class SessionWatch {
  /** No socket's session looks expired before this: until then a sweep is one comparison. */
  private earliestExpiry = Number.POSITIVE_INFINITY
  private readonly recentlyEnded = new Map<string, number>()
  /** After the relay lost messages: the next sweep looks every socket's session up. */
  private lookUpAll = false
  private sweeping = false
  private readonly sweeper: NodeJS.Timeout

  constructor(private readonly options: SessionWatchOptions) {
    options.relay?.onSessions((message) => this.receive(message))
    options.relay?.onRecovered(() => {
      this.lookUpAll = true
    })
    // Like the heartbeat, one timer for every socket rather than one per socket.
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_MS)
    this.sweeper.unref()
  }

  /** Whether a socket opened under `session` may join: false once the session has ended. */
  admit(session: SocketSession): boolean {
    if (this.recentlyEnded.has(session.id)) return false
    this.earliestExpiry = Math.min(this.earliestExpiry, session.expiresAt)
    return true
  }

  /** Closes the sockets of sessions that ended (logout, a password change), on every instance. */
  sessionsEnded(sessionIds: readonly string[]): void {
    if (sessionIds.length === 0) return
    this.end(sessionIds)
    this.options.relay?.publishSessions({ kind: 'sessions-ended', sessionIds: [...sessionIds] })
  }

  /** A session swapped for a fresh one in the same browser: its sockets, on every instance, carry on. */
  sessionReplaced(sessionId: string, by: SocketSession): void {
    const fresh = { id: by.id, expiresAt: by.expiresAt }
    this.replace(sessionId, fresh)
    this.options.relay?.publishSessions({ kind: 'session-replaced', sessionId, by: fresh })
  }

  stop(): void {
    clearInterval(this.sweeper)
  }

  private receive(message: SessionMessage): void {
    if (message.kind === 'sessions-ended') this.end(message.sessionIds)
    else this.replace(message.sessionId, message.by)
  }

  private end(sessionIds: readonly string[]): void {
    const ended = new Set(sessionIds)
    const now = Date.now()
    for (const id of ended) this.recentlyEnded.set(id, now)
    for (const connection of this.options.connections()) {
      if (ended.has(connection.participant.session.id)) close(connection)
    }
  }

  private replace(sessionId: string, by: SocketSession): void {
    for (const connection of this.options.connections()) {
      if (connection.participant.session.id === sessionId) {
        connection.participant = { ...connection.participant, session: by }
      }
    }
    this.earliestExpiry = Math.min(this.earliestExpiry, by.expiresAt)
  }

  /** Closes the sockets whose session has ended. */
  private async sweep(): Promise<void> {
    const now = Date.now()
    for (const [id, endedAt] of this.recentlyEnded) {
      if (now - endedAt > REMEMBER_ENDED_MS) this.recentlyEnded.delete(id)
    }
    if (this.sweeping || (now < this.earliestExpiry && !this.lookUpAll)) return
    this.sweeping = true
    const everyone = this.lookUpAll
    this.lookUpAll = false
    // The sockets to look up, by session; the others set the next sweep's bar.
    const due = new Map<string, Connection[]>()
    this.earliestExpiry = Number.POSITIVE_INFINITY
    for (const connection of this.options.connections()) {
      const { session } = connection.participant
      if (!everyone && session.expiresAt > now) {
        this.earliestExpiry = Math.min(this.earliestExpiry, session.expiresAt)
        continue
      }
      const sockets = due.get(session.id)
      if (sockets) sockets.push(connection)
      else due.set(session.id, [connection])
    }
    try {
      for (const [id, sockets] of due) {
        this.settle(id, sockets, await this.options.lookup.expiryOf(id))
        due.delete(id)
      }
    } catch (error) {
      // Storage is away: keep the sockets not looked up yet, and ask again on the next sweep.
      this.options.logger.error({ err: error }, 'could not look the sessions of open sockets up')
      if (everyone) this.lookUpAll = true
      for (const sockets of due.values()) {
        for (const { participant } of sockets) {
          this.earliestExpiry = Math.min(this.earliestExpiry, participant.session.expiresAt)
        }
      }
    } finally {
      this.sweeping = false
    }
  }

  private settle(sessionId: string, sockets: Connection[], expiresAt: number | null): void {
    for (const connection of sockets) {
      // Replaced while the store answered: the fresh session is not the one looked up.
      if (connection.participant.session.id !== sessionId) continue
      if (expiresAt === null) close(connection)
      else {
        connection.participant = { ...connection.participant, session: { id: sessionId, expiresAt } }
        this.earliestExpiry = Math.min(this.earliestExpiry, expiresAt)
      }
    }
  }
}

function close(connection: Connection): void {
  connection.close(CloseCode.Unauthorized, 'your session has ended')
}
