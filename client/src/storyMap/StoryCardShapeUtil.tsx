import { defaultStoryCardProps, STORY_CARD, storyText } from '@refinery/shared'
import { BaseBoxShapeUtil, HTMLContainer, useEditor, useValue } from 'tldraw'
import { boardCommentsOf } from '../comments/boardComments'
import { MOSCOW_LABELS } from './cardFields'
import { HIDDEN_VOTING_NOTE, hiddenVotingOf } from './hiddenVoting'
import { type StoryCardShape, storyCardShapeProps } from './shapeProps'
import { voteTotalsOf } from './votes'
import './storyMap.css'

const CORNER = 10

/** A user story on the map: title, story line, estimate, MoSCoW, labels and dots. */
export class StoryCardShapeUtil extends BaseBoxShapeUtil<StoryCardShape> {
  static override type = STORY_CARD
  static override props = storyCardShapeProps

  getDefaultProps(): StoryCardShape['props'] {
    return defaultStoryCardProps()
  }

  // Double-click or Enter "edits" a card by opening its fields in the card panel.
  override canEdit() {
    return true
  }

  override getText(shape: StoryCardShape) {
    return [shape.props.title, storyText(shape.props)].filter(Boolean).join('\n')
  }

  component(shape: StoryCardShape) {
    return <StoryCard shape={shape} />
  }

  getIndicatorPath(shape: StoryCardShape) {
    const path = new Path2D()
    path.roundRect(0, 0, shape.props.w, shape.props.h, CORNER)
    return path
  }
}

function StoryCard({ shape }: { shape: StoryCardShape }) {
  const editor = useEditor()
  const dots = useValue('card dots', () => voteTotalsOf(editor).get().get(shape.id) ?? 0, [editor, shape.id])
  const hidden = useValue('voting hidden', () => hiddenVotingOf(editor).get(), [editor])
  const questions = useValue('open questions', () => boardCommentsOf(editor).open.get().get(shape.id) ?? 0, [
    editor,
    shape.id,
  ])
  const { w, h, title, estimate, moscow, labels } = shape.props
  const story = storyText(shape.props)
  return (
    <HTMLContainer
      className={`story-card story-card--${moscow ?? 'unset'}`}
      style={{ width: w, height: h, borderRadius: CORNER }}
      data-testid="story-card"
    >
      <div className="story-card__top">
        <span className="story-card__moscow">{moscow ? MOSCOW_LABELS[moscow] : 'No priority'}</span>
        {questions > 0 && (
          <span
            className="story-card__questions"
            data-testid="card-questions"
            data-questions={questions}
            title={`${questions} open ${questions === 1 ? 'question' : 'questions'}`}
          >
            ?{questions}
          </span>
        )}
        {estimate !== null && (
          <span className="story-card__estimate" title={`Estimate: ${estimate}`}>
            {estimate}
          </span>
        )}
      </div>
      <div className={`story-card__title${title.trim() ? '' : ' story-card__title--empty'}`}>
        {title.trim() || 'Untitled card'}
      </div>
      {story && <div className="story-card__story">{story}</div>}
      <div className="story-card__bottom">
        <div className="story-card__labels">
          {labels.map((label) => (
            <span key={label} className="story-card__label">
              {label}
            </span>
          ))}
        </div>
        {dots > 0 && (
          <span
            className="story-card__dots"
            title={
              hidden
                ? `Your ${dots} ${dots === 1 ? 'dot' : 'dots'}. ${HIDDEN_VOTING_NOTE}`
                : `${dots} ${dots === 1 ? 'dot' : 'dots'}`
            }
            data-dots={dots}
            data-hidden={hidden || undefined}
          >
            <span className="story-card__dot" aria-hidden="true" />
            {dots}
          </span>
        )}
      </div>
    </HTMLContainer>
  )
}
