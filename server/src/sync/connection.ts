import type { WebSocket } from 'ws'

let nextConnectionId = 1

/** Who is on the other end of a socket, and what they may do there. */
export interface Participant {
  /** Whether this connection's document updates are applied; read-only ones sync down only. */
  canWrite: boolean
}

/** One client socket in one room. */
export class Connection {
  readonly id = nextConnectionId++
  /** The awareness client ids this socket has announced, removed when it leaves. */
  readonly awarenessClients = new Set<number>()

  constructor(
    readonly socket: WebSocket,
    readonly boardId: string,
    readonly participant: Participant,
  ) {}

  get isOpen(): boolean {
    return this.socket.readyState === this.socket.OPEN
  }

  send(frame: Uint8Array): void {
    if (this.isOpen) this.socket.send(frame)
  }

  close(code: number, reason: string): void {
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) {
      this.socket.close(code, reason)
    }
  }
}
