/*
 * Refinery's service worker: lets the app load while the server is unreachable, so a board's
 * offline copy (IndexedDB) can show. Built files are content-hashed, so they are served from the cache
 * first; the page and /config.js come from the network when it answers. /api and /sync never pass here.
 */

// Written by the build: every file under /assets/, so a first visit already caches all of them.
importScripts('/sw-precache.js')

const CACHE = 'refinery'
/** The app shell; the page itself is kept under /index.html, which every app path serves. */
const SHELL = ['/index.html', '/config.js', '/favicon.svg']

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE)
      await cache.addAll(self.REFINERY_PRECACHE)
      // Best effort: the shell is refreshed on every visit anyway.
      await Promise.all(SHELL.map((path) => cache.add(path).catch(() => undefined)))
      await self.skipWaiting()
    })(),
  )
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      // Files of older builds are never asked for again.
      const current = new Set(self.REFINERY_PRECACHE)
      const cache = await caches.open(CACHE)
      for (const request of await cache.keys()) {
        const { pathname } = new URL(request.url)
        if (pathname.startsWith('/assets/') && !current.has(pathname)) await cache.delete(request)
      }
      await self.clients.claim()
    })(),
  )
})

self.addEventListener('fetch', (event) => {
  const { request } = event
  const url = new URL(request.url)
  if (request.method !== 'GET' || url.origin !== self.location.origin) return
  if (/^\/(api|sync)(\/|$)/.test(url.pathname)) return
  if (url.pathname.startsWith('/assets/')) event.respondWith(cacheFirst(request))
  else if (request.mode === 'navigate') event.respondWith(networkFirst(request, '/index.html'))
  else event.respondWith(networkFirst(request, url.pathname))
})

async function cacheFirst(request) {
  const cached = await caches.match(request)
  if (cached) return cached
  const response = await fetch(request)
  if (response.ok) {
    const cache = await caches.open(CACHE)
    await cache.put(request, response.clone())
  }
  return response
}

/** The network's answer, kept under `key` for next time; the kept one when the network fails. */
async function networkFirst(request, key) {
  const cache = await caches.open(CACHE)
  try {
    const response = await fetch(request)
    if (response.ok) await cache.put(key, response.clone())
    return response
  } catch (error) {
    const cached = await cache.match(key)
    if (cached) return cached
    throw error
  }
}
