import type { Role } from '@refinery/shared'
import type { SocketSession } from './connection'

/** What one instance tells the others about a board. */
export type RelayMessage =
  /** A document update, already stored by the instance that received it. */
  | { kind: 'update'; update: Uint8Array }
  /** Presence changes of that instance's clients. */
  | { kind: 'awareness'; update: Uint8Array }
  /** A member's role changed (null: removed); their sockets on every instance follow. */
  | { kind: 'member'; userId: string; role: Role | null }
  | { kind: 'deleted' }

/** What one instance tells every other about sessions, which span boards. */
export type SessionMessage =
  /** Sessions that ended (logout, a password change): their sockets close. */
  | { kind: 'sessions-ended'; sessionIds: string[] }
  /** A session swapped for a fresh one in the same browser (a password change): its sockets carry on. */
  | { kind: 'session-replaced'; sessionId: string; by: SocketSession }

export type RelayStatus = 'ok' | 'down'

/**
 * Traffic between server instances that hold the same board. The sync core publishes what its own
 * clients send (after storing it) and applies what other instances publish; it does not know what
 * carries the messages.
 */
export interface Relay {
  /** Starts receiving a board's messages from other instances; resolves once subscribed. */
  subscribe(boardId: string, receive: (message: RelayMessage, sentAt: number) => void): Promise<void>
  unsubscribe(boardId: string): Promise<void>
  /** Best effort: what cannot be sent while the relay is down is recovered from storage later. */
  publish(boardId: string, message: RelayMessage): void
  /** Tells every instance, whichever boards it has open; best effort, as `publish`. */
  publishSessions(message: SessionMessage): void
  /** Receives what other instances publish about sessions, from start to close. */
  onSessions(receive: (message: SessionMessage) => void): void
  /**
   * Called after the relay lost messages and is back: open boards must catch up from storage, and
   * open sockets look their sessions up again.
   */
  onRecovered(listener: () => void): void
  status(): RelayStatus
  close(): Promise<void>
}
