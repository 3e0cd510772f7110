import { POKER_DECKS, type PokerDeck, type PokerRound, pointsOf, spread, UNSURE } from '@refinery/shared'
import { useState } from 'react'
import { type Editor, type TLShapeId, useEditor, useValue } from 'tldraw'
import { api, errorMessage } from '../api/client'
import { isStoryCard } from '../storyMap/shapeProps'
import type { StoryMapBoard } from '../storyMap/useStoryMapBoard'
import { hearThemFirst, listNames } from './outliers'
import { type PokerTable, usePokerRound } from './usePokerRound'
import './poker.css'

const DECK_NAMES: Record<PokerDeck, string> = { fibonacci: 'Fibonacci', tshirt: 'T-shirt' }
const deckHint = (deck: PokerDeck) => POKER_DECKS[deck].filter((face) => face !== UNSURE).join(', ')

/** A request from a poker button: busy while it is out, and what went wrong in words. */
function useRequest() {
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<string | null>(null)
  const run = <T,>(request: () => Promise<T>, then?: (answer: T) => void) => {
    setBusy(true)
    setFailure(null)
    request()
      .then(then, (error: unknown) =>
        setFailure(errorMessage(error, 'That did not reach the server. Try again.')),
      )
      .finally(() => setBusy(false))
  }
  return { busy, failure, run }
}

/** Where a card is in the editor's container, following the camera; null when it is not on this page. */
function useCardPlace(editor: Editor, cardId: string | null) {
  return useValue('poker card place', () => {
    if (!cardId) return null
    const id = cardId as TLShapeId
    const bounds = editor.getShapePageBounds(id)
    if (!bounds || editor.getAncestorPageId(id) !== editor.getCurrentPageId()) return null
    const topLeft = editor.pageToViewport(bounds.point)
    const bottomRight = editor.pageToViewport({ x: bounds.maxX, y: bounds.maxY })
    return { left: topLeft.x, top: topLeft.y, width: bottomRight.x - topLeft.x, bottom: bottomRight.y }
  }, [editor, cardId])
}

/** The card's title as the map shows it. */
function useCardTitle(editor: Editor, cardId: string): string | null {
  return useValue('poker card title', () => {
    const card = editor.getShape(cardId as TLShapeId)
    return isStoryCard(card) ? card.props.title || 'Untitled story' : null
  }, [editor, cardId])
}

/**
 * Planning poker on the story map (issue 17): the "Estimate" action on a selected card for those who
 * run the session, the round's panel for everyone while one is open, and a mark on the card estimated.
 */
export function PokerLayer({ board }: { board: StoryMapBoard }) {
  const editor = useEditor()
  const table = usePokerRound(editor, board.boardId)
  if (!table.round) return board.canEdit ? <EstimateAction boardId={board.boardId} /> : null
  return (
    <>
      <EstimatingMark round={table.round} />
      <PokerPanel board={board} table={table} round={table.round} />
    </>
  )
}

/** Below the one selected story card: open a round on it with a deck. */
function EstimateAction({ boardId }: { boardId: string }) {
  const editor = useEditor()
  const cardId = useValue('estimate: selected card', () => {
    const only = editor.getOnlySelectedShape() ?? undefined
    return isStoryCard(only) && !editor.isIn('select.translating') ? only.id : null
  }, [editor])
  const place = useCardPlace(editor, cardId)
  if (!cardId || !place) return null
  return (
    <div
      className="poker-action"
      style={{ left: place.left + place.width / 2, top: place.bottom + 8 }}
      onPointerDown={(event) => event.stopPropagation()}
      data-testid="estimate-action"
    >
      <DeckChoice key={cardId} boardId={boardId} cardId={cardId} />
    </div>
  )
}

