import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import type { Logger } from '../logger'
import type { Relay, RelayMessage, RelayStatus, SessionMessage } from '../sync/relay'
import { decodeRelayMessage, encodeRelayMessage, isSessionMessage } from './codec'

const channelOf = (boardId: string) => `refinery:board:${boardId}`
const CHANNEL_PREFIX = 'refinery:board:'
/** The same bytes as a Buffer, which ioredis writes as they are; `Buffer.from(bytes)` would copy them. */
const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
/** Sessions span boards: one channel every instance subscribes to from the start. */
const SESSIONS_CHANNEL = 'refinery:sessions'

/**
 * Relay over Redis pub/sub, one channel per board, subscribed while the board is open here, and one
 * for sessions. Two connections: subscribing takes one over. Messages from this instance are ignored
 * on the way back.
 */
export class RedisRelay implements Relay {
  readonly instanceId = randomUUID()
  private readonly publisher: Redis
  private readonly subscriber: Redis
  private readonly receivers = new Map<string, (message: RelayMessage, sentAt: number) => void>()
  private readonly sessionReceivers: ((message: SessionMessage) => void)[] = []
  private readonly recoveredListeners: (() => void)[] = []
  private lostConnection = false

  constructor(
    url: string,
    private readonly logger: Logger,
  ) {
    const options = {
      // Publishing while Redis is away fails at once instead of piling up; storage covers the gap.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (attempt: number) => Math.min(attempt * 200, 2000),
    }
    this.publisher = new Redis(url, options)
    this.subscriber = new Redis(url, { ...options, enableOfflineQueue: true, maxRetriesPerRequest: null })
    for (const connection of [this.publisher, this.subscriber]) {
      connection.on('error', (error: Error) => this.logger.warn({ err: error.message }, 'redis relay error'))
    }
    this.subscriber.on('close', () => {
      if (!this.lostConnection) this.logger.warn('redis relay lost its connection')
      this.lostConnection = true
    })
    this.subscriber.on('ready', () => {
      if (!this.lostConnection) return
      this.lostConnection = false
      this.logger.info('redis relay is back; catching up open boards from storage')
      for (const listener of this.recoveredListeners) listener()
    })
    this.subscriber.on('messageBuffer', (channel: Buffer, bytes: Buffer) => {
      const name = channel.toString()
      const envelope = decodeRelayMessage(bytes)
      if (!envelope || envelope.instanceId === this.instanceId) return
      const { message, sentAt } = envelope
      if (isSessionMessage(message)) {
        if (name === SESSIONS_CHANNEL) for (const receive of this.sessionReceivers) receive(message)
        return
      }
      if (!name.startsWith(CHANNEL_PREFIX)) return
      this.receivers.get(name.slice(CHANNEL_PREFIX.length))?.(message, sentAt)
    })
  }

  /** Waits until both connections are ready; fails when Redis cannot be reached at start. */
  async connect(timeoutMs = 5000): Promise<void> {
    const ready = (connection: Redis) =>
      new Promise<void>((resolve, reject) => {
        if (connection.status === 'ready') return resolve()
        const timer = setTimeout(() => reject(new Error('Redis (REDIS_URL) is unreachable')), timeoutMs)
        connection.once('ready', () => {
          clearTimeout(timer)
          resolve()
        })
      })
    try {
      await Promise.all([ready(this.publisher), ready(this.subscriber)])
      // Kept through reconnects by ioredis, as the boards' channels are.
      await this.subscriber.subscribe(SESSIONS_CHANNEL)
    } catch (error) {
      await this.close()
      throw error
    }
  }

  async subscribe(boardId: string, receive: (message: RelayMessage, sentAt: number) => void): Promise<void> {
    this.receivers.set(boardId, receive)
    try {
      await this.subscriber.subscribe(channelOf(boardId))
    } catch (error) {
      // Down now: ioredis subscribes again when it reconnects, and the board catches up then.
      this.logger.warn({ boardId, err: (error as Error).message }, 'could not subscribe to a board yet')
    }
  }

  async unsubscribe(boardId: string): Promise<void> {
    this.receivers.delete(boardId)
    await this.subscriber.unsubscribe(channelOf(boardId)).catch(() => undefined)
  }

  publish(boardId: string, message: RelayMessage): void {
    this.publisher
      .publish(channelOf(boardId), asBuffer(encodeRelayMessage(this.instanceId, message)))
      .catch(() => {
        // Lost: the other instances catch up from storage when the relay is back.
      })
  }

  publishSessions(message: SessionMessage): void {
    this.publisher
      .publish(SESSIONS_CHANNEL, asBuffer(encodeRelayMessage(this.instanceId, message)))
      .catch(() => {
        // Lost: after the relay is back, every instance looks its sockets' sessions up.
      })
  }

  onSessions(receive: (message: SessionMessage) => void): void {
    this.sessionReceivers.push(receive)
  }

  onRecovered(listener: () => void): void {
    this.recoveredListeners.push(listener)
  }

  status(): RelayStatus {
    return this.publisher.status === 'ready' && this.subscriber.status === 'ready' ? 'ok' : 'down'
  }

  async close(): Promise<void> {
    this.publisher.disconnect()
    this.subscriber.disconnect()
  }
}
