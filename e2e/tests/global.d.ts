import type { Editor } from 'tldraw'

declare global {
  interface Window {
    refinery?: { editor: Editor }
  }
}
