import { getAssetUrlsByImport } from '@tldraw/assets/imports.vite'

/** tldraw's fonts, icons and translations, from this build rather than tldraw's CDN (workshop rooms are often offline). */
export const tldrawAssetUrls = getAssetUrlsByImport()
