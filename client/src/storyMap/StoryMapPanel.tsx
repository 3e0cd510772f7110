import {
  BOARD_LIMITS,
  JOURNEY_STEP,
  type JourneyStepProps,
  MOSCOW,
  RELEASE_SLICE,
  type ReleaseSliceProps,
  STORY_CARD,
  type StoryCardProps,
  storyText,
} from '@refinery/shared'
import {
  type KeyboardEvent,
  type ReactNode,
  type RefObject,
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  useState,
} from 'react'
import { type Editor, useEditor, useReadonly, useValue } from 'tldraw'
import { CardThread } from '../comments/CardThread'
import { addLabels, estimateFrom, MOSCOW_LABELS, moscowFrom, replaced, without } from './cardFields'
import { capList, LIST_FULL } from './fieldLimits'
import { HIDDEN_VOTING_NOTE, hiddenVotingOf } from './hiddenVoting'
import {
  isJourneyStep,
  isReleaseSlice,
  isStoryCard,
  isStoryMapShape,
  type JourneyStepShape,
  type ReleaseSliceShape,
  type StoryCardShape,
  type StoryMapShape,
} from './shapeProps'
import { LimitMessage, TextField, type TextFieldProps } from './TextField'
import type { MyDots } from './useMyVotes'
import type { StoryMapBoard } from './useStoryMapBoard'
import { voteTotalsOf } from './votes'

type Field = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement

/** Focus the first field once the shape is being "edited" (double-click or Enter on the canvas). */
function useFocusWhenEditing(editor: Editor, shapeId: string, first: RefObject<Field | null>) {
  const editing = useValue('editing this shape', () => editor.getEditingShapeId() === shapeId, [
    editor,
    shapeId,
  ])
  useEffect(() => {
    if (!editing) return
    // A double-click's own press gives the canvas the keyboard after this runs, so the field takes it
    // once the press is over.
    let frame = 0
    const focus = () => {
      frame = requestAnimationFrame(() => first.current?.focus())
    }
    if (!editor.inputs.getIsPointing()) {
      focus()
      return () => cancelAnimationFrame(frame)
    }
    const page = editor.getContainer().ownerDocument
    page.addEventListener('pointerup', focus, { once: true })
    return () => {
      page.removeEventListener('pointerup', focus)
      cancelAnimationFrame(frame)
    }
  }, [editing, editor, first])
}

/** Handlers every field shares: one undo step per field visit, and Escape hands the keys back to the canvas. */
function fieldHandlers(editor: Editor) {
  return {
    onFocus: () => {
      editor.markHistoryStoppingPoint('edit story map')
    },
    onKeyDown: (event: KeyboardEvent<Field>) => {
      if (event.key !== 'Escape') return
      event.currentTarget.blur()
      editor.setEditingShape(null)
      editor.focus()
    },
  }
}

/** The panel beside the canvas for the one selected story-map shape: every field, and the dots of a card. */
export function StoryMapPanel({ board, dots }: { board: StoryMapBoard; dots: MyDots }) {
  const editor = useEditor()
  const readonly = useReadonly()
  const shape = useValue('selected story-map shape', () => {
    const only = editor.getOnlySelectedShape() ?? undefined
    return isStoryMapShape(only) ? only : null
  }, [editor])
  if (!shape) return null
  const editable = board.canEdit && !readonly
  return (
    <aside
      className="story-map-panel"
      aria-label={`${kindOf(shape)} details`}
      data-testid="story-map-panel"
      onWheel={(event) => event.stopPropagation()}
    >
      <header className="story-map-panel__header">
        <span className="story-map-panel__kind">{kindOf(shape)}</span>
        <button
          type="button"
          className="story-map-panel__close"
          onClick={() => editor.selectNone()}
          aria-label="Close"
          title="Close (select nothing)"
        >
          ×
        </button>
      </header>
      <div className="story-map-panel__body">
        {isStoryCard(shape) &&
          (editable ? <StoryCardFields key={shape.id} card={shape} /> : <StoryCardSummary card={shape} />)}
        {isJourneyStep(shape) &&
          (editable ? (
            <JourneyStepFields key={shape.id} step={shape} />
          ) : (
            <ReadOnlyText title={shape.props.title || 'Untitled step'} text={shape.props.description} />
          ))}
        {isReleaseSlice(shape) &&
          (editable ? (
            <ReleaseSliceFields key={shape.id} slice={shape} />
          ) : (
            <ReadOnlyText title={shape.props.name || 'Untitled release'} text="" />
          ))}
        {isStoryCard(shape) && <CardThread key={`thread:${shape.id}`} cardId={shape.id} />}
      </div>
      {/* Below the fields rather than among them, so voting never needs a scroll. */}
      {isStoryCard(shape) && <CardDots card={shape} board={board} dots={dots} />}
    </aside>
  )
}

