import { api } from '../api/client'
import { Link } from '../app/Link'
import { Logo } from '../app/Logo'
import type { BoardImages } from '../assets/boardImages'
import { UploadStatus } from '../assets/UploadStatus'
import { BoardTimer } from '../facilitation/BoardTimer'
import type { BoardConnection } from '../sync/boardConnection'
import type { OpenBoard } from './boardContext'
import { ConnectionIndicator, RefusalNotice } from './ConnectionIndicator'
import { ShareButton } from './ShareDialog'

interface BoardHeaderProps {
  title: string
  /** Absent while the board opens. */
  open?: OpenBoard
  /** Absent while the board opens: the status shows with the editor, so "connected" means usable. */
  connection?: BoardConnection
  /** Absent while the board opens. */
  images?: BoardImages
}

const READ_ONLY_NOTE = {
  voter: 'You can vote with dots',
  viewer: 'View only',
} as const

/**
 * The board's name plate at the top of the canvas: the way home, the title, sharing and the
 * connection; below it, what would otherwise go unnoticed (a refused board, images on their way).
 */
export function BoardHeader({ title, open, connection, images }: BoardHeaderProps) {
  const role = open?.board.role
  return (
    <div className="board-header-stack">
      <header className="board-header">
        <Link to="/" className="brand brand--small" data-testid="home-link" title="Your boards">
          <Logo size={22} />
          <span className="brand__name">Refinery</span>
        </Link>
        <span className="board-header__divider" aria-hidden="true" />
        <h1 className="board-header__title" data-testid="board-title" title={title}>
          {title}
        </h1>
        {(role === 'voter' || role === 'viewer') && (
          <span
            className={`role-badge role-badge--${role}`}
            data-testid="read-only-note"
            title={READ_ONLY_NOTE[role]}
          >
            <span className="role-badge__label">{READ_ONLY_NOTE[role]}</span>
          </span>
        )}
        {open && connection && <BoardTimer open={open} connection={connection} />}
        {open && (
          <a
            className="button button--small board-header__export"
            href={api.boardFileUrl(open.board.id)}
            download
            title="The whole board as one file, to keep (in git, say) or to import as a new board"
            data-testid="export-board-file"
          >
            Export board file
          </a>
        )}
        {open && <ShareButton open={open} />}
        {connection && <ConnectionIndicator connection={connection} />}
      </header>
      {connection && <RefusalNotice connection={connection} title={title} />}
      {images && <UploadStatus images={images} />}
    </div>
  )
}
