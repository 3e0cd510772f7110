import { resolve } from 'node:path'
import type { RateLimit } from './auth/rateLimit'
import { SESSION_LIFETIME_MS } from './auth/sessions'

export interface Config {
  port: number
  host: string
  dataDir: string
  databaseUrl: string | null
  redisUrl: string | null
  /** The origins browsers may use; WebSocket and mutating requests from any other are refused. */
  allowedOrigins: string[]
  publicUrl: string
  tldrawLicenseKey: string | null
  /** The largest WebSocket message accepted; a larger one closes that connection. */
  maxMessageBytes: number
  /** The largest image a board takes (upload, or a `data:` URL moved out of a document). */
  maxAssetBytes: number
  /** How long a board stays in memory after its last client leaves. */
  roomIdleMs: number
  /** How often sockets are pinged; one silent for two pings is dropped. */
  heartbeatMs: number
  /** How old a socket's presence may get before the server asks for it again (see `SyncServer`). */
  presenceRenewalMs: number
  /** How long a session lives after its last use; its sockets close when it ends. */
  sessionLifetimeMs: number
  /** The built client to serve; null serves the API only. */
  clientDist: string | null
  logLevel: string
  /** Whether a reverse proxy in front sets X-Forwarded-For (for per-address rate limits). */
  trustProxy: boolean
  /**
   * Login and sign-up attempts allowed per client address; login attempts per account from one client
   * address (and password changes per account).
   */
  authRateLimit: { byAddress: RateLimit; byAccount: RateLimit }
  /** Guest accounts an invite link may make, per client address and per link. */
  guestRateLimit: { byAddress: RateLimit; byInvite: RateLimit }
}

export const DEFAULT_MAX_ASSET_BYTES = 10 * 1024 * 1024

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got "${raw}"`)
  return value
}

function origin(url: string, name: string): string {
  try {
    return new URL(url).origin
  } catch {
    throw new Error(`${name} must be a URL such as https://refinery.example.com, got "${url}"`)
  }
}

/** Reads the configuration of CONTRACT section 2 from the environment, failing early on bad values. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = integer(env, 'PORT', 8787)
  const publicUrl = env.PUBLIC_URL ? origin(env.PUBLIC_URL, 'PUBLIC_URL') : null
  return {
    port,
    host: env.HOST || '127.0.0.1',
    dataDir: resolve(env.DATA_DIR || './data'),
    databaseUrl: env.DATABASE_URL || null,
    redisUrl: env.REDIS_URL || null,
    allowedOrigins: publicUrl ? [publicUrl] : [`http://localhost:${port}`, `http://127.0.0.1:${port}`],
    publicUrl: publicUrl ?? `http://localhost:${port}`,
    tldrawLicenseKey: env.TLDRAW_LICENSE_KEY || null,
    maxMessageBytes: integer(env, 'MAX_MESSAGE_BYTES', 16 * 1024 * 1024),
    maxAssetBytes: integer(env, 'MAX_ASSET_BYTES', DEFAULT_MAX_ASSET_BYTES),
    roomIdleMs: integer(env, 'ROOM_IDLE_MS', 30_000),
    heartbeatMs: integer(env, 'HEARTBEAT_MS', 30_000),
    // Between y-protocols' own renewal of presence (every 15 s) and its expiry (30 s).
    presenceRenewalMs: 20_000,
    sessionLifetimeMs: integer(env, 'SESSION_LIFETIME_MS', SESSION_LIFETIME_MS),
    clientDist:
      env.CLIENT_DIST === ''
        ? null
        : resolve(env.CLIENT_DIST || new URL('../../client/dist', import.meta.url).pathname),
    logLevel: env.LOG_LEVEL || 'info',
    trustProxy: env.TRUST_PROXY === '1' || env.TRUST_PROXY === 'true',
    authRateLimit: {
      byAddress: { limit: integer(env, 'AUTH_RATE_LIMIT_PER_ADDRESS', 30), windowMs: 60_000 },
      byAccount: { limit: integer(env, 'AUTH_RATE_LIMIT_PER_ACCOUNT', 10), windowMs: 15 * 60_000 },
    },
    // A whole workshop room behind one office NAT joins one link within minutes; a script from one
    // address is held to 10 guests a minute on average, and a shared link to 20 from everywhere.
    guestRateLimit: {
      byAddress: { limit: integer(env, 'GUEST_RATE_LIMIT_PER_ADDRESS', 100), windowMs: 10 * 60_000 },
      byInvite: { limit: integer(env, 'GUEST_RATE_LIMIT_PER_INVITE', 200), windowMs: 10 * 60_000 },
    },
  }
}
