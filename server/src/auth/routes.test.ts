import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, cleanupAfterEach, signUp, startTestServer } from '../../test/helpers'
import type { RunningServer } from '../server'

const DAY = 24 * 60 * 60 * 1000
const PASSWORD = 'correct horse battery'

let running: RunningServer
let port: number

beforeAll(async () => {
  running = await startTestServer()
  port = running.port
})

afterAll(async () => {
  await running?.close()
})

const cleanup = cleanupAfterEach()

/** A server with its own config (rate limits, https), closed after the test. */
async function ownServer(overrides: Parameters<typeof startTestServer>[0]) {
  const server = await startTestServer(overrides)
  cleanup(() => server.close())
  return server
}

let emails = 0
const uniqueEmail = (name = 'user') => `${name}.${++emails}.${Date.now()}@example.com`

/** A request whose raw response (all headers) the test reads. */
function rawRequest(
  serverPort: number,
  path: string,
  { method = 'GET', body, origin = `http://localhost:${serverPort}`, cookie }: RawOptions = {},
) {
  const headers: Record<string, string> = { origin }
  if (cookie) headers.cookie = cookie
  if (body !== undefined) headers['content-type'] = 'application/json'
  return fetch(`http://localhost:${serverPort}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  })
}

interface RawOptions {
  method?: string
  body?: unknown
  origin?: string
  cookie?: string
}

/** The `refinery_session` Set-Cookie header of a response, with its attributes. */
function sessionSetCookie(response: Response): string {
  const header = response.headers.getSetCookie().find((value) => value.startsWith('refinery_session='))
  if (!header) throw new Error('no refinery_session cookie was set')
  return header
}

/** The attributes of a Set-Cookie header, lower-cased names. */
function cookieAttributes(header: string): Map<string, string> {
  const [, ...parts] = header.split(';')
  return new Map(
    parts.map((part) => {
      const [name = '', ...value] = part.trim().split('=')
      return [name.toLowerCase(), value.join('=')] as [string, string]
    }),
  )
}

/** `refinery_session=id.secret` → its parts. */
function tokenOf(cookie: string) {
  const token = decodeURIComponent(cookie.slice('refinery_session='.length))
  const [id = '', secret = ''] = token.split('.')
  return { token, id, secret }
}

function expectError(response: { body: any }, code: string) {
  expect(response.body).toEqual({ error: { code, message: expect.any(String) } })
  expect(response.body.error.message.length).toBeGreaterThan(0)
}

interface SessionRow {
  id: string
  secret_hash: string
  user_id: string
  expires_at: number
  created_at: number
}

const sessionRow = (id: string) =>
  running.store.sql.get<SessionRow>('SELECT * FROM sessions WHERE id = ?', [id])

describe('sign-up', () => {
  it('answers 201 {id, email, name} and sets an HttpOnly, SameSite=Lax, Path=/ cookie without Secure on http', async () => {
    const email = uniqueEmail('ada')
    const response = await rawRequest(port, '/api/auth/signup', {
      method: 'POST',
      body: { email, password: PASSWORD, name: 'Ada' },
    })
    expect(response.status).toBe(201)
    const body = (await response.json()) as { id: string }
    expect(body).toMatchObject({ id: expect.any(String), email, name: 'Ada', isGuest: false })
    const header = sessionSetCookie(response)
    const attributes = cookieAttributes(header)
    expect(attributes.has('httponly')).toBe(true)
    expect(attributes.get('samesite')).toBe('Lax')
    expect(attributes.get('path')).toBe('/')
    expect(attributes.has('secure')).toBe(false)
    const expires = Date.parse(attributes.get('expires') ?? '')
    expect(Math.abs(expires - (Date.now() + 30 * DAY))).toBeLessThan(60_000)
    const me = await api(port, '/api/me', { cookie: header.split(';')[0] })
    expect(me.status).toBe(200)
    expect(me.body).toMatchObject({ id: body.id, email, name: 'Ada' })
  })

  it('sets a Secure cookie when PUBLIC_URL is https', async () => {
    const server = await ownServer({
      publicUrl: 'https://refinery.example.com',
      allowedOrigins: ['https://refinery.example.com'],
    })
    const response = await rawRequest(server.port, '/api/auth/signup', {
      method: 'POST',
      body: { email: uniqueEmail('secure'), password: PASSWORD, name: 'Sec' },
      origin: 'https://refinery.example.com',
    })
    expect(response.status).toBe(201)
    const attributes = cookieAttributes(sessionSetCookie(response))
    expect(attributes.has('secure')).toBe(true)
    expect(attributes.has('httponly')).toBe(true)
    expect(attributes.get('samesite')).toBe('Lax')
  })

  it('stores the email lower-case and refuses a duplicate in any case with 409 email_taken', async () => {
    const stamp = `${++emails}.${Date.now()}`
    const response = await api(port, '/api/auth/signup', {
      method: 'POST',
      body: { email: `Mixed.Case.${stamp}@Example.COM`, password: PASSWORD, name: 'Mix' },
    })
    expect(response.status).toBe(201)
    const lower = `mixed.case.${stamp}@example.com`
    expect(response.body.email).toBe(lower)
    const row = await running.store.sql.get<{ email: string }>('SELECT email FROM users WHERE id = ?', [
      response.body.id,
    ])
    expect(row?.email).toBe(lower)
    for (const email of [lower, `MIXED.CASE.${stamp}@EXAMPLE.COM`, `mixed.Case.${stamp}@example.Com`]) {
      const duplicate = await api(port, '/api/auth/signup', {
        method: 'POST',
        body: { email, password: PASSWORD, name: 'Again' },
      })
      expect(duplicate.status, email).toBe(409)
      expectError(duplicate, 'email_taken')
      expect(duplicate.setCookie).toBeUndefined()
    }
    const rows = await running.store.sql.all('SELECT id FROM users WHERE lower(email) = ?', [lower])
    expect(rows).toHaveLength(1)
  })

  it('a short password → 400 with a message naming the field, and no account', async () => {
    const email = uniqueEmail('short')
    const response = await api(port, '/api/auth/signup', {
      method: 'POST',
      body: { email, password: 'short', name: 'Shorty' },
    })
    expect(response.status).toBe(400)
    expectError(response, 'invalid_body')
    expect(response.body.error.message).toMatch(/^password\b/)
    expect(response.setCookie).toBeUndefined()
    expect(await running.store.sql.get('SELECT id FROM users WHERE email = ?', [email])).toBeUndefined()
  })

  it('an invalid email → 400 naming the email field', async () => {
    const response = await api(port, '/api/auth/signup', {
      method: 'POST',
      body: { email: 'not-an-email', password: PASSWORD, name: 'Nobody' },
    })
    expect(response.status).toBe(400)
    expectError(response, 'invalid_body')
    expect(response.body.error.message).toMatch(/^email\b/)
  })

  it('a malformed JSON body → 400 with the error shape, never 500', async () => {
    for (const path of ['/api/auth/signup', '/api/auth/login']) {
      const response = await api(port, path, { method: 'POST', raw: '{nope' })
      expect(response.status, path).toBe(400)
      expect(response.body).toEqual({ error: { code: expect.any(String), message: expect.any(String) } })
    }
  })

  it('stores an argon2id hash with m=19456, t=2, p=1', async () => {
    const person = await signUp(port, 'Hash')
    const row = await running.store.sql.get<{ password_hash: string }>(
      'SELECT password_hash FROM users WHERE id = ?',
      [person.id],
    )
    expect(row?.password_hash.startsWith('$argon2id$')).toBe(true)
    expect(row?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    expect(row?.password_hash).not.toContain(PASSWORD)
  })
})

describe('login, me and logout', () => {
  async function account() {
    const email = uniqueEmail('login')
    const response = await api(port, '/api/auth/signup', {
      method: 'POST',
      body: { email, password: PASSWORD, name: 'Lou' },
    })
    expect(response.status).toBe(201)
    return { email, id: response.body.id as string, cookie: response.setCookie as string }
  }

  it('login answers 200 with the user and a new working session cookie', async () => {
    const { email, id, cookie } = await account()
    const response = await api(port, '/api/auth/login', {
      method: 'POST',
      body: { email, password: PASSWORD },
    })
    expect(response.status).toBe(200)
    expect(response.body).toMatchObject({ id, email, name: 'Lou' })
    expect(response.setCookie).toMatch(/^refinery_session=.+/)
    expect(response.setCookie).not.toBe(cookie)
    const me = await api(port, '/api/me', { cookie: response.setCookie })
    expect(me.status).toBe(200)
    expect(me.body).toMatchObject({ id, email })
  })

  it('login takes the email in any case', async () => {
    const { email, id } = await account()
    const response = await api(port, '/api/auth/login', {
      method: 'POST',
      body: { email: email.toUpperCase(), password: PASSWORD },
    })
    expect(response.status).toBe(200)
    expect(response.body.id).toBe(id)
  })

  it('a wrong password and an unknown email both → 401 invalid_credentials, with the same message', async () => {
    const { email } = await account()
    const wrong = await api(port, '/api/auth/login', {
      method: 'POST',
      body: { email, password: 'wrong password' },
    })
    expect(wrong.status).toBe(401)
    expectError(wrong, 'invalid_credentials')
    expect(wrong.setCookie).toBeUndefined()
    const unknown = await api(port, '/api/auth/login', {
      method: 'POST',
      body: { email: uniqueEmail('nobody'), password: PASSWORD },
    })
    expect(unknown.status).toBe(401)
    expectError(unknown, 'invalid_credentials')
    expect(unknown.setCookie).toBeUndefined()
    expect(unknown.body.error.message).toBe(wrong.body.error.message)
  })

  it('GET /api/me → 200 with a session, 401 unauthenticated without one or with a forged one', async () => {
    const { email, id, cookie } = await account()
    const me = await api(port, '/api/me', { cookie })
    expect(me.status).toBe(200)
    expect(me.body).toEqual({ id, email, name: 'Lou', isGuest: false })
    const anonymous = await api(port, '/api/me')
    expect(anonymous.status).toBe(401)
    expectError(anonymous, 'unauthenticated')
    const { id: sessionId } = tokenOf(cookie)
    for (const forged of [
      `refinery_session=${sessionId}.forgedsecret`,
      'refinery_session=garbage',
      'refinery_session=a.b.c',
    ]) {
      const response = await api(port, '/api/me', { cookie: forged })
      expect(response.status, forged).toBe(401)
    }
    expect((await api(port, '/api/me', { cookie })).status).toBe(200)
  })

  it('logout → 204, deletes the session, and the old cookie then gets 401 on /api/me', async () => {
    const { cookie } = await account()
    const { id } = tokenOf(cookie)
    expect(await sessionRow(id)).toBeDefined()
    const response = await rawRequest(port, '/api/auth/logout', { method: 'POST', cookie })
    expect(response.status).toBe(204)
    // The browser is told to drop the cookie.
    const cleared = cookieAttributes(sessionSetCookie(response))
    expect(cleared.get('max-age') === '0' || Date.parse(cleared.get('expires') ?? '') < Date.now()).toBe(true)
    expect(await sessionRow(id)).toBeUndefined()
    const me = await api(port, '/api/me', { cookie })
    expect(me.status).toBe(401)
    expectError(me, 'unauthenticated')
  })

  it('logout without a session → 204', async () => {
    const response = await api(port, '/api/auth/logout', { method: 'POST' })
    expect(response.status).toBe(204)
  })

  it('a login from a foreign Origin → 403 forbidden_origin, no session made', async () => {
    const { email, id } = await account()
    const before = await running.store.sql.all('SELECT id FROM sessions WHERE user_id = ?', [id])
    const response = await api(port, '/api/auth/login', {
      method: 'POST',
      body: { email, password: PASSWORD },
      origin: 'http://evil.example',
    })
    expect(response.status).toBe(403)
    expectError(response, 'forbidden_origin')
    expect(response.setCookie).toBeUndefined()
    const after = await running.store.sql.all('SELECT id FROM sessions WHERE user_id = ?', [id])
    expect(after).toHaveLength(before.length)
  })
})

describe('sessions in the database', () => {
  it('never holds the session token or its secret, only the SHA-256 of the secret in hex', async () => {
    const person = await signUp(port, 'Tok')
    const { token, id, secret } = tokenOf(person.cookie)
    expect(id).not.toBe('')
    expect(secret).not.toBe('')
    const rows = await running.store.sql.all<Record<string, unknown>>(
      'SELECT * FROM sessions WHERE user_id = ?',
      [person.id],
    )
    expect(rows).toHaveLength(1)
    const row = rows[0] as Record<string, unknown>
    for (const value of Object.values(row)) {
      expect(String(value)).not.toContain(token)
      expect(String(value)).not.toContain(secret)
    }
    expect(row.id).toBe(id)
    expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/)
    expect(row.secret_hash).toBe(createHash('sha256').update(secret).digest('hex'))
  })

  it('an expired session → 401 and its row is deleted', async () => {
    const person = await signUp(port, 'Old')
    const { id } = tokenOf(person.cookie)
    await running.store.sql.run('UPDATE sessions SET expires_at = ? WHERE id = ?', [Date.now() - 1000, id])
    const me = await api(port, '/api/me', { cookie: person.cookie })
    expect(me.status).toBe(401)
    expectError(me, 'unauthenticated')
    expect(await sessionRow(id)).toBeUndefined()
  })

  it('a session used with 10 days left slides to ~30 days and a new cookie is sent', async () => {
    const person = await signUp(port, 'Slide')
    const { id } = tokenOf(person.cookie)
    await running.store.sql.run('UPDATE sessions SET expires_at = ? WHERE id = ?', [
      Date.now() + 10 * DAY,
      id,
    ])
    const response = await rawRequest(port, '/api/me', { cookie: person.cookie })
    expect(response.status).toBe(200)
    const header = sessionSetCookie(response)
    expect(header.split(';')[0]).toBe(person.cookie)
    const expiresHeader = Date.parse(cookieAttributes(header).get('expires') ?? '')
    expect(Math.abs(expiresHeader - (Date.now() + 30 * DAY))).toBeLessThan(60_000)
    const row = await sessionRow(id)
    expect(Math.abs(Number(row?.expires_at) - (Date.now() + 30 * DAY))).toBeLessThan(60_000)
  })

  it('a session used with more than half its life left is not rewritten', async () => {
    const person = await signUp(port, 'Fresh')
    const { id } = tokenOf(person.cookie)
    const before = await sessionRow(id)
    const response = await rawRequest(port, '/api/me', { cookie: person.cookie })
    expect(response.status).toBe(200)
    expect(response.headers.getSetCookie().some((value) => value.startsWith('refinery_session='))).toBe(false)
    expect(Number((await sessionRow(id))?.expires_at)).toBe(Number(before?.expires_at))
  })
})

describe('changing the password', () => {
  async function twoSessions() {
    const email = uniqueEmail('pw')
    const signup = await api(port, '/api/auth/signup', {
      method: 'POST',
      body: { email, password: PASSWORD, name: 'Pat' },
    })
    const second = await api(port, '/api/auth/login', { method: 'POST', body: { email, password: PASSWORD } })
    expect(second.status).toBe(200)
    return {
      email,
      id: signup.body.id as string,
      first: signup.setCookie as string,
      second: second.setCookie as string,
    }
  }

  it('ends every other session, gives the caller a fresh working cookie, and swaps the password', async () => {
    const { email, id, first, second } = await twoSessions()
    const response = await api(port, '/api/auth/password', {
      method: 'POST',
      body: { currentPassword: PASSWORD, newPassword: 'a brand new secret' },
      cookie: first,
    })
    expect(response.status).toBe(204)
    expect(response.setCookie).toMatch(/^refinery_session=.+/)
    expect(response.setCookie).not.toBe(first)
    expect(response.setCookie).not.toBe(second)
    const other = await api(port, '/api/me', { cookie: second })
    expect(other.status).toBe(401)
    expect(await sessionRow(tokenOf(second).id)).toBeUndefined()
    const fresh = await api(port, '/api/me', { cookie: response.setCookie })
    expect(fresh.status).toBe(200)
    expect(fresh.body.id).toBe(id)
    const sessions = await running.store.sql.all<{ id: string }>(
      'SELECT id FROM sessions WHERE user_id = ?',
      [id],
    )
    expect(sessions.map((s) => s.id)).toEqual([tokenOf(response.setCookie as string).id])
    const oldPassword = await api(port, '/api/auth/login', {
      method: 'POST',
      body: { email, password: PASSWORD },
    })
    expect(oldPassword.status).toBe(401)
    const newPassword = await api(port, '/api/auth/login', {
      method: 'POST',
      body: { email, password: 'a brand new secret' },
    })
    expect(newPassword.status).toBe(200)
  })

  it('a wrong currentPassword → 401 invalid_credentials and changes nothing', async () => {
    const { email, first, second } = await twoSessions()
    const response = await api(port, '/api/auth/password', {
      method: 'POST',
      body: { currentPassword: 'not my password', newPassword: 'a brand new secret' },
      cookie: first,
    })
    expect(response.status).toBe(401)
    expectError(response, 'invalid_credentials')
    expect(response.setCookie).toBeUndefined()
    expect((await api(port, '/api/me', { cookie: first })).status).toBe(200)
    expect((await api(port, '/api/me', { cookie: second })).status).toBe(200)
    const login = await api(port, '/api/auth/login', { method: 'POST', body: { email, password: PASSWORD } })
    expect(login.status).toBe(200)
  })

  it('without a session → 401; a too short new password → 400 naming newPassword', async () => {
    const anonymous = await api(port, '/api/auth/password', {
      method: 'POST',
      body: { currentPassword: PASSWORD, newPassword: 'a brand new secret' },
    })
    expect(anonymous.status).toBe(401)
    expectError(anonymous, 'unauthenticated')
    const { first } = await twoSessions()
    const short = await api(port, '/api/auth/password', {
      method: 'POST',
      body: { currentPassword: PASSWORD, newPassword: 'short' },
      cookie: first,
    })
    expect(short.status).toBe(400)
    expectError(short, 'invalid_body')
    expect(short.body.error.message).toMatch(/^newPassword\b/)
  })
})

describe('rate limits', () => {
  it('past the per-address limit, the next login → 429 rate_limited with Retry-After', async () => {
    const server = await ownServer({
      authRateLimit: {
        byAddress: { limit: 3, windowMs: 60_000 },
        byAccount: { limit: 10_000, windowMs: 60_000 },
      },
    })
    for (let attempt = 1; attempt <= 3; attempt++) {
      const response = await api(server.port, '/api/auth/login', {
        method: 'POST',
        body: { email: uniqueEmail('guess'), password: 'guess' },
      })
      expect(response.status, `attempt ${attempt}`).toBe(401)
    }
    const fourth = await rawRequest(server.port, '/api/auth/login', {
      method: 'POST',
      body: { email: uniqueEmail('guess'), password: 'guess' },
    })
    expect(fourth.status).toBe(429)
    expect(await fourth.json()).toEqual({ error: { code: 'rate_limited', message: expect.any(String) } })
    const retryAfter = Number(fourth.headers.get('retry-after'))
    expect(Number.isInteger(retryAfter)).toBe(true)
    expect(retryAfter).toBeGreaterThanOrEqual(1)
    expect(retryAfter).toBeLessThanOrEqual(60)
  })

  it('past the per-address limit, sign-up → 429 too', async () => {
    const server = await ownServer({
      authRateLimit: {
        byAddress: { limit: 2, windowMs: 60_000 },
        byAccount: { limit: 10_000, windowMs: 60_000 },
      },
    })
    const attempt = () =>
      api(server.port, '/api/auth/signup', {
        method: 'POST',
        body: { email: uniqueEmail('flood'), password: PASSWORD, name: 'Flood' },
      })
    expect((await attempt()).status).toBe(201)
    expect((await attempt()).status).toBe(201)
    const third = await attempt()
    expect(third.status).toBe(429)
    expectError(third, 'rate_limited')
    expect(third.setCookie).toBeUndefined()
  })

  it('past the per-account limit, the next login to that email from that address → 429 even with the right password', async () => {
    const server = await ownServer({
      authRateLimit: {
        byAddress: { limit: 10_000, windowMs: 60_000 },
        byAccount: { limit: 2, windowMs: 60_000 },
      },
    })
    const email = uniqueEmail('target')
    const signup = await api(server.port, '/api/auth/signup', {
      method: 'POST',
      body: { email, password: PASSWORD, name: 'Target' },
    })
    expect(signup.status).toBe(201)
    const login = (address: string, password: string) =>
      rawRequest(server.port, '/api/auth/login', { method: 'POST', body: { email: address, password } })
    expect((await login(email, 'wrong one')).status).toBe(401)
    expect((await login(email, 'wrong two')).status).toBe(401)
    // Another spelling of the same email is the same account.
    const third = await login(email.toUpperCase(), PASSWORD)
    expect(third.status).toBe(429)
    expect(third.headers.get('retry-after')).toMatch(/^[1-9]\d*$/)
    expect(third.headers.getSetCookie().some((value) => value.startsWith('refinery_session='))).toBe(false)
    // Other accounts from the same address are not held back.
    const otherEmail = uniqueEmail('other')
    await api(server.port, '/api/auth/signup', {
      method: 'POST',
      body: { email: otherEmail, password: PASSWORD, name: 'Other' },
    })
    expect((await login(otherEmail, PASSWORD)).status).toBe(200)
  })
})

describe('behind a reverse proxy', () => {
  it('with TRUST_PROXY, each forwarded client address has its own login limit', async () => {
    const server = await ownServer({
      trustProxy: true,
      authRateLimit: {
        byAddress: { limit: 2, windowMs: 60_000 },
        byAccount: { limit: 10_000, windowMs: 60_000 },
      },
    })
    const login = (address: string) =>
      api(server.port, '/api/auth/login', {
        method: 'POST',
        body: { email: 'nobody@example.com', password: 'wrong' },
        headers: { 'x-forwarded-for': `203.0.113.9, ${address}` },
      })
    expect((await login('198.51.100.1')).status).toBe(401)
    expect((await login('198.51.100.1')).status).toBe(401)
    expect((await login('198.51.100.1')).status).toBe(429)
    // Another client behind the same proxy is not held back; a spoofed first entry changes nothing.
    expect((await login('198.51.100.2')).status).toBe(401)
  })
})

describe('locking an account out', () => {
  // Documentation addresses (RFC 5737), as a trusted proxy would forward them.
  const OWNER = '192.0.2.10'
  const ATTACKER = '198.51.100.66'

  it('an attacker past the limit at one address does not keep the owner out from another', async () => {
    const server = await ownServer({
      trustProxy: true,
      authRateLimit: {
        byAddress: { limit: 10_000, windowMs: 60_000 },
        byAccount: { limit: 3, windowMs: 15 * 60_000 },
      },
    })
    const email = uniqueEmail('owner')
    const login = (from: string, password: string) =>
      api(server.port, '/api/auth/login', {
        method: 'POST',
        body: { email, password },
        headers: { 'x-forwarded-for': from },
      })
    const signup = await api(server.port, '/api/auth/signup', {
      method: 'POST',
      body: { email, password: PASSWORD, name: 'Owner' },
      headers: { 'x-forwarded-for': OWNER },
    })
    expect(signup.status).toBe(201)
    for (let attempt = 1; attempt <= 3; attempt++) {
      expect((await login(ATTACKER, `guess ${attempt}`)).status, `guess ${attempt}`).toBe(401)
    }
    expect((await login(ATTACKER, 'guess 4')).status).toBe(429)
    const owner = await login(OWNER, PASSWORD)
    expect(owner.status).toBe(200)
    expect(owner.setCookie).toBeDefined()
    // The attacker's address stays held back on that account, even with the right password.
    const attacker = await login(ATTACKER, PASSWORD)
    expect(attacker.status).toBe(429)
    expectError(attacker, 'rate_limited')
    expect(attacker.setCookie).toBeUndefined()
  })
})

describe('guessing through a session', () => {
  it('past the per-account limit, changing the password → 429 even with the right current password', async () => {
    const server = await ownServer({
      authRateLimit: {
        byAddress: { limit: 10_000, windowMs: 60_000 },
        byAccount: { limit: 2, windowMs: 60_000 },
      },
    })
    const signup = await api(server.port, '/api/auth/signup', {
      method: 'POST',
      body: { email: uniqueEmail('guessed'), password: PASSWORD, name: 'Guessed' },
    })
    const change = (currentPassword: string) =>
      api(server.port, '/api/auth/password', {
        method: 'POST',
        body: { currentPassword, newPassword: 'a brand new password' },
        cookie: signup.setCookie,
      })
    expect((await change('guess one')).status).toBe(401)
    expect((await change('guess two')).status).toBe(401)
    const third = await change(PASSWORD)
    expect(third.status).toBe(429)
    expectError(third, 'rate_limited')
  })
})

describe('secure headers', () => {
  it('GET /api/health carries a CSP, nosniff and X-Frame-Options', async () => {
    const response = await rawRequest(port, '/api/health')
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ status: 'ok', storage: 'sqlite', relay: 'off' })
    const csp = response.headers.get('content-security-policy') ?? ''
    const directives = csp.split(';').map((directive) => directive.trim())
    expect(directives).toContain("default-src 'self'")
    expect(directives).toContain("connect-src 'self' ws: wss:")
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('x-frame-options')).toMatch(/^(DENY|SAMEORIGIN)$/)
  })

  it('error answers carry the secure headers too', async () => {
    const response = await rawRequest(port, '/api/me')
    expect(response.status).toBe(401)
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'")
  })
})
