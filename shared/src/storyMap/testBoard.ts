import type * as Y from 'yjs'
import { type DocumentRecord, getRecords, putRecord } from '../records'
import { type Backlog, toBacklog, type Votes } from './backlog'
import {
  defaultJourneyStepProps,
  defaultReleaseSliceProps,
  defaultStoryCardProps,
  JOURNEY_STEP,
  RELEASE_SLICE,
  STORY_CARD,
  type StoryCardProps,
} from './shapes'

/** Builders of story-map records for the tests: shapes as tldraw stores them. */

export const PAGE_ID = 'page:main'
export const page: DocumentRecord = { id: PAGE_ID, typeName: 'page', name: 'Page 1', index: 'a1', meta: {} }

export const backlogOptions = {
  boardId: 'board-1',
  versionId: null,
  generatedAt: '2026-03-01T10:00:00.000Z',
  cardUrl: (cardId: string) => `http://localhost:8787/boards/board-1?card=${encodeURIComponent(cardId)}`,
}

export function shape(
  id: string,
  type: string,
  at: { x: number; y: number; parentId?: string },
  props: Record<string, unknown>,
): DocumentRecord {
  return {
    id,
    typeName: 'shape',
    type,
    x: at.x,
    y: at.y,
    rotation: 0,
    parentId: at.parentId ?? PAGE_ID,
    index: 'a1',
    isLocked: false,
    opacity: 1,
    props,
    meta: {},
  }
}

/** A 240×150 card whose anchor (the centre of its box) is at `anchorX`, `anchorY` in its parent. */
export function cardAt(
  id: string,
  anchorX: number,
  anchorY: number,
  props: Partial<StoryCardProps> = {},
  parentId?: string,
): DocumentRecord {
  const at = { x: anchorX - 120, y: anchorY - 75, ...(parentId ? { parentId } : {}) }
  return shape(`shape:${id}`, STORY_CARD, at, { ...defaultStoryCardProps(), title: id, ...props })
}

export function step(id: string, x: number, title: string, w = 240): DocumentRecord {
  return shape(`shape:${id}`, JOURNEY_STEP, { x, y: -200 }, { ...defaultJourneyStepProps(), w, title })
}

export function slice(id: string, y: number, name: string, h = 400): DocumentRecord {
  return shape(`shape:${id}`, RELEASE_SLICE, { x: -100, y }, { ...defaultReleaseSliceProps(), h, name })
}

export function frame(id: string, x: number, y: number, parentId?: string): DocumentRecord {
  const at = { x, y, ...(parentId ? { parentId } : {}) }
  return shape(`shape:${id}`, 'frame', at, { w: 800, h: 800, name: id })
}

export function backlogOf(records: DocumentRecord[], votes: Votes = {}): Backlog {
  return toBacklog({ ...backlogOptions, records: [page, ...records], votes })
}

export function idsOf(backlog: Backlog): string[] {
  return backlog.items.map((item) => item.id.replace('shape:', ''))
}

/** Writes `records` into the document in one transaction, as one person's edit would. */
export function writeRecords(doc: Y.Doc, records: readonly DocumentRecord[]): void {
  doc.transact(() => {
    const map = getRecords(doc)
    for (const record of records) putRecord(map, record)
  })
}
