import {
  atom,
  computed,
  createTLCurrentUser,
  type Editor,
  getUserPreferences,
  react,
  type Signal,
  setUserPreferences,
  type TLCurrentUser,
  type TLStore,
  unsafe__withoutCapture,
} from 'tldraw'
import { type BoardImages, openBoardImages } from '../assets/boardImages'
import { type BoardConnection, openBoardConnection } from '../sync/boardConnection'
import { connectionStatus } from '../sync/connectionState'
import { bindPresence } from '../sync/presence'
import { provideTextHistory } from '../sync/textHistory'
import { bindStoreToYDoc, nextFrame, type StoreBinding } from '../sync/yjsStoreBinding'
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

/** Who opens the board: their account, and their colour on this board, as the server knows them. */
export interface BoardUser {
  id: string
  name: string
  color: string
}

/**
 * The person's tldraw preferences with their account's id and name and their colour on this board,
 * so tldraw's own menus show them as everyone else sees them. The rest (theme, snapping…) is
 * tldraw's stored preferences, shared by every board; this board's name and colour never go there,
 * where a board open in another tab would take them.
 */
export function boardUser(user: BoardUser): TLCurrentUser {
  return createTLCurrentUser({
    userPreferences: computed('board user', () => ({ ...getUserPreferences(), ...user })),
    setUserPreferences: ({ id: _id, name: _name, color: _color, ...changes }) =>
      setUserPreferences({ ...getUserPreferences(), ...changes }),
  })
}

/**
 * Opens the board in this tab: its local copy and socket, and tldraw's store bound to the document
 * once it is ready to show. It needs nothing but the board's id, so the page opens it while it still
 * asks the API who is signed in and with what role (the server refuses a non-member's socket).
 */
export function openBoardSession(
  boardId: string,
  explainFailure?: () => Promise<number | null>,
): BoardSession {
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
    // The binding reads the store as it fills it: none of that may become what this reaction follows
    // (when the document is ready on the first run, tldraw's signals crash on the next change).
    binding = unsafe__withoutCapture(() => bindStoreToYDoc(store, connection.doc, { schedule: nextFrame }))
    performance.mark('refinery:board-bound')
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
