import type * as Y from 'yjs'

/**
 * The document layout's version as far as text goes: 2 when every story-map text field is a `Y.Text`
 * (CONTRACT section 5), 1 for a board stored before, whose fields are plain strings.
 */
export const TEXT_LAYOUT = 2

/** Which props are text, per shape type: `text` a `Y.Text` each, `list` a `Y.Array` of them. */
export interface TextFieldTable {
  text: Readonly<Record<string, readonly string[]>>
  list: Readonly<Record<string, readonly string[]>>
}

/**
 * Counts the text fields of `doc` that hold plain strings (a board stored before the text layout, or a
 * script's write) and, when `convert`, turns each into a `Y.Text` with the same text, in the caller's
 * transaction. Self-contained, with Yjs and the table passed in: the fold worker runs its source.
 */
export function plainTextFields(yjs: typeof Y, doc: Y.Doc, fields: TextFieldTable, convert: boolean): number {
  let found = 0
  for (const record of doc.getMap('records').values()) {
    if (!(record instanceof yjs.Map) || record.get('typeName') !== 'shape') continue
    const props = record.get('props')
    const type = record.get('type')
    if (!(props instanceof yjs.Map) || typeof type !== 'string') continue
    for (const key of fields.text[type] ?? []) {
      const value = props.get(key)
      if (typeof value !== 'string') continue
      found++
      if (convert) props.set(key, new yjs.Text(value))
    }
    for (const key of fields.list[type] ?? []) {
      const value = props.get(key)
      const entries = Array.isArray(value) ? value : value instanceof yjs.Array ? value.toArray() : []
      if (!(Array.isArray(value) || entries.some((entry) => typeof entry === 'string'))) continue
      found++
      if (!convert) continue
      const list = new yjs.Array()
      list.push(
        entries.map((entry) => new yjs.Text(entry instanceof yjs.Text ? entry.toString() : String(entry))),
      )
      props.set(key, list)
    }
  }
  return found
}