/** "Estimate", then the deck to estimate with; a new card starts again from "Estimate". */
function DeckChoice({ boardId, cardId }: { boardId: string; cardId: string }) {
  const [choosing, setChoosing] = useState(false)
  const { busy, failure, run } = useRequest()
  return (
    <>
      {choosing ? (
        <>
          {(Object.keys(POKER_DECKS) as PokerDeck[]).map((deck) => (
            <button
              key={deck}
              type="button"
              className="button button--small"
              disabled={busy}
              title={`Estimate with ${deckHint(deck)}`}
              onClick={() => run(() => api.openPoker(boardId, cardId, deck))}
              data-testid={`estimate-deck-${deck}`}
            >
              {DECK_NAMES[deck]}
            </button>
          ))}
          <button
            type="button"
            className="poker-action__cancel"
            aria-label="Cancel"
            onClick={() => setChoosing(false)}
          >
            ×
          </button>
        </>
      ) : (
        <button
          type="button"
          className="button button--small"
          onClick={() => setChoosing(true)}
          title="Everyone picks an estimate face-down, then you reveal them together"
          data-testid="estimate-card"
        >
          <span aria-hidden="true">🂠</span> Estimate
        </button>
      )}
      {failure && (
        <span className="notice notice--error" role="alert">
          {failure}
        </span>
      )}
    </>
  )
}

/** On the card being estimated, so everyone sees which one the table is talking about. */
function EstimatingMark({ round }: { round: PokerRound }) {
  const editor = useEditor()
  const place = useCardPlace(editor, round.cardId)
  if (!place) return null
  const picked = Object.keys(round.estimated).length
  return (
    <div
      className="poker-mark"
      style={{ left: place.left + place.width / 2, top: place.top - 6 }}
      data-testid="poker-card-mark"
    >
      <span aria-hidden="true">🂠</span>{' '}
      {round.revealed ? 'Estimates revealed' : `Being estimated · ${picked} picked`}
    </div>
  )
}

function PokerPanel({ board, table, round }: { board: StoryMapBoard; table: PokerTable; round: PokerRound }) {
  const editor = useEditor()
  const title = useCardTitle(editor, round.cardId)
  const { busy, failure, run } = useRequest()
  const showCard = () => {
    const card = editor.getShape(round.cardId as TLShapeId)
    if (!card) return
    editor.select(card.id)
    const bounds = editor.getShapePageBounds(card)
    if (bounds) editor.zoomToBounds(bounds, { targetZoom: 1, animation: { duration: 300 } })
  }
  return (
    <aside
      className="poker-panel"
      aria-label="Planning poker"
      data-testid="poker-panel"
      onWheel={(event) => event.stopPropagation()}
    >
      <header className="poker-panel__header">
        <span className="poker-panel__kind">Planning poker · {DECK_NAMES[round.deck]}</span>
        <button
          type="button"
          className="poker-panel__card"
          onClick={showCard}
          title="Show the card"
          data-testid="poker-card-title"
        >
          {title ?? 'This card was deleted'}
        </button>
      </header>
      <div className="poker-panel__body">
        {round.revealed ? (
          <Spread key={round.id} board={board} round={round} run={run} busy={busy} />
        ) : (
          <Picking board={board} table={table} round={round} run={run} busy={busy} />
        )}
        {failure && (
          <p className="notice notice--error" role="alert">
            {failure}
          </p>
        )}
      </div>
      {board.canEdit && (
        <footer className="poker-panel__footer">
          {!round.revealed && (
            <button
              type="button"
              className="button button--small button--primary"
              disabled={busy}
              onClick={() => run(() => api.revealPoker(board.boardId))}
              data-testid="poker-reveal"
            >
              Reveal
            </button>
          )}
          <button
            type="button"
            className="button button--small"
            disabled={busy}
            onClick={() => run(() => api.closePoker(board.boardId))}
            title="End the round without an estimate"
            data-testid="poker-close"
          >
            Close
          </button>
        </footer>
      )}
    </aside>
  )
}

type Run = ReturnType<typeof useRequest>['run']

