// The board every side of the browser bench shows: `count` geo shapes standing in for cards (a custom
// shape would favour whichever side it was written for), in a grid from the page's origin, as full
// tldraw 5.4.2 records. The first MOVERS sit in the first rows, inside the observer's viewport.
import { getIndices } from '@tldraw/utils'

export const PAGE_ID = 'page:page'
export const COLUMNS = 25
export const CARD = { w: 200, h: 120, gapX: 50, gapY: 50 }

const richText = (text) => ({
  type: 'doc',
  content: [{ type: 'paragraph', content: [{ type: 'text', text }] }],
})

/** The page's position of card `i`: where the smoothness writers move it from. */
export function cardPlace(i) {
  return { x: (i % COLUMNS) * (CARD.w + CARD.gapX), y: Math.floor(i / COLUMNS) * (CARD.h + CARD.gapY) }
}

export const cardId = (i) => `shape:card${i}`

/** The document and page records, and `count` geo cards, as tldraw's own store holds them. */
export function boardRecords(count) {
  const indices = getIndices(count + 1).slice(1)
  const records = [
    { id: 'document:document', typeName: 'document', gridSize: 10, name: '', meta: {} },
    { id: PAGE_ID, typeName: 'page', name: 'Page 1', index: 'a1', meta: {} },
  ]
  for (let i = 0; i < count; i++) {
    records.push({
      id: cardId(i),
      typeName: 'shape',
      type: 'geo',
      ...cardPlace(i),
      rotation: 0,
      index: indices[i],
      parentId: PAGE_ID,
      isLocked: false,
      opacity: 1,
      meta: {},
      props: {
        w: CARD.w,
        h: CARD.h,
        geo: 'rectangle',
        dash: 'draw',
        growY: 0,
        url: '',
        scale: 1,
        flipX: false,
        flipY: false,
        color: 'black',
        labelColor: 'black',
        fill: 'none',
        size: 'm',
        font: 'draw',
        align: 'middle',
        verticalAlign: 'middle',
        richText: richText(`Card ${i}`),
      },
    })
  }
  return records
}

/** The card smoothness writer `w` moves: a 5 × 4 block at the top left, in the observer's view. */
export function moverCard(w) {
  return (w % 5) + Math.floor(w / 5) * COLUMNS
}

/**
 * Where writer `w` puts its card at move `seq`: a pixel further right each move, a row down every 50,
 * so the observer can tell from the position alone which move it shows.
 */
export function movedPlace(w, seq) {
  const home = cardPlace(moverCard(w))
  return { x: home.x + (seq % 50), y: home.y + Math.floor(seq / 50) }
}

/** The move a card's position shows (the inverse of movedPlace), or null for its home. */
export function moveShown(w, x, y) {
  const home = cardPlace(moverCard(w))
  const seq = (y - home.y) * 50 + (x - home.x)
  return seq > 0 ? seq : null
}
