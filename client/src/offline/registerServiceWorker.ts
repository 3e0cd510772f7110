/**
 * Lets the app itself load while the server is unreachable (see public/sw.js), so the board's offline
 * copy in IndexedDB can show. Production builds only: in development it would serve stale modules.
 */
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { updateViaCache: 'none' }).catch((error: unknown) => {
      console.warn('Refinery: without a service worker, the app cannot load offline', error)
    })
  })
}
