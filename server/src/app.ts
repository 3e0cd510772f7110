import { existsSync } from 'node:fs'
import { relative } from 'node:path'
import { serveStatic } from '@hono/node-server/serve-static'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { HTTPException } from 'hono/http-exception'
import { requestId } from 'hono/request-id'
import { secureHeaders } from 'hono/secure-headers'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { assetRoutes, isAssetUpload } from './assets/routes'
import { requireUser, sessionMiddleware } from './auth/middleware'
import { RateLimiter } from './auth/rateLimit'
import { authRoutes, publicUser } from './auth/routes'
import type { SessionStore, User } from './auth/sessions'
import { UserStore } from './auth/users'
import { backlogRoutes } from './boards/backlogRoutes'
import { BoardStore } from './boards/boardStore'
import { boardRoutes, inviteRoutes } from './boards/routes'
import { versionRoutes } from './boards/versionRoutes'
import { VersionStore } from './boards/versionStore'
import type { Config } from './config'
import { HiddenVoting } from './facilitation/hiddenVotes'
import { lockRoutes } from './facilitation/locks'
import { facilitationRoutes } from './facilitation/routes'
import { summonRoutes } from './facilitation/summon'
import { votingRoutes } from './facilitation/votingRoutes'
import type { AppEnv } from './http/env'
import { apiError } from './http/errors'
import { originCheck } from './http/origin'
import { createWebSocketUpgrade } from './http/websocketUpgrade'
import { importRoutes, isBoardImport } from './import/routes'
import type { Logger } from './logger'
import type { Metrics } from './metrics'
import { PlanningPoker } from './poker/round'
import { pokerRoutes } from './poker/routes'
import type { Storage } from './storage/types'
import { SyncSocket } from './sync/connection'
import type { Relay } from './sync/relay'
import { createSocketAccess } from './sync/socketAccess'
import type { SyncServer } from './sync/syncServer'

export interface AppDeps {
  config: Config
  logger: Logger
  store: Storage
  /** Shared with the sync core, which looks up the sessions of open sockets. */
  sessions: SessionStore
  sync: SyncServer
  relay?: Relay | undefined
  metrics?: Metrics | undefined
}

/** JSON bodies of the API are small; anything larger is refused before it is read. */
const MAX_JSON_BODY = 64 * 1024

/** The editor needs inline styles, data:/blob: images and fonts, and a WebSocket back to us. */
const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'", 'ws:', 'wss:'],
  workerSrc: ["'self'", 'blob:'],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
}

