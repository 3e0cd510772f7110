import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { createApp } from './app'
import { InlineImages } from './assets/inlineImages'
import { SessionStore } from './auth/sessions'
import type { Config } from './config'
import type { Logger } from './logger'
import { createMetrics } from './metrics'
import { RedisRelay } from './relay/redisRelay'
import { PostgresStore } from './storage/postgres'
import { SqliteStore } from './storage/sqlite'
import type { Storage } from './storage/types'
import type { Relay } from './sync/relay'
import { SyncServer } from './sync/syncServer'

export interface RunningServer {
  url: string
  port: number
  sync: SyncServer
  store: Storage
  /** Graceful stop: stores everything, closes sockets with a reconnect code, closes storage. */
  close(): Promise<void>
}

export async function openStore(config: Config, logger: Logger): Promise<Storage> {
  if (config.databaseUrl) return PostgresStore.open({ connectionString: config.databaseUrl })
  return SqliteStore.open(config.dataDir, (message) => logger.error({ store: 'sqlite' }, message))
}

async function openRelay(config: Config, logger: Logger): Promise<Relay | undefined> {
  if (!config.redisUrl) return undefined
  const relay = new RedisRelay(config.redisUrl, logger)
  await relay.connect()
  return relay
}

/** Starts Refinery: storage, the relay, the sync core, HTTP and WebSocket on one port. */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const store = await openStore(config, logger)
  const relay = await openRelay(config, logger).catch(async (error) => {
    await store.close()
    throw error
  })
  const metrics = createMetrics()
  const sessions = new SessionStore(store.sql, { lifetimeMs: config.sessionLifetimeMs })
  const sync = new SyncServer({
    store,
    logger,
    roomIdleMs: config.roomIdleMs,
    heartbeatMs: config.heartbeatMs,
    presenceRenewalMs: config.presenceRenewalMs,
    relay,
    sessionStore: sessions,
    metrics: metrics.sync,
    contentHooks: new InlineImages({ assets: store.assets, logger, maxAssetBytes: config.maxAssetBytes }),
    maxAssetBytes: config.maxAssetBytes,
  })
  metrics.watch(sync)
  const { app, attachWebSocket, wss } = createApp({ config, logger, store, sessions, sync, relay, metrics })

  const server = await new Promise<Server>((resolve, reject) => {
    // Without createServer options, @hono/node-server serves plain HTTP/1.1 from node:http.
    const http = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () =>
      resolve(http as Server),
    )
    http.once('error', reject)
  })
  attachWebSocket(server)
  const { port } = server.address() as AddressInfo
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`
  logger.info({ url, storage: store.engine }, 'refinery is listening')

  let closing: Promise<void> | null = null
  return {
    url,
    port,
    sync,
    store,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
        await sync.close()
        for (const client of wss.clients) client.terminate()
        server.closeAllConnections()
        await stopped
        await relay?.close()
        await store.close()
        logger.info('refinery stopped')
      })()
      return closing
    },
  }
}
