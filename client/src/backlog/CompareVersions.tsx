import type { BacklogDiff, BacklogItem, VersionView } from '@refinery/shared'
import { type FormEvent, useId, useState } from 'react'
import { api, errorMessage } from '../api/client'
import { Link } from '../app/Link'
import { navigate } from '../app/router'
import { isStatus, useLoaded } from '../app/useLoaded'
import { boardPath, versionBoardPath } from '../board/boardId'
import { describeChange } from './changes'

/** The live board in a comparison: `against=live`. */
const LIVE = 'live'

/** Picks two refinements to compare: a finished version, and a later one or the live board. */
export function CompareForm({
  boardId,
  versions,
  from,
  against,
}: {
  boardId: string
  versions: VersionView[]
  from: string | null
  against: string | null
}) {
  const id = useId()
  // Versions come newest first; the default compares the newest with the board as it is now.
  const [before, setBefore] = useState(from ?? versions[0]?.id ?? '')
  const [after, setAfter] = useState(against ?? LIVE)
  const submit = (event: FormEvent) => {
    event.preventDefault()
    navigate(
      `/b/${boardId}/backlog?compare=${encodeURIComponent(before)}&against=${encodeURIComponent(after)}`,
    )
  }
  return (
    <section className="backlog-card" data-testid="compare-form">
      <h2>What changed</h2>
      <form className="compare-form" onSubmit={submit}>
        <label htmlFor={`${id}-from`}>From</label>
        <select id={`${id}-from`} value={before} onChange={(event) => setBefore(event.target.value)}>
          {versions.map((version) => (
            <option key={version.id} value={version.id}>
              {version.name}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-to`}>To</label>
        <select id={`${id}-to`} value={after} onChange={(event) => setAfter(event.target.value)}>
          <option value={LIVE}>The board now</option>
          {versions
            .filter((version) => version.id !== before)
            .map((version) => (
              <option key={version.id} value={version.id}>
                {version.name}
              </option>
            ))}
        </select>
        <button type="submit" className="button button--small" disabled={!before || before === after}>
          Compare
        </button>
      </form>
    </section>
  )
}

/** The comparison itself: cards added, removed and changed, each change with before and after. */
export function BacklogChanges({
  boardId,
  versions,
  from,
  against,
}: {
  boardId: string
  versions: VersionView[]
  from: string
  against: string
}) {
  const diff = useLoaded<BacklogDiff>(`${from}→${against}`, () => api.diff(boardId, from, against))
  const name = (versionId: string) =>
    versionId === LIVE
      ? 'the board now'
      : (versions.find((version) => version.id === versionId)?.name ?? versionId)
  return (
    <section className="backlog-changes" data-testid="backlog-changes">
      <h2>
        From {name(from)} to {name(against)}
      </h2>
      {diff.status === 'loading' && <p className="muted">Comparing…</p>}
      {diff.status === 'failed' && (
        <p className="notice notice--error" role="alert">
          {isStatus(diff.error, 404)
            ? 'One of these versions does not exist on this board.'
            : errorMessage(diff.error, 'The comparison could not be made.')}
        </p>
      )}
      {diff.status === 'ready' && (
        <Changes diff={diff.value} boardId={boardId} from={from} against={against} />
      )}
    </section>
  )
}

/** Where a card opens: on the live board, or on a finished version's board as it was. */
function cardPath(boardId: string, versionId: string, cardId: string): string {
  const board = versionId === LIVE ? boardPath(boardId) : versionBoardPath(boardId, versionId)
  return `${board}?card=${encodeURIComponent(cardId)}`
}

function Changes({
  diff,
  boardId,
  from,
  against,
}: {
  diff: BacklogDiff
  boardId: string
  from: string
  against: string
}) {
  if (diff.added.length + diff.removed.length + diff.changed.length === 0) {
    return (
      <p className="muted" data-testid="no-changes">
        Nothing changed: the same cards, ranked and estimated the same.
      </p>
    )
  }
  // Added and changed cards open where they are now; removed ones where they were.
  const cardLink = (cardId: string) => cardPath(boardId, against, cardId)
  const removedLink = (cardId: string) => cardPath(boardId, from, cardId)
  return (
    <>
      <ItemList title="Added" testId="added" items={diff.added} link={cardLink} />
      <ItemList title="Removed" testId="removed" items={diff.removed} link={removedLink} />
      {diff.changed.length > 0 && (
        <div className="backlog-changes__group" data-testid="changed">
          <h3>Changed ({diff.changed.length})</h3>
          <ul>
            {diff.changed.map((entry) => (
              <li key={entry.id} data-testid="changed-item" data-card={entry.id}>
                <Link to={cardLink(entry.id)} className="backlog-changes__card">
                  {entry.title || 'Untitled card'}
                </Link>
                <ul className="backlog-changes__fields">
                  {entry.changes.map((change) => (
                    <li key={change.field} data-field={change.field}>
                      {describeChange(change)}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </div>
      )}
    </>
  )
}

function ItemList({
  title,
  testId,
  items,
  link,
}: {
  title: string
  testId: string
  items: BacklogItem[]
  link: (cardId: string) => string
}) {
  if (items.length === 0) return null
  return (
    <div className="backlog-changes__group" data-testid={testId}>
      <h3>
        {title} ({items.length})
      </h3>
      <ul>
        {items.map((item) => (
          <li key={item.id} data-card={item.id}>
            <Link to={link(item.id)} className="backlog-changes__card">
              {item.title || 'Untitled card'}
            </Link>{' '}
            <span className="muted">
              #{item.rank}
              {item.release ? ` · ${item.release}` : ''}
              {item.estimate !== null ? ` · ${item.estimate} pt` : ''}
            </span>
          </li>
        ))}
      </ul>
    </div>
  )
}
