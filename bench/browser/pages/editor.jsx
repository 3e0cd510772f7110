import { getAssetUrlsByImport } from '@tldraw/assets/imports.vite'
import { createRoot } from 'react-dom/client'
import { Tldraw } from 'tldraw'
import 'tldraw/tldraw.css'

const assetUrls = getAssetUrlsByImport()

/** tldraw full-page on `store`, leaving its editor on `window.bench` for the harness. */
export function BenchEditor({ store }) {
  return (
    <div style={{ position: 'fixed', inset: 0 }}>
      <Tldraw
        store={store}
        assetUrls={assetUrls}
        onMount={(editor) => {
          window.bench = { editor }
        }}
      />
    </div>
  )
}

export function mount(element) {
  createRoot(document.getElementById('root')).render(element)
}

export const params = new URLSearchParams(location.search)
