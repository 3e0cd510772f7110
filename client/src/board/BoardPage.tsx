import { can } from '@refinery/shared'
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react'
import {
  CenteredTopPanelContainer,
  type Editor,
  getUserPreferences,
  type TLComponents,
  Tldraw,
  useValue,
} from 'tldraw'
import 'tldraw/tldraw.css'
import { Link } from '../app/Link'
import { useDocumentTitle } from '../app/useDocumentTitle'
import { IMAGE_TYPES } from '../assets/imageRules'
import { tldrawLicenseKey } from '../config'
import { SummonLayer } from '../facilitation/SummonLayer'
import { storyMapComponents, storyMapOverrides, storyMapShapeUtils } from '../storyMap'
import { PRESENCE_OPTIONS } from '../sync/presence'
import { BoardHeader } from './BoardHeader'
import { BoardContext, type OpenBoard } from './boardContext'
import { type BoardSession, boardUser, openBoardSession } from './boardSession'
import { tldrawAssetUrls } from './tldrawAssets'
import { explainRefusal, useBoardAccess } from './useBoardAccess'

/** Videos are not stored by the server; images only of the types it takes (the file picker offers just those). */
const NO_VIDEOS: readonly string[] = []

/**
 * The board's session, opened as soon as the page knows which board: its local copy and socket load
 * while the API answers who is signed in and as what (`useBoardAccess`); the server checks both again
 * when the socket connects. Null once access is refused.
 */
function useBoardSession(boardId: string | null): BoardSession | null {
  const [session, setSession] = useState<BoardSession | null>(null)
  useEffect(() => {
    if (!boardId) {
      setSession(null)
      return
    }
    const opened = openBoardSession(boardId, () => explainRefusal(boardId))
    setSession(opened)
    return () => opened.close()
  }, [boardId])
  return session
}

/**
 * Whether the person's tldraw theme is dark: their choice in its preferences menu, or the system's
 * when that is their choice. Read before the editor mounts, so the page it opens on matches.
 */
function useDarkTheme(): boolean {
  return useValue('dark theme', () => {
    const scheme = getUserPreferences().colorScheme
    return scheme === 'dark' || (scheme === 'system' && matchMedia('(prefers-color-scheme: dark)').matches)
  }, [])
}

export function BoardPage({ boardId }: { boardId: string }) {
  const access = useBoardAccess(boardId)
  const open = access.status === 'ready' ? access.open : null
  useDocumentTitle(`${open?.board.title ?? 'Board'} · Refinery`)
  const refused = access.status === 'not-found' || access.status === 'unavailable'
  const session = useBoardSession(refused ? null : boardId)
  const ready = useValue('board ready', () => session?.$ready.get() ?? false, [session])
  const dark = useDarkTheme()

  if (access.status === 'not-found') {
    return (
      <main className="centered-page">
        <section className="panel" data-testid="board-not-found">
          <h1>This board is not available</h1>
          <p className="muted">
            It does not exist, or you are not a member of it. Ask its owner for an invite link.
          </p>
          <Link to="/" className="button">
            Your boards
          </Link>
        </section>
      </main>
    )
  }
  if (access.status === 'unavailable') {
    return (
      <main className="centered-page">
        <section className="panel">
          <h1>This board cannot be opened right now</h1>
          <p className="notice notice--error" role="alert">
            {access.message}
          </p>
        </section>
      </main>
    )
  }
  return (
    // tldraw's own theme class, which switches its colours and Refinery's (app.css) alike.
    <main className={dark ? 'board tl-theme__dark' : 'board'}>
      {open && session && ready ? (
        <BoardContext.Provider value={open}>
          <BoardCanvas open={open} session={session} />
        </BoardContext.Provider>
      ) : (
        <>
          <div className="board__loading-header">
            <BoardHeader title={open?.board.title ?? ''} />
          </div>
          <p className="page-loading" data-testid="board-loading">
            Opening the board…
          </p>
        </>
      )}
    </main>
  )
}

/** The open board's session, for the header that tldraw renders in its top panel. */
const OpenSession = createContext<BoardSession | null>(null)

/** The header in tldraw's top panel: centred between its menus, so it never covers them. */
function BoardTopPanel() {
  const session = useContext(OpenSession)
  const open = useContext(BoardContext)
  if (!session || !open) return null
  return (
    <CenteredTopPanelContainer maxWidth={760}>
      <BoardHeader
        title={open.board.title}
        open={open}
        connection={session.connection}
        images={session.images}
      />
    </CenteredTopPanelContainer>
  )
}

const components: TLComponents = {
  ...storyMapComponents,
  TopPanel: BoardTopPanel,
  // Names come from accounts and colours from the board (the server stamps both on presence):
  // tldraw's editor of the two would change them on this screen only.
  UserPresenceEditor: null,
}

function BoardCanvas({ open, session }: { open: OpenBoard; session: BoardSession }) {
  const canEdit = can(open.board.role, 'board:edit')
  const { id, name } = open.me
  const { color } = open.board
  const user = useMemo(() => boardUser({ id, name, color }), [id, name, color])
  const onMount = useCallback(
    (editor: Editor) => {
      // Voters and viewers see the canvas without editing tools; the server drops their edits anyway.
      if (!canEdit) editor.updateInstanceState({ isReadonly: true })
      return session.attachEditor(editor)
    },
    [session, canEdit],
  )
  return (
    <OpenSession.Provider value={session}>
      <Tldraw
        store={session.store}
        user={user}
        options={PRESENCE_OPTIONS}
        shapeUtils={storyMapShapeUtils}
        overrides={storyMapOverrides}
        assetUrls={tldrawAssetUrls}
        acceptedImageMimeTypes={IMAGE_TYPES}
        acceptedVideoMimeTypes={NO_VIDEOS}
        // Pasted and dropped files are checked against the server's limit by the board's own handler
        // (`openBoardImages`); this is tldraw's check on its other paths (replacing an image's file).
        maxAssetSize={window.REFINERY_CONFIG?.maxAssetBytes ?? Number.POSITIVE_INFINITY}
        licenseKey={tldrawLicenseKey()}
        components={components}
        onMount={onMount}
      >
        <SummonLayer open={open} connection={session.connection} />
      </Tldraw>
    </OpenSession.Provider>
  )
}