/** Before the reveal: the deck to pick from, face-down, and who has picked (never what). */
function Picking({
  board,
  table,
  round,
  run,
  busy,
}: {
  board: StoryMapBoard
  table: PokerTable
  round: PokerRound
  run: Run
  busy: boolean
}) {
  const picked = Object.entries(round.estimated)
  return (
    <>
      {board.canVote ? (
        <>
          <fieldset className="poker-deck" aria-label="Your estimate">
            {POKER_DECKS[round.deck].map((face) => (
              <button
                key={face}
                type="button"
                className="poker-face"
                aria-pressed={table.mine === face}
                disabled={busy}
                title={face === UNSURE ? 'I can’t tell yet' : `Pick ${face}`}
                onClick={() =>
                  run(
                    () => api.estimate(board.boardId, face),
                    (answer) => table.setMine(answer.mine),
                  )
                }
                data-testid={`poker-face-${face}`}
              >
                {face}
              </button>
            ))}
          </fieldset>
          <p className="poker-panel__note">
            {table.mine === null
              ? 'Pick a card: nobody sees it until the reveal.'
              : 'Your pick is hidden until the reveal. You can still change it.'}
          </p>
        </>
      ) : (
        <p className="poker-panel__note">You are watching: viewers do not estimate.</p>
      )}
      <h3 className="poker-panel__heading">
        Picked <span className="poker-panel__count">{picked.length}</span>
      </h3>
      {picked.length === 0 ? (
        <p className="poker-panel__note">Nobody has picked yet.</p>
      ) : (
        <ul className="poker-people" data-testid="poker-picked">
          {picked.map(([userId, name]) => (
            <li key={userId} className="poker-people__person" data-testid="poker-picked-person">
              <span className="poker-people__check" aria-hidden="true">
                ✓
              </span>
              {name || 'Someone'}
            </li>
          ))}
        </ul>
      )}
    </>
  )
}

/** After the reveal: each face with its people, the median, who to hear first, and the accepting. */
function Spread({
  board,
  round,
  run,
  busy,
}: {
  board: StoryMapBoard
  round: PokerRound
  run: Run
  busy: boolean
}) {
  const laid = spread(round.values ?? {}, round.deck)
  const names = round.estimated
  const nameOf = (userId: string) => names[userId] || 'Someone'
  const most = Math.max(1, ...laid.counts.map(({ people }) => people.length))
  const [chosen, setChosen] = useState<string | null>(laid.median)
  const hear = hearThemFirst(laid.outliers, names)
  const points = chosen ? pointsOf(round.deck, chosen) : null
  return (
    <>
      {laid.counts.length === 0 ? (
        <p className="poker-panel__note">Nobody picked before the reveal.</p>
      ) : (
        <ul className="poker-spread" data-testid="poker-spread">
          {laid.counts.map(({ value, people }) => (
            <li key={value} className="poker-spread__row" data-testid={`poker-spread-${value}`}>
              <span className="poker-face poker-face--small">{value}</span>
              <span className="poker-spread__bar" style={{ width: `${(people.length / most) * 100}%` }} />
              <span className="poker-spread__people">{listNames(people.map(nameOf))}</span>
            </li>
          ))}
        </ul>
      )}
      <p className="poker-panel__median" data-testid="poker-median">
        Median: <strong>{laid.median ?? '—'}</strong>
      </p>
      {hear && (
        <p className="poker-panel__hear" data-testid="poker-outliers">
          {hear}
        </p>
      )}
      {board.canEdit ? (
        <>
          <h3 className="poker-panel__heading">Accept</h3>
          <div className="poker-deck" role="radiogroup" aria-label="The agreed estimate">
            {POKER_DECKS[round.deck]
              .filter((face) => face !== UNSURE)
              .map((face) => (
                // biome-ignore lint/a11y/useSemanticElements: a row of cards reads better than radio dots
                <button
                  key={face}
                  type="button"
                  role="radio"
                  aria-checked={chosen === face}
                  className="poker-face"
                  onClick={() => setChosen(face)}
                  data-testid={`poker-accept-face-${face}`}
                >
                  {face}
                </button>
              ))}
          </div>
          <button
            type="button"
            className="button button--small button--primary poker-panel__accept"
            disabled={busy || chosen === null}
            onClick={() => chosen && run(() => api.acceptEstimate(board.boardId, chosen))}
            data-testid="poker-accept"
          >
            {chosen === null
              ? 'Pick the agreed estimate'
              : `Accept ${chosen}${round.deck === 'tshirt' ? ` (${points} pts)` : ''}`}
          </button>
        </>
      ) : (
        <p className="poker-panel__note">The facilitator accepts the agreed estimate.</p>
      )}
    </>
  )
}
