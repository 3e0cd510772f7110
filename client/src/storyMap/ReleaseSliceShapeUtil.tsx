import { defaultReleaseSliceProps, RELEASE_SLICE } from '@refinery/shared'
import { BaseBoxShapeUtil, Group2d, HTMLContainer, Rectangle2d } from 'tldraw'
import { SLICE_HEADER } from './placement'
import { type ReleaseSliceShape, releaseSliceShapeProps } from './shapeProps'
import './storyMap.css'

/** The name tag's width: roughly its text's, so the tag is what catches a click. */
function tagWidth(name: string, laneWidth: number): number {
  return Math.min(laneWidth, Math.max(140, 48 + 9 * (name.trim() || 'Untitled release').length))
}

/** A release: a wide lane behind the cards; the cards in it are what ships in that release. */
export class ReleaseSliceShapeUtil extends BaseBoxShapeUtil<ReleaseSliceShape> {
  static override type = RELEASE_SLICE
  static override props = releaseSliceShapeProps

  getDefaultProps(): ReleaseSliceShape['props'] {
    return defaultReleaseSliceProps()
  }

  // Double-click or Enter on the name tag opens the name in the panel.
  override canEdit() {
    return true
  }

  override getText(shape: ReleaseSliceShape) {
    return shape.props.name
  }

  /**
   * Only the outline and the name tag are solid: a press inside the lane starts a selection box, so
   * people select and move cards in the lane rather than grabbing the lane itself.
   */
  override getGeometry(shape: ReleaseSliceShape) {
    const { w, h, name } = shape.props
    return new Group2d({
      children: [
        new Rectangle2d({ width: w, height: h, isFilled: false }),
        new Rectangle2d({ width: tagWidth(name, w), height: Math.min(h, SLICE_HEADER), isFilled: true }),
      ],
    })
  }

  component(shape: ReleaseSliceShape) {
    const { w, h, name } = shape.props
    return (
      <HTMLContainer className="release-slice" style={{ width: w, height: h }} data-testid="release-slice">
        <div
          className={`release-slice__name${name.trim() ? '' : ' release-slice__name--empty'}`}
          style={{ maxWidth: tagWidth(name, w), height: Math.min(h, SLICE_HEADER) }}
        >
          {name.trim() || 'Untitled release'}
        </div>
      </HTMLContainer>
    )
  }

  getIndicatorPath(shape: ReleaseSliceShape) {
    const path = new Path2D()
    path.rect(0, 0, shape.props.w, shape.props.h)
    return path
  }
}
