import { existsSync } from 'node:fs'
import { relative } from 'node:path'
import { serveStatic } from '@hono/node-server/serve-static'
import { createNodeWebSocket } from '@hono/node-ws'
import { Hono } from 'hono'
import type { Config } from './config'
import { apiError } from './http/errors'
import { originCheck } from './http/origin'
import type { Logger } from './logger'
import type { DocumentStore } from './storage/types'
import type { SyncServer } from './sync/syncServer'

export interface AppDeps {
  config: Config
  logger: Logger
  store: DocumentStore
  sync: SyncServer
}

/** Board ids are URL-safe and short, so one can never be a path or a SQL fragment in disguise. */
const BOARD_ID = /^[A-Za-z0-9_-]{1,64}$/

export function createApp({ config, logger, store, sync }: AppDeps) {
  const app = new Hono()
  const websocket = createNodeWebSocket({ app })
  // ws enforces the limit while reading the frame and closes with 1009, before buffering more.
  websocket.wss.options.maxPayload = config.maxMessageBytes

  const routes = app
    .get('/api/health', async (c) => {
      try {
        await store.ping()
        return c.json({ status: 'ok' as const })
      } catch (error) {
        logger.error({ err: error }, 'health check: storage unreachable')
        return c.json({ status: 'unavailable' as const, storage: 'unreachable' }, 503)
      }
    })
    .get('/config.js', (c) => {
      c.header('Cache-Control', 'no-cache')
      return c.body(
        `window.REFINERY_CONFIG = ${JSON.stringify({ tldrawLicenseKey: config.tldrawLicenseKey })};\n`,
        200,
        {
          'Content-Type': 'text/javascript; charset=utf-8',
        },
      )
    })
    .get(
      '/sync/:boardId',
      originCheck(config.allowedOrigins, { requireOrigin: true }),
      async (c, next) => {
        if (!BOARD_ID.test(c.req.param('boardId'))) return apiError(c, 404, 'not_found', 'No such board')
        await next()
      },
      websocket.upgradeWebSocket((c) => {
        const boardId = c.req.param('boardId') as string
        return {
          onOpen: (_event, ws) => {
            // The raw socket goes to the sync core, which reads frames itself: no per-message wrapping.
            sync.accept(ws.raw as NonNullable<typeof ws.raw>, boardId, { canWrite: true })
          },
        }
      }),
    )

  app.all('/api/*', (c) => apiError(c, 404, 'not_found', 'No such API route'))
  app.all('/sync/*', (c) => apiError(c, 404, 'not_found', 'No such board'))

  if (config.clientDist && !existsSync(config.clientDist)) {
    logger.warn(
      { clientDist: config.clientDist },
      'no built client found: run `pnpm build`; serving the API only',
    )
  } else if (config.clientDist) {
    const root = relative(process.cwd(), config.clientDist) || '.'
    app.use(
      '/assets/*',
      serveStatic({
        root,
        onFound: (_path, c) => {
          c.header('Cache-Control', 'public, max-age=31536000, immutable')
        },
      }),
    )
    app.use('*', serveStatic({ root }))
    // Every other path is a client route (/b/:id …): the single-page app takes it from there.
    app.get(
      '*',
      serveStatic({
        root,
        path: 'index.html',
        onFound: (_p, c) => void c.header('Cache-Control', 'no-cache'),
      }),
    )
  }

  return { app: routes, injectWebSocket: websocket.injectWebSocket, wss: websocket.wss }
}

export type AppType = ReturnType<typeof createApp>['app']
