import {
  type ChangeEvent,
  type KeyboardEvent,
  type ReactNode,
  type RefObject,
  useId,
  useRef,
  useState,
} from 'react'
import { capText, TEXT_TOO_LONG } from './fieldLimits'

export type TextControl = HTMLInputElement | HTMLTextAreaElement

export interface TextFieldProps {
  value: string
  onChange: (text: string) => void
  /** A textarea of this many rows; without, a one-line input. */
  rows?: number
  id?: string
  /** The accessible name of a field without a visible label. */
  label?: string
  className?: string
  placeholder?: string
  controlRef?: RefObject<TextControl | null>
  onFocus?: () => void
  onBlur?: () => void
  onKeyDown?: (event: KeyboardEvent<TextControl>) => void
}

/**
 * A story-map text field that never puts more than `BOARD_LIMITS.fieldChars` characters into the
 * board, which refuses a longer text by closing the socket: typing or pasting past the limit keeps the
 * text at the limit and says so beside the field.
 */
export function TextField({
  value,
  onChange,
  rows,
  label,
  className = rows ? 'field field--area' : 'field',
  controlRef,
  ...rest
}: TextFieldProps) {
  const own = useRef<TextControl>(null)
  const control = controlRef ?? own
  const messageId = useId()
  const [tooLong, setTooLong] = useState(false)
  const change = (event: ChangeEvent<TextControl>) => {
    const capped = capText(value, event.target.value)
    setTooLong(capped.cut)
    onChange(capped.text)
    if (!capped.cut) return
    // React writes the kept text in after this handler, caret at the end: put it after the kept typing.
    requestAnimationFrame(() => {
      const field = control.current
      if (field?.value === capped.text) field.setSelectionRange(capped.caret, capped.caret)
    })
  }
  const field = {
    ...rest,
    ref: (node: TextControl | null) => {
      control.current = node
    },
    className,
    value,
    onChange: change,
    'aria-label': label,
    'aria-describedby': tooLong ? messageId : undefined,
  }
  return (
    <>
      {rows ? <textarea rows={rows} {...field} /> : <input {...field} />}
      {tooLong && <LimitMessage id={messageId}>{TEXT_TOO_LONG}</LimitMessage>}
    </>
  )
}

/** Why a field took less than was typed, or a list no more entries: announced as it appears. */
export function LimitMessage({ id, children }: { id?: string; children: ReactNode }) {
  return (
    <p id={id} className="field-error story-map-panel__limit" role="alert" data-testid="field-limit">
      {children}
    </p>
  )
}
