import { Link } from '../app/Link'
import { Logo } from '../app/Logo'
import type { BoardConnection } from '../sync/boardConnection'
import { ConnectionIndicator, RefusalNotice } from './ConnectionIndicator'
import { CopyLinkButton } from './CopyLinkButton'

interface BoardHeaderProps {
  boardId: string
  /** Absent while the board opens: the status shows with the editor, so "connected" means usable. */
  connection?: BoardConnection
}

/** The board's name plate at the top of the canvas: the way home, the board id and the connection. */
export function BoardHeader({ boardId, connection }: BoardHeaderProps) {
  return (
    <div className="board-header-stack">
      <header className="board-header">
        <Link to="/" className="brand brand--small" data-testid="home-link" title="Back to the home page">
          <Logo size={22} />
          <span className="brand__name">Refinery</span>
        </Link>
        <span className="board-header__divider" aria-hidden="true" />
        <h1 className="board-header__title">
          <span className="board-header__label">Board</span>{' '}
          <span className="board-header__id" data-testid="board-id" title={boardId}>
            {boardId}
          </span>
        </h1>
        <CopyLinkButton />
        {connection && <ConnectionIndicator connection={connection} />}
      </header>
      {connection && <RefusalNotice connection={connection} />}
    </div>
  )
}