function kindOf(shape: StoryMapShape): string {
  if (isStoryCard(shape)) return 'Story card'
  return isJourneyStep(shape) ? 'Journey step' : 'Release slice'
}

function Labelled({
  label,
  children,
  hint,
}: {
  label: string
  children: (id: string) => ReactNode
  hint?: string
}) {
  const id = useId()
  return (
    <div className="story-map-panel__field">
      <label htmlFor={id}>
        {label}
        {hint && <span className="story-map-panel__hint"> {hint}</span>}
      </label>
      {children(id)}
    </div>
  )
}

/** One labelled text field of the panel; every story-map text goes through it, held to the board's limit. */
function TextRow({ label, ...field }: { label: string } & Omit<TextFieldProps, 'id' | 'label'>) {
  return <Labelled label={label}>{(id) => <TextField id={id} {...field} />}</Labelled>
}

function StoryCardFields({ card }: { card: StoryCardShape }) {
  const editor = useEditor()
  const title = useRef<HTMLInputElement>(null)
  useFocusWhenEditing(editor, card.id, title)
  const handlers = fieldHandlers(editor)
  const update = (props: Partial<StoryCardProps>) =>
    editor.updateShape({ id: card.id, type: STORY_CARD, props })
  const { props } = card
  return (
    <>
      <TextRow
        label="Title"
        controlRef={title}
        value={props.title}
        placeholder="A short name for the story"
        onChange={(title) => update({ title })}
        field={{ shapeId: card.id, key: 'title' }}
        {...handlers}
      />
      <fieldset className="story-map-panel__story">
        <legend>Story</legend>
        <TextRow
          label="As a"
          value={props.asA}
          placeholder="shopper"
          onChange={(asA) => update({ asA })}
          field={{ shapeId: card.id, key: 'asA' }}
          {...handlers}
        />
        <TextRow
          label="I want"
          rows={2}
          value={props.iWant}
          placeholder="to pay with a saved card"
          onChange={(iWant) => update({ iWant })}
          field={{ shapeId: card.id, key: 'iWant' }}
          {...handlers}
        />
        <TextRow
          label="So that"
          rows={2}
          value={props.soThat}
          placeholder="checking out takes seconds"
          onChange={(soThat) => update({ soThat })}
          field={{ shapeId: card.id, key: 'soThat' }}
          {...handlers}
        />
      </fieldset>
      <AcceptanceCriteria
        shapeId={card.id}
        criteria={props.acceptance}
        onChange={(acceptance) => update({ acceptance })}
        handlers={handlers}
      />
      <div className="story-map-panel__row">
        <Labelled label="Estimate">
          {(id) => (
            <input
              id={id}
              className="field"
              type="number"
              min={0}
              step="any"
              inputMode="decimal"
              value={props.estimate ?? ''}
              placeholder="None"
              onChange={(event) => {
                const estimate = estimateFrom(event.target.value)
                if (estimate !== undefined) update({ estimate })
              }}
              {...handlers}
            />
          )}
        </Labelled>
        <Labelled label="MoSCoW">
          {(id) => (
            <select
              id={id}
              className={`field story-map-panel__moscow story-map-panel__moscow--${props.moscow ?? 'unset'}`}
              value={props.moscow ?? ''}
              onChange={(event) => update({ moscow: moscowFrom(event.target.value) })}
              {...handlers}
            >
              <option value="">Not set</option>
              {MOSCOW.map((moscow) => (
                <option key={moscow} value={moscow}>
                  {MOSCOW_LABELS[moscow]}
                </option>
              ))}
            </select>
          )}
        </Labelled>
      </div>
      <Labels labels={props.labels} onChange={(labels) => update({ labels })} handlers={handlers} />
    </>
  )
}

type Handlers = ReturnType<typeof fieldHandlers>

