import type { Context } from 'hono'
import { deleteCookie, setCookie } from 'hono/cookie'
import { parse } from 'hono/utils/cookie'

export const SESSION_COOKIE = 'refinery_session'

/** The session token in a `Cookie` header, if there is one. */
export function sessionTokenFrom(cookieHeader: string | undefined): string | undefined {
  return cookieHeader ? parse(cookieHeader, SESSION_COOKIE)[SESSION_COOKIE] : undefined
}

export function readSessionCookie(c: Context): string | undefined {
  return sessionTokenFrom(c.req.header('cookie'))
}

/** HttpOnly and SameSite=Lax always; Secure when the deployment is served over https. */
export function writeSessionCookie(c: Context, token: string, expiresAt: number, secure: boolean): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure,
    path: '/',
    expires: new Date(expiresAt),
  })
}

export function clearSessionCookie(c: Context, secure: boolean): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure, httpOnly: true, sameSite: 'Lax' })
}
