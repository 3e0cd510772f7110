import { defaultJourneyStepProps, JOURNEY_STEP } from '@refinery/shared'
import { BaseBoxShapeUtil, HTMLContainer } from 'tldraw'
import { type JourneyStepShape, journeyStepShapeProps } from './shapeProps'
import './storyMap.css'

const CORNER = 12

/** A step of the user journey: a column header along the top of the map, the epic of its cards. */
export class JourneyStepShapeUtil extends BaseBoxShapeUtil<JourneyStepShape> {
  static override type = JOURNEY_STEP
  static override props = journeyStepShapeProps

  getDefaultProps(): JourneyStepShape['props'] {
    return defaultJourneyStepProps()
  }

  // Double-click or Enter opens the step's title and description in the panel.
  override canEdit() {
    return true
  }

  override getText(shape: JourneyStepShape) {
    return [shape.props.title, shape.props.description].filter(Boolean).join('\n')
  }

  component(shape: JourneyStepShape) {
    const { w, h, title, description } = shape.props
    return (
      <HTMLContainer
        className="journey-step"
        style={{ width: w, height: h, borderRadius: CORNER }}
        data-testid="journey-step"
      >
        <div className="journey-step__kicker">Step</div>
        <div className={`journey-step__title${title.trim() ? '' : ' journey-step__title--empty'}`}>
          {title.trim() || 'Untitled step'}
        </div>
        {description && <div className="journey-step__description">{description}</div>}
      </HTMLContainer>
    )
  }

  getIndicatorPath(shape: JourneyStepShape) {
    const path = new Path2D()
    path.roundRect(0, 0, shape.props.w, shape.props.h, CORNER)
    return path
  }
}
