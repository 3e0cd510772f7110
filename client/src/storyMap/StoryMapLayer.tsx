import type { MyVotes } from '@refinery/shared'
import { useEffect } from 'react'
import { type Editor, react, type TLShapeId, useEditor, useValue } from 'tldraw'
import { Link } from '../app/Link'
import { OpenQuestions, useCommentsBinding } from '../comments/OpenQuestions'
import { LockBadges } from '../facilitation/LockBadges'
import { LockControls } from '../facilitation/LockControls'
import { PokerLayer } from '../poker/PokerLayer'
import { keepPastedCardsInSight } from './copies'
import { endPanelEditingOnPress } from './editing'
import { bindHiddenVoting, hiddenVotingOf, ownTotals } from './hiddenVoting'
import { mapCamera } from './placement'
import { StoryMapPanel } from './StoryMapPanel'
import { isStoryCard, isStoryMapShape } from './shapeProps'
import { keepSlicesSpanningSteps } from './sliceSpan'
import { registerStoryMapTools } from './tools'
import { type MyDots, useMyVotes } from './useMyVotes'
import { type StoryMapBoard, useStoryMapBoard } from './useStoryMapBoard'
import { VotingControl } from './VotingControl'
import { bindVoteTotals, voteTotalsOf } from './votes'
import './storyMap.css'

/**
 * Keeps the cards' dot totals in step with the board's votes; while voting is hidden, the totals are this
 * person's own dots, which only the votes API tells them. The board's Y.Doc is reached through
 * `window.refinery`, which the board sets when the editor mounts, before this component's effects run.
 */
function useVoteTotals(editor: Editor, mine: MyVotes['mine'] | undefined) {
  const hidden = useValue('voting hidden', () => hiddenVotingOf(editor).get(), [editor])
  useEffect(() => {
    const open = window.refinery
    if (!open || open.editor !== editor) return
    return bindHiddenVoting(open.ydoc, hiddenVotingOf(editor))
  }, [editor])
  const ownWhileHidden = hidden ? mine : null
  useEffect(() => {
    const open = window.refinery
    if (!open || open.editor !== editor) return
    if (ownWhileHidden !== null) {
      voteTotalsOf(editor).set(ownTotals(ownWhileHidden))
      return
    }
    return bindVoteTotals(open.ydoc, voteTotalsOf(editor))
  }, [editor, ownWhileHidden])
}

/** Opened from a backlog item (`?card=<id>`): selects that card and brings it into view at 100%. */
function focusLinkedCard(editor: Editor, cardId: string): () => void {
  // The card may arrive with the rest of the board a moment later; wait for it, once.
  let found = false
  const stop = react('focus the linked card', () => {
    const card = editor.getShape(cardId as TLShapeId)
    if (found || !isStoryCard(card)) return
    found = true
    // Not from inside the reaction: it would change what the reaction reads.
    queueMicrotask(() => {
      stop()
      const pageId = editor.getAncestorPageId(card)
      if (pageId && pageId !== editor.getCurrentPageId()) editor.setCurrentPage(pageId)
      editor.select(card.id)
      const bounds = editor.getSelectionPageBounds()
      if (bounds) editor.zoomToBounds(bounds, { targetZoom: 1, animation: { duration: 300 } })
    })
  })
  return stop
}

/** Shows the story map from its top-left corner rather than wherever the page's origin puts it. */
function frameMap(editor: Editor): void {
  const shapes = editor.getCurrentPageShapes().filter((shape) => isStoryMapShape(shape))
  const bounds = editor.getShapesPageBounds(shapes.map((shape) => shape.id))
  if (bounds) editor.setCamera(mapCamera(bounds, editor.getViewportScreenBounds()))
}

/** The view a board opens on: the linked card, or else the whole width of the map. */
function useOpeningView(editor: Editor) {
  useEffect(() => {
    const cardId = new URLSearchParams(window.location.search).get('card')
    if (cardId) return focusLinkedCard(editor, cardId)
    frameMap(editor)
  }, [editor])
}

/** What the story map puts in front of the canvas: the panel of the selected shape, dots left, the backlog. */
export function StoryMapLayer() {
  const editor = useEditor()
  const board = useStoryMapBoard()
  const dots = useMyVotes(board?.boardId ?? null, board?.canVote ?? false)
  useEffect(() => registerStoryMapTools(editor), [editor])
  useEffect(() => keepPastedCardsInSight(editor), [editor])
  useEffect(() => endPanelEditingOnPress(editor), [editor])
  useEffect(() => keepSlicesSpanningSteps(editor), [editor])
  useVoteTotals(editor, dots.votes?.mine)
  useOpeningView(editor)
  useCommentsBinding(editor)
  if (!board) return null
  return (
    <>
      <StoryMapPanel board={board} dots={dots} />
      <PokerLayer board={board} />
      <LockBadges board={board} />
      {/* The corner's controls stack, so that none covers another however many a role has. */}
      <div className="story-map-corner">
        <LockControls board={board} />
        <MapBar board={board} dots={board.canVote ? dots : null} />
      </div>
    </>
  )
}

/** A small bar in the corner: the dots this person has left, and the way to the backlog. */
function MapBar({ board, dots }: { board: StoryMapBoard; dots: MyDots | null }) {
  const votes = dots?.votes
  return (
    <div className="story-map-bar">
      {board.role === 'owner' && <VotingControl boardId={board.boardId} />}
      <OpenQuestions />
      {votes && (
        <span
          className="story-map-bar__dots"
          data-testid="dots-left"
          data-left={votes.left}
          title="Dots you can still place on cards: select a card to vote"
        >
          <span className="story-card__dot" aria-hidden="true" />
          {votes.left} of {votes.budget} dots left
        </span>
      )}
      <Link
        to={`/b/${board.boardId}/backlog`}
        className="button button--small story-map-bar__backlog"
        data-testid="backlog-link"
      >
        Backlog →
      </Link>
    </div>
  )
}