function AcceptanceCriteria({
  shapeId,
  criteria,
  onChange,
  handlers,
}: {
  shapeId: string
  criteria: string[]
  onChange: (criteria: string[]) => void
  handlers: Handlers
}) {
  const list = useRef<HTMLOListElement>(null)
  const [focusLast, setFocusLast] = useState(false)
  useLayoutEffect(() => {
    if (!focusLast) return
    list.current?.querySelector<HTMLInputElement>('li:last-child input')?.focus()
    setFocusLast(false)
  }, [focusLast])
  const full = criteria.length >= BOARD_LIMITS.listEntries
  const add = () => {
    if (full) return
    onChange([...criteria, ''])
    setFocusLast(true)
  }
  return (
    <fieldset className="story-map-panel__criteria">
      <legend>Acceptance criteria</legend>
      {criteria.length > 0 && (
        <ol ref={list} className="story-map-panel__criteria-list">
          {criteria.map((criterion, index) => (
            // Criteria have no ids of their own; their place in the list is what names them.
            // biome-ignore lint/suspicious/noArrayIndexKey: see above
            <li key={index}>
              <TextField
                value={criterion}
                label={`Acceptance criterion ${index + 1}`}
                placeholder="Given… when… then…"
                onChange={(text) => onChange(replaced(criteria, index, text))}
                field={{ shapeId, key: 'acceptance', index }}
                onFocus={handlers.onFocus}
                onKeyDown={(event) => {
                  if (event.key === 'Enter') {
                    event.preventDefault()
                    add()
                  } else handlers.onKeyDown(event)
                }}
              />
              <button
                type="button"
                className="story-map-panel__remove"
                aria-label={`Remove acceptance criterion ${index + 1}`}
                title="Remove"
                onClick={() => onChange(without(criteria, index))}
              >
                ×
              </button>
            </li>
          ))}
        </ol>
      )}
      {full && <LimitMessage>{LIST_FULL}</LimitMessage>}
      <button
        type="button"
        className="button button--small story-map-panel__add"
        onClick={add}
        disabled={full}
      >
        + Add criterion
      </button>
    </fieldset>
  )
}

function Labels({
  labels,
  onChange,
  handlers,
}: {
  labels: string[]
  onChange: (labels: string[]) => void
  handlers: Handlers
}) {
  const [draft, setDraft] = useState('')
  const add = (typed: string) => onChange(capList(addLabels(labels, typed)).entries)
  const commit = () => {
    if (draft.trim()) add(draft)
    setDraft('')
  }
  return (
    <Labelled label="Labels" hint="(Enter or comma adds one)">
      {(id) => (
        <div className="story-map-panel__labels">
          {labels.map((label, index) => (
            <span key={label} className="story-map-panel__chip">
              {label}
              <button
                type="button"
                aria-label={`Remove label ${label}`}
                title="Remove"
                onClick={() => onChange(without(labels, index))}
              >
                ×
              </button>
            </span>
          ))}
          <TextField
            id={id}
            className="story-map-panel__label-input"
            value={draft}
            placeholder={labels.length ? 'Add a label' : 'checkout, mobile…'}
            onChange={(text) => {
              // A comma ends a label, as in most tag fields; the text after it is the next one's start.
              if (text.includes(',')) {
                const last = text.lastIndexOf(',')
                add(text.slice(0, last))
                setDraft(text.slice(last + 1))
              } else setDraft(text)
            }}
            onBlur={commit}
            onFocus={handlers.onFocus}
            onKeyDown={(event) => {
              if (event.key === 'Enter') {
                event.preventDefault()
                commit()
              } else if (event.key === 'Backspace' && draft === '' && labels.length) {
                onChange(labels.slice(0, -1))
              } else handlers.onKeyDown(event)
            }}
          />
          {labels.length >= BOARD_LIMITS.listEntries && <LimitMessage>{LIST_FULL}</LimitMessage>}
        </div>
      )}
    </Labelled>
  )
}

