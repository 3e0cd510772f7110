/** The tldraw licence key the server hands out in /config.js, so a new key needs no rebuild. */
export function tldrawLicenseKey(): string | undefined {
  return window.REFINERY_CONFIG?.tldrawLicenseKey ?? undefined
}
