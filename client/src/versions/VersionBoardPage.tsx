import type { BoardFile, BoardView, VersionView } from '@refinery/shared'
import { useCallback, useMemo } from 'react'
import { type Editor, type TLComponents, type TLRecord, Tldraw } from 'tldraw'
import 'tldraw/tldraw.css'
import { api, errorMessage } from '../api/client'
import { formatDate } from '../app/formatDate'
import { Link } from '../app/Link'
import { Logo } from '../app/Logo'
import { useDocumentTitle } from '../app/useDocumentTitle'
import { isStatus, useLoaded } from '../app/useLoaded'
import { signInPath } from '../auth/me'
import { boardPath } from '../board/boardId'
import { createBoardStore } from '../board/boardStore'
import { tldrawAssetUrls } from '../board/tldrawAssets'
import { tldrawLicenseKey } from '../config'
import { storyMapComponents, storyMapShapeUtils } from '../storyMap'
import './versionBoard.css'

interface FinishedBoard {
  board: BoardView
  version: VersionView
  file: BoardFile
}

async function loadFinishedBoard(boardId: string, versionId: string): Promise<FinishedBoard> {
  const [board, versions, file] = await Promise.all([
    api.board(boardId),
    api.versions(boardId),
    api.versionBoard(boardId, versionId),
  ])
  const version = versions.versions.find((entry) => entry.id === versionId)
  if (!version) throw new Error('This version is not listed on the board any more.')
  return { board, version, file }
}

/**
 * A finished version, opened as the board it was: the canvas read-only, from the records frozen
 * with it. A version's backlog links here, so a card of an old refinement opens as it was then.
 */
export function VersionBoardPage({ boardId, versionId }: { boardId: string; versionId: string }) {
  const loaded = useLoaded(`${boardId}/${versionId}`, () => loadFinishedBoard(boardId, versionId))
  const title =
    loaded.status === 'ready' ? `${loaded.value.version.name} · ${loaded.value.board.title}` : 'Version'
  useDocumentTitle(`${title} · Refinery`)
  const backlog = `/b/${boardId}/backlog?version=${encodeURIComponent(versionId)}`

  return (
    <main className="version-board" data-testid="version-board">
      <header className="topbar">
        <Link to="/" className="brand brand--small" title="Your boards">
          <Logo size={24} />
          <span className="brand__name">Refinery</span>
        </Link>
        {loaded.status === 'ready' && (
          <span className="version-board__title">
            <strong title={loaded.value.board.title}>{loaded.value.board.title}</strong>
            <span className="version-board__badge" data-testid="version-badge">
              {loaded.value.version.name} · finished {formatDate(loaded.value.version.createdAt)} · read-only
            </span>
          </span>
        )}
        <span className="topbar__spacer" />
        <Link to={backlog} className="button button--small" data-testid="version-backlog-link">
          Its backlog
        </Link>
        <Link
          to={boardPath(boardId)}
          className="button button--small button--primary"
          data-testid="live-board-link"
        >
          Live board
        </Link>
      </header>
      {loaded.status === 'loading' && <p className="page-loading">Opening the version…</p>}
      {loaded.status === 'failed' && <Failed error={loaded.error} />}
      {loaded.status === 'ready' && <FrozenCanvas file={loaded.value.file} />}
    </main>
  )
}

function Failed({ error }: { error: unknown }) {
  if (isStatus(error, 401)) {
    return (
      <section className="panel version-board__message">
        <h1>Sign in to see this board</h1>
        <Link to={signInPath()} className="button button--primary">
          Sign in
        </Link>
      </section>
    )
  }
  return (
    <section className="panel version-board__message" role="alert">
      <h1>{isStatus(error, 404) ? 'No such version' : 'The version cannot be opened right now'}</h1>
      <p className="muted">
        {isStatus(error, 404)
          ? 'This board has no such finished version, or you are not a member of the board.'
          : errorMessage(error, 'Something went wrong. Try again in a moment.')}
      </p>
      <Link to="/" className="button">
        Your boards
      </Link>
    </section>
  )
}

const frozenComponents: TLComponents = { ...storyMapComponents, Toolbar: null, StylePanel: null }

function FrozenCanvas({ file }: { file: BoardFile }) {
  const store = useMemo(() => {
    const frozen = createBoardStore()
    frozen.mergeRemoteChanges(() => frozen.put(file.records as unknown as TLRecord[]))
    return frozen
  }, [file])
  const onMount = useCallback((editor: Editor) => {
    editor.updateInstanceState({ isReadonly: true })
  }, [])
  return (
    <div className="version-board__canvas">
      <Tldraw
        store={store}
        shapeUtils={storyMapShapeUtils}
        assetUrls={tldrawAssetUrls}
        licenseKey={tldrawLicenseKey()}
        components={frozenComponents}
        onMount={onMount}
      />
    </div>
  )
}
