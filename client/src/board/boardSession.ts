import {
  atom,
  computed,
  type Editor,
  getUserPreferences,
  react,
  type Signal,
  setUserPreferences,
  type TLStore,
} from 'tldraw'
import { type BoardImages, openBoardImages } from '../assets/boardImages'
import { userColor } from '../identity/userColor'
import { type BoardConnection, openBoardConnection } from '../sync/boardConnection'
import { connectionStatus } from '../sync/connectionState'
import { bindPresence } from '../sync/presence'
import { provideTextHistory } from '../sync/textHistory'
import { bindStoreToYDoc, type StoreBinding } from '../sync/yjsStoreBinding'
import { createBoardStore } from './boardStore'

/** Everything one open board needs besides its React tree: the store, its sync, and presence. */
export interface BoardSession {
  readonly store: TLStore
  readonly connection: BoardConnection
  /** The board's images on their way to the server. */
  readonly images: BoardImages
  /** Becomes true once the store holds the board, so the editor never shows a half-loaded one. */
  readonly $ready: Signal<boolean>
  /** Wires up what needs the editor (presence, `window.refinery`); returns the function that undoes it. */
  attachEditor(editor: Editor): () => void
  close(): void
}

/** Who opens the board: their account, as the server knows it. */
export interface BoardUser {
  id: string
  name: string
}

export function openBoardSession(
  boardId: string,
  user: BoardUser,
  explainFailure?: () => Promise<number | null>,
): BoardSession {
  // tldraw shows the same name and colour in its own menus as everyone else sees on the cursor.
  setUserPreferences({ ...getUserPreferences(), id: user.id, name: user.name, color: userColor(user.id) })

  const connection = openBoardConnection(boardId, { explainFailure })
  const images = openBoardImages(boardId, connection.$state)
  const store = createBoardStore({
    assets: images.assetStore,
    collaboration: {
      status: computed('tldraw connection status', () =>
        connectionStatus(connection.$state.get()) === 'connected' ? 'online' : 'offline',
      ),
    },
  })
  const $ready = atom('board ready', false)
  let binding: StoreBinding | null = null
  const stopWaiting = react('bind the board once it is ready', () => {
    if (binding || !connection.$ready.get()) return
    binding = bindStoreToYDoc(store, connection.doc)
    $ready.set(true)
  })

  return {
    store,
    connection,
    images,
    $ready,
    attachEditor(editor) {
      const $user = computed('local user', () => ({
        id: editor.user.getId(),
        name: editor.user.getName(),
        color: editor.user.getColor(),
      }))
      const unbindPresence = bindPresence(store, connection.provider.awareness, $user)
      const stopTextHistory = provideTextHistory(editor, (field) => binding?.textHistory(field) ?? null)
      const detachImages = images.attachEditor(editor)
      // Undo and redo (the menu, the toolbar and their shortcuts all call these) go through the
      // binding, so they take back only this person's own changes.
      const { undo, redo } = editor
      const replay = (run: () => unknown) => (binding ? binding.replay(run) : run())
      editor.undo = () => {
        replay(() => undo.call(editor))
        return editor
      }
      editor.redo = () => {
        replay(() => redo.call(editor))
        return editor
      }
      window.refinery = { editor, ydoc: connection.doc, provider: connection.provider }
      return () => {
        unbindPresence()
        stopTextHistory()
        detachImages()
        editor.undo = undo
        editor.redo = redo
        if (window.refinery?.editor === editor) delete window.refinery
      }
    },
    close() {
      stopWaiting()
      binding?.stop()
      images.close()
      connection.close()
      store.dispose()
    },
  }
}