function StoryCardSummary({ card }: { card: StoryCardShape }) {
  const { title, acceptance, estimate, moscow, labels } = card.props
  const story = storyText(card.props)
  return (
    <div className="story-map-panel__summary">
      <h2>{title.trim() || 'Untitled card'}</h2>
      {story && <p>{story}</p>}
      <dl>
        <dt>Estimate</dt>
        <dd>{estimate ?? 'None'}</dd>
        <dt>MoSCoW</dt>
        <dd>{moscow ? MOSCOW_LABELS[moscow] : 'Not set'}</dd>
        {labels.length > 0 && (
          <>
            <dt>Labels</dt>
            <dd>{labels.join(', ')}</dd>
          </>
        )}
      </dl>
      {acceptance.length > 0 && (
        <>
          <h3>Acceptance criteria</h3>
          <ul>
            {acceptance.map((criterion, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: criteria have no ids; their order names them
              <li key={index}>{criterion}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  )
}

function CardDots({ card, board, dots }: { card: StoryCardShape; board: StoryMapBoard; dots: MyDots }) {
  const editor = useEditor()
  const total = useValue('card dots', () => voteTotalsOf(editor).get().get(card.id) ?? 0, [editor, card.id])
  const hidden = useValue('voting hidden', () => hiddenVotingOf(editor).get(), [editor])
  const { votes, refusal, busy, setDots } = dots
  const mine = votes?.mine[card.id] ?? 0
  return (
    <section className="story-map-panel__dots" aria-label="Dots">
      {hidden ? (
        <div className="story-map-panel__dots-total muted" data-testid="card-dots-hidden">
          {HIDDEN_VOTING_NOTE}
        </div>
      ) : (
        <div className="story-map-panel__dots-total" data-testid="card-dots-total" data-dots={total}>
          <span className="story-card__dot" aria-hidden="true" />
          {total} {total === 1 ? 'dot' : 'dots'} on this card
        </div>
      )}
      {board.canVote && votes && (
        <>
          <div className="story-map-panel__vote">
            <span>Your dots</span>
            <button
              type="button"
              className="button button--small"
              disabled={busy || mine === 0}
              onClick={() => setDots(card.id, mine - 1)}
              aria-label="Take back a dot"
              data-testid="vote-remove"
            >
              −
            </button>
            <output className="story-map-panel__mine" data-testid="my-dots-on-card">
              {mine}
            </output>
            <button
              type="button"
              className="button button--small button--primary"
              disabled={busy}
              onClick={() => setDots(card.id, mine + 1)}
              aria-label="Add a dot"
              data-testid="vote-add"
            >
              +
            </button>
            <span className="muted story-map-panel__left">
              {votes.left} of {votes.budget} left
            </span>
          </div>
          {refusal?.cardId === card.id && (
            <p className="notice notice--error" role="alert" data-testid="vote-error">
              {refusal.message}
            </p>
          )}
        </>
      )}
    </section>
  )
}

function JourneyStepFields({ step }: { step: JourneyStepShape }) {
  const editor = useEditor()
  const title = useRef<HTMLInputElement>(null)
  useFocusWhenEditing(editor, step.id, title)
  const handlers = fieldHandlers(editor)
  const update = (props: Partial<JourneyStepProps>) =>
    editor.updateShape({ id: step.id, type: JOURNEY_STEP, props })
  return (
    <>
      <TextRow
        label="Title"
        controlRef={title}
        value={step.props.title}
        placeholder="Sign up"
        onChange={(title) => update({ title })}
        field={{ shapeId: step.id, key: 'title' }}
        {...handlers}
      />
      <TextRow
        label="Description"
        rows={3}
        value={step.props.description}
        placeholder="What the user does at this step"
        onChange={(description) => update({ description })}
        field={{ shapeId: step.id, key: 'description' }}
        {...handlers}
      />
    </>
  )
}

function ReleaseSliceFields({ slice }: { slice: ReleaseSliceShape }) {
  const editor = useEditor()
  const name = useRef<HTMLInputElement>(null)
  useFocusWhenEditing(editor, slice.id, name)
  const update = (props: Partial<ReleaseSliceProps>) =>
    editor.updateShape({ id: slice.id, type: RELEASE_SLICE, props })
  return (
    <TextRow
      label="Name"
      controlRef={name}
      value={slice.props.name}
      placeholder="MVP"
      onChange={(name) => update({ name })}
      field={{ shapeId: slice.id, key: 'name' }}
      {...fieldHandlers(editor)}
    />
  )
}

function ReadOnlyText({ title, text }: { title: string; text: string }) {
  return (
    <div className="story-map-panel__summary">
      <h2>{title}</h2>
      {text && <p>{text}</p>}
    </div>
  )
}
