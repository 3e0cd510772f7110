import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { applySplice, changeText, changeTextList, mapPosition, spliceBetween } from './text'

const text = (alphabet: string[], maxLength = 30) =>
  fc.array(fc.constantFrom(...alphabet), { maxLength }).map((chars) => chars.join(''))

function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)))
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)))
}

/** Types `word` into `field` at `at`, one keystroke at a time, as the side panel would report it. */
function type(field: Y.Text, at: number, word: string): void {
  for (const [offset, char] of [...word].entries()) {
    const before = field.toString()
    const index = Math.min(at + offset, before.length)
    changeText(field, before, before.slice(0, index) + char + before.slice(index))
  }
}

describe('spliceBetween', () => {
  it('turns the one text into the other, wherever it is asked to put the change', () => {
    fc.assert(
      fc.property(
        text(['a', 'b', '😀', 'é']),
        text(['a', 'b', '😀', 'é']),
        fc.nat(40),
        (before, after, near) => {
          const splice = spliceBetween(before, after, near)
          if (before === after) expect(splice).toBeNull()
          else expect(applySplice(before, splice as NonNullable<typeof splice>)).toBe(after)
        },
      ),
    )
  })

  it('never splits a character made of two UTF-16 units', () => {
    expect(spliceBetween('😀', '😃')).toEqual({ index: 0, remove: 2, insert: '😃' })
  })

  it('puts an ambiguous change next to the caret', () => {
    expect(spliceBetween('aa', 'aaa', 1)).toEqual({ index: 1, remove: 0, insert: 'a' })
    expect(spliceBetween('aa', 'aaa', 0)).toEqual({ index: 0, remove: 0, insert: 'a' })
  })
})

describe('mapPosition', () => {
  it('keeps the text on each side of a caret outside someone else’s insertion', () => {
    fc.assert(
      fc.property(
        text(['a', 'b', 'c']),
        fc.nat(),
        text(['X', 'Y'], 6),
        fc.nat(),
        (before, rawIndex, insert, rawCaret) => {
          const index = rawIndex % (before.length + 1)
          const after = applySplice(before, { index, remove: 0, insert })
          const caret = rawCaret % (before.length + 1)
          const mapped = mapPosition(before, after, caret)
          if (caret <= index) expect(after.slice(0, mapped)).toBe(before.slice(0, caret))
          if (caret > index) expect(after.slice(mapped)).toBe(before.slice(caret))
        },
      ),
    )
  })

  it('keeps the text on one side of a caret, at least, whatever someone else removed', () => {
    fc.assert(
      fc.property(
        text(['a', 'b']),
        fc.nat(),
        fc.nat(5),
        text(['X'], 3),
        fc.nat(),
        (before, rawIndex, rawRemove, insert, rawCaret) => {
          const index = rawIndex % (before.length + 1)
          const remove = Math.min(rawRemove, before.length - index)
          const after = applySplice(before, { index, remove, insert })
          const caret = rawCaret % (before.length + 1)
          const mapped = mapPosition(before, after, caret)
          expect(mapped).toBeGreaterThanOrEqual(0)
          expect(mapped).toBeLessThanOrEqual(after.length)
          if (caret <= index || caret >= index + remove) {
            const kept =
              after.slice(0, mapped) === before.slice(0, caret) || after.slice(mapped) === before.slice(caret)
            expect(kept).toBe(true)
          }
        },
      ),
    )
  })

  it('moves a caret after a remote insertion before it, and not for one after it', () => {
    expect(mapPosition('hello world', 'hello big world', 8)).toBe(12)
    expect(mapPosition('hello world', 'hello world!', 3)).toBe(3)
    expect(mapPosition('hello world', 'hello', 8)).toBe(5)
  })
})

describe('changeText', () => {
  it('two people typing different words into one field at once both keep every character, in order', () => {
    fc.assert(
      fc.property(
        text(['a', 'b', ' '], 20),
        fc.nat(),
        fc.nat(),
        fc.stringMatching(/^[A-M]{1,8}$/),
        fc.stringMatching(/^[N-Z]{1,8}$/),
        fc.boolean(),
        (start, rawA, rawB, wordA, wordB, syncMidway) => {
          const a = new Y.Doc()
          const b = new Y.Doc()
          a.getText('t').insert(0, start)
          sync(a, b)
          const atA = rawA % (start.length + 1)
          const atB = rawB % (start.length + 1)
          const half = Math.ceil(wordA.length / 2)
          type(a.getText('t'), atA, wordA.slice(0, half))
          type(b.getText('t'), atB, wordB)
          if (syncMidway) sync(a, b)
          const resumeAt = a.getText('t').toString().indexOf(wordA.slice(0, half)) + half
          type(a.getText('t'), resumeAt, wordA.slice(half))
          sync(a, b)
          const merged = a.getText('t').toString()
          expect(b.getText('t').toString()).toBe(merged)
          expect(merged).toContain(wordA)
          expect(merged).toContain(wordB)
          expect(merged.replace(wordA, '').replace(wordB, '')).toBe(start)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('puts a local change made on an older text after a change that arrived meanwhile', () => {
    const doc = new Y.Doc()
    const field = doc.getText('t')
    field.insert(0, 'pay by card')
    // Someone else's word arrives first; then this client's edit, made on the text before it.
    field.insert(0, 'quickly ')
    changeText(field, 'pay by card', 'pay by saved card')
    expect(field.toString()).toBe('quickly pay by saved card')
  })
})

describe('changeTextList', () => {
  it('edits an entry in place, and adds or removes whole entries', () => {
    const doc = new Y.Doc()
    const list = doc.getArray<unknown>('l')
    list.push([new Y.Text('one'), new Y.Text('two')])
    const first = list.get(0)
    changeTextList(list, ['one', 'two'], ['one!', 'two'])
    expect(list.get(0)).toBe(first)
    changeTextList(list, ['one!', 'two'], ['one!', 'new', 'two'])
    changeTextList(list, ['one!', 'new', 'two'], ['one!', 'two'])
    expect(list.toJSON()).toEqual(['one!', 'two'])
    expect(list.toArray().every((entry) => entry instanceof Y.Text)).toBe(true)
  })

  it('keeps someone else’s typing in another criterion', () => {
    const a = new Y.Doc()
    const b = new Y.Doc()
    a.getArray('l').push([new Y.Text('first'), new Y.Text('second')])
    sync(a, b)
    changeTextList(a.getArray('l'), ['first', 'second'], ['first rule', 'second'])
    changeTextList(b.getArray('l'), ['first', 'second'], ['first', 'second rule'])
    sync(a, b)
    expect(a.getArray('l').toJSON()).toEqual(['first rule', 'second rule'])
    expect(b.getArray('l').toJSON()).toEqual(['first rule', 'second rule'])
  })
})