export function createApp({ config, logger, store, sessions, sync, relay, metrics }: AppDeps) {
  const secureCookies = config.publicUrl.startsWith('https:')
  const users = new UserStore(store.sql)
  const boards = new BoardStore(store.sql)
  const versions = new VersionStore(store.sql)
  const voting = new HiddenVoting(store.sql, sync)
  const boardDeps = {
    boards,
    documents: sync,
    voting,
    users,
    sessions,
    events: sync,
    publicUrl: config.publicUrl,
    secureCookies,
  }
  const limits = {
    byAddress: new RateLimiter(config.authRateLimit.byAddress),
    byAccount: new RateLimiter(config.authRateLimit.byAccount),
  }
  const guestLimits = {
    byAddress: new RateLimiter(config.guestRateLimit.byAddress),
    byInvite: new RateLimiter(config.guestRateLimit.byInvite),
  }

  const app = new Hono<AppEnv>()

  app.use('*', requestId())
  app.use('*', async (c, next) => {
    const started = performance.now()
    await next()
    // One JSON line per request, with the id the response carries in X-Request-Id.
    if (c.req.path !== '/api/health' && c.req.path !== '/metrics') {
      logger.info(
        {
          requestId: c.var.requestId,
          method: c.req.method,
          path: c.req.path,
          status: c.res.status,
          ms: Math.round((performance.now() - started) * 10) / 10,
        },
        'request',
      )
    }
  })
  app.onError((error, c) => {
    if (error instanceof HTTPException && error.status < 500) {
      return apiError(c, error.status as ContentfulStatusCode, 'bad_request', error.message || 'Bad request')
    }
    logger.error({ err: error, path: c.req.path, requestId: c.var.requestId }, 'request failed')
    return apiError(c, 500, 'internal', 'Something went wrong on our side')
  })
  // A route's own, stricter headers (an SVG image's policy) are kept.
  app.use('*', secureHeaders({ contentSecurityPolicy: CONTENT_SECURITY_POLICY, overwrite: false }))
  const jsonBodyLimit = bodyLimit({
    maxSize: MAX_JSON_BODY,
    onError: (c) =>
      apiError(c, 413, 'body_too_large', `Request bodies are limited to ${MAX_JSON_BODY} bytes`),
  })
  // Image uploads and board imports have their own limits (MAX_ASSET_BYTES, MAX_IMPORT_BYTES), set on their routes.
  const ownLimit = (method: string, path: string) =>
    isAssetUpload(method, path) || isBoardImport(method, path)
  app.use('/api/*', (c, next) => (ownLimit(c.req.method, c.req.path) ? next() : jsonBodyLimit(c, next)))
  app.use('/api/*', originCheck(config.allowedOrigins))
  app.use('/api/*', sessionMiddleware(sessions, secureCookies))

  const routes = app
    .get('/api/health', async (c) => {
      const relayStatus = relay ? relay.status() : ('off' as const)
      try {
        await store.ping()
      } catch (error) {
        logger.error({ err: error }, 'health check: storage unreachable')
        return c.json(
          { status: 'unavailable' as const, storage: 'unreachable' as const, relay: relayStatus },
          503,
        )
      }
      // A relay that is down degrades the instance (it still serves its own clients) but does not fail it.
      return c.json({ status: 'ok' as const, storage: store.engine, relay: relayStatus })
    })
    .get('/metrics', async (c) => {
      if (!metrics) return apiError(c, 404, 'not_found', 'Metrics are off')
      return c.body(await metrics.registry.metrics(), 200, { 'Content-Type': metrics.registry.contentType })
    })
    .get('/api/me', requireUser, (c) => c.json(publicUser(c.var.user as User)))
    .route(
      '/api/auth',
      authRoutes({
        users,
        sessions,
        events: sync.sessions,
        secureCookies,
        limits,
        trustProxy: config.trustProxy,
      }),
    )
    .route('/api/boards', boardRoutes(boardDeps))
    .route('/api/boards', backlogRoutes({ boards, versions, documents: sync, publicUrl: config.publicUrl }))
    .route('/api/boards', versionRoutes({ boards, versions, documents: sync, publicUrl: config.publicUrl }))
    .route('/api/boards', summonRoutes({ boards, documents: sync }))
    .route('/api/boards', importRoutes({ boards, documents: sync }))
    .route(
      '/api/boards',
      assetRoutes({ boards, assets: store.assets, maxAssetBytes: config.maxAssetBytes, logger }),
    )
    .route('/api/boards', facilitationRoutes({ boards, documents: sync }))
    .route('/api/boards', votingRoutes({ boards, voting }))
    .route('/api/boards', lockRoutes({ boards, documents: sync }))
    .route('/api/boards', pokerRoutes({ boards, poker: new PlanningPoker(store.sql, sync) }))
    .route('/api/invites', inviteRoutes({ ...boardDeps, guestLimits, trustProxy: config.trustProxy }))
    .get('/config.js', (c) => {
      c.header('Cache-Control', 'no-cache')
      return c.body(
        `window.REFINERY_CONFIG = ${JSON.stringify({ tldrawLicenseKey: config.tldrawLicenseKey, maxAssetBytes: config.maxAssetBytes })};\n`,
        200,
        {
          'Content-Type': 'text/javascript; charset=utf-8',
        },
      )
    })

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
        onFound: (_path, c) => void c.header('Cache-Control', 'no-cache'),
      }),
    )
  }

  const socketAccess = createSocketAccess({ allowedOrigins: config.allowedOrigins, sessions, boards, sync })
  const websocket = createWebSocketUpgrade(socketAccess, {
    maxPayload: config.maxMessageBytes,
    socketClass: SyncSocket,
  })
  return { app: routes, attachWebSocket: websocket.attach, wss: websocket.wss }
}

export type AppType = ReturnType<typeof createApp>['app']
