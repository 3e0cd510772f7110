import * as Y from 'yjs'

/**
 * Text that people type together (CONTRACT section 5): tldraw and the side panel hold plain strings,
 * the document holds `Y.Text`, merged character by character. A local edit reaches the document as
 * the one splice that turns the text it was made on into the text it left, never as a whole new
 * string, so that someone else's typing in the same field at the same moment survives it.
 */

/** Removes `remove` characters at `index`, then inserts `insert` there. */
export interface Splice {
  index: number
  remove: number
  insert: string
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff
}

/**
 * The one splice that turns `before` into `after`, or null when they are equal: their common start and
 * end are kept. Where that is ambiguous (typing "a" into "aa"), the change is put as close to `near`
 * (the caret, say) as it can be. Never splits a character made of two UTF-16 units.
 */
export function spliceBetween(before: string, after: string, near = before.length): Splice | null {
  if (before === after) return null
  const shorter = Math.min(before.length, after.length)
  let start = 0
  // Keep at most `near` as the common start where that is a choice, so the change lands near it.
  while (start < shorter && start < near && before[start] === after[start]) start++
  let end = 0
  while (end < shorter - start && before[before.length - 1 - end] === after[after.length - 1 - end]) {
    end++
  }
  // What is left of the common start past `near`, if the common end did not take it.
  while (start < shorter - end && before[start] === after[start]) start++
  // Whole characters only: step back over a half pair on either edge.
  if (start > 0 && isHighSurrogate(before.charCodeAt(start - 1))) start--
  if (end > 0 && isLowSurrogate(before.charCodeAt(before.length - end))) end--
  return {
    index: start,
    remove: before.length - start - end,
    insert: after.slice(start, after.length - end),
  }
}

/** `text` with `splice` done to it. */
export function applySplice(text: string, { index, remove, insert }: Splice): string {
  return text.slice(0, index) + insert + text.slice(index + remove)
}

/**
 * Where position `at` of `before` is in `after`, when `after` is `before` changed by one splice (an
 * edit that someone else made): before the change it stays, after it moves with the text around it,
 * inside text that was removed it goes to where the removal was. For a caret, `stickyEnd` says which
 * side of text inserted exactly at the caret it ends on (a selection's end goes after it).
 */
export function mapPosition(before: string, after: string, at: number, stickyEnd = false): number {
  // Where a change could be placed in more than one way ("aaa" to "a"), the caret is kept out of it if
  // any placement allows: nearest the caret first, then as far right, then as far left as it goes.
  for (const near of [at, before.length, 0]) {
    const splice = spliceBetween(before, after, near)
    if (!splice) return at
    const { index, remove, insert } = splice
    if (at < index || (at === index && (remove > 0 || !stickyEnd))) return at
    if (at >= index + remove) return at - remove + insert.length
  }
  const splice = spliceBetween(before, after, at) as Splice
  return splice.index + splice.insert.length
}

/**
 * Does to `text` the change that turned `before` into `after`. When `text` no longer holds `before`
 * (someone else's change arrived in between), the change is moved past theirs as `mapPosition` would
 * move a caret, so both are kept.
 */
export function changeText(text: Y.Text, before: string, after: string): void {
  const current = text.toString()
  if (current === after) return
  const splice = spliceBetween(before, after)
  if (!splice) return
  let { index, remove } = splice
  if (current !== before) {
    const start = mapPosition(before, current, index)
    const end = Math.max(start, mapPosition(before, current, index + remove, true))
    index = Math.min(start, current.length)
    remove = Math.min(end, current.length) - index
  }
  text.doc
    ? text.doc.transact(() => spliceText(text, index, remove, splice.insert))
    : spliceText(text, index, remove, splice.insert)
}

function spliceText(text: Y.Text, index: number, remove: number, insert: string): void {
  if (remove > 0) text.delete(index, remove)
  if (insert.length > 0) text.insert(index, insert)
}

/**
 * Does to a list of texts (acceptance criteria) the change from `before` to `after`: entries kept at
 * the start and at the end stay, an entry edited in place is spliced, entries added or removed are
 * inserted or deleted. Entries that are plain strings (an older client wrote them) become `Y.Text`
 * when they change.
 */
export function changeTextList(
  list: Y.Array<unknown>,
  before: readonly string[],
  after: readonly string[],
): void {
  const current = list.toArray().map((entry) => (entry instanceof Y.Text ? entry.toString() : String(entry)))
  // Someone else changed the list since `before`: the list as it is now is the base.
  const base = sameList(current, before) ? before : current
  let start = 0
  while (start < base.length && start < after.length && base[start] === after[start]) start++
  let end = 0
  while (
    end < base.length - start &&
    end < after.length - start &&
    base[base.length - 1 - end] === after[after.length - 1 - end]
  ) {
    end++
  }
  const removed = base.length - start - end
  const added = after.slice(start, after.length - end)
  if (removed === added.length) {
    added.forEach((text, offset) => {
      const index = start + offset
      const entry = list.get(index)
      if (entry instanceof Y.Text) changeText(entry, base[index] as string, text)
      else {
        list.delete(index, 1)
        list.insert(index, [new Y.Text(text)])
      }
    })
    return
  }
  if (removed > 0) list.delete(start, removed)
  if (added.length > 0)
    list.insert(
      start,
      added.map((text) => new Y.Text(text)),
    )
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((entry, index) => entry === b[index])
}
