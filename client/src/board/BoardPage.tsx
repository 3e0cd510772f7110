import { getAssetUrlsByImport } from '@tldraw/assets/imports.vite'
import { createContext, useCallback, useContext, useEffect, useState } from 'react'
import { CenteredTopPanelContainer, type Editor, type TLComponents, Tldraw, useValue } from 'tldraw'
import 'tldraw/tldraw.css'
import { useDocumentTitle } from '../app/useDocumentTitle'
import { tldrawLicenseKey } from '../config'
import { storyMapComponents, storyMapOverrides, storyMapShapeUtils } from '../storyMap'
import { BoardHeader } from './BoardHeader'
import { type BoardSession, openBoardSession } from './boardSession'

/** tldraw's fonts, icons and translations, from this build rather than tldraw's CDN. */
const assetUrls = getAssetUrlsByImport()

function useBoardSession(boardId: string): BoardSession | null {
  const [session, setSession] = useState<BoardSession | null>(null)
  useEffect(() => {
    const opened = openBoardSession(boardId)
    setSession(opened)
    return () => opened.close()
  }, [boardId])
  return session
}

export function BoardPage({ boardId }: { boardId: string }) {
  useDocumentTitle(`${boardId} · Refinery`)
  const session = useBoardSession(boardId)
  const ready = useValue('board ready', () => session?.$ready.get() ?? false, [session])
  return (
    <main className="board">
      {session && ready ? (
        <BoardCanvas boardId={boardId} session={session} />
      ) : (
        <>
          <div className="board__loading-header">
            <BoardHeader boardId={boardId} />
          </div>
          <p className="page-loading" data-testid="board-loading">
            Opening the board…
          </p>
        </>
      )}
    </main>
  )
}

/** The open board, for the header that tldraw renders in its top panel. */
const OpenBoard = createContext<{ boardId: string; session: BoardSession } | null>(null)

/** The header in tldraw's top panel: centred between its menus, so it never covers them. */
function BoardTopPanel() {
  const board = useContext(OpenBoard)
  if (!board) return null
  return (
    <CenteredTopPanelContainer maxWidth={720}>
      <BoardHeader boardId={board.boardId} connection={board.session.connection} />
    </CenteredTopPanelContainer>
  )
}

const components: TLComponents = { ...storyMapComponents, TopPanel: BoardTopPanel }

function BoardCanvas({ boardId, session }: { boardId: string; session: BoardSession }) {
  const onMount = useCallback((editor: Editor) => session.attachEditor(editor), [session])
  return (
    <OpenBoard.Provider value={{ boardId, session }}>
      <Tldraw
        store={session.store}
        shapeUtils={storyMapShapeUtils}
        overrides={storyMapOverrides}
        assetUrls={assetUrls}
        licenseKey={tldrawLicenseKey()}
        components={components}
        onMount={onMount}
      />
    </OpenBoard.Provider>
  )
}
