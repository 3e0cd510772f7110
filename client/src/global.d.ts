import type { Editor } from 'tldraw'
import type { WebsocketProvider } from 'y-websocket'
import type * as Y from 'yjs'

declare global {
  interface Window {
    /** Set by the server's `/config.js` before the app loads; absent when it could not be fetched. */
    REFINERY_CONFIG?: {
      tldrawLicenseKey: string | null
      /** The largest image the server stores (`MAX_ASSET_BYTES`), when it says. */
      maxAssetBytes?: number | null
    }
    /** The open board's editor and sync state, for the end-to-end tests and for debugging. */
    refinery?: { editor: Editor; ydoc: Y.Doc; provider: WebsocketProvider }
  }
}
