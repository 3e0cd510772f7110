import { can, type Role } from '@refinery/shared'
import { WebSocket } from 'ws'
import type { Identity } from './awarenessIdentity'
import type { Room } from './room'
import { plainStream } from './wireFrame'

let nextConnectionId = 1

/** The sign-in a socket was opened under: the socket closes when it ends. */
export interface SocketSession {
  id: string
  /** When it ends, as known when last looked at; sessions slide with use, so it may be later now. */
  expiresAt: number
}

/** Who is on the other end of a socket, and what they may do there. */
export interface Participant {
  /** The signed-in person; their id and name are stamped on the presence they announce. */
  identity: Identity
  role: Role
  session: SocketSession
}

/**
 * The socket class of `/sync`: each socket carries its connection, so one set of listeners serves
 * every socket and an idle socket costs no closures of its own.
 */
export class SyncSocket extends WebSocket {
  connection: Connection | null = null
}

/** The connection a socket carries, if it is one of ours and has joined a room. */
export function connectionOf(socket: WebSocket): Connection | null {
  return socket instanceof SyncSocket ? socket.connection : null
}

/** One client socket in one room. */
export class Connection {
  readonly id = nextConnectionId++
  /** The one awareness client this socket speaks for, once it has announced it; removed when it leaves. */
  awarenessClient: number | null = null
  /** Whether the client answered the last heartbeat ping. */
  alive = true
  /** Updates that build on changes the server does not hold yet, waiting for them (see `SyncServer.hold`). */
  waiting: { updates: Uint8Array[]; bytes: number; since: number } | null = null
  /** Frames that arrived while the room was loading, handled in order once it has; then null. */
  early: Uint8Array[] | null = []

  constructor(
    readonly socket: WebSocket,
    readonly room: Room,
    public participant: Participant,
  ) {}

  /** Whether this socket's document updates are applied; read-only roles sync down only. */
  get canWrite(): boolean {
    return can(this.participant.role, 'board:edit')
  }

  /** Whether this socket may write comments, even if nothing else (a voter: see `checkClientUpdate`). */
  get canComment(): boolean {
    return can(this.participant.role, 'board:comment')
  }

  get isOpen(): boolean {
    return this.socket.readyState === this.socket.OPEN
  }

  send(frame: Uint8Array): void {
    if (this.isOpen) this.socket.send(frame)
  }

  /** Sends `frame`, already framed for the wire as `wire` (see `wireFrame`): the same bytes for every socket. */
  sendFramed(frame: Uint8Array, wire: Buffer): void {
    const stream = plainStream(this.socket)
    if (stream) stream.write(wire)
    else this.send(frame)
  }

  close(code: number, reason: string): void {
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) {
      this.socket.close(code, reason)
    }
  }
}
