import { BOARD_LIMITS } from '../protocol'
import type { DocumentRecord } from '../records'
import {
  defaultJourneyStepProps,
  defaultReleaseSliceProps,
  defaultStoryCardProps,
  JOURNEY_STEP,
  type Moscow,
  RELEASE_SLICE,
  STORY_CARD,
  type StoryCardProps,
} from '../storyMap/shapes'

/** One record of a Jira CSV export, as the parser read it: its first line in the file, and its cells. */
export interface JiraRow {
  line: number
  cells: string[]
}

/** Why a Jira export cannot become a board: the line of the file, and what is wrong with it. */
export interface JiraImportError {
  line: number
  reason: string
}

export type JiraImport = { records: DocumentRecord[] } | { error: JiraImportError }

/** The page of an imported story map, the one every board starts on. */
const PAGE_ID = 'page:page'

/**
 * The columns read, each under the names Jira gives it (CONTRACT section 9), compared without case.
 * The first name found wins; `Labels` and `Fix Version/s` are repeated, one value a column.
 */
const COLUMNS = {
  key: ['issue key'],
  id: ['issue id'],
  type: ['issue type'],
  summary: ['summary'],
  description: ['description'],
  priority: ['priority'],
  points: [
    'custom field (story points)',
    'story points',
    'custom field (story point estimate)',
    'story point estimate',
  ],
  labels: ['labels'],
  version: ['fix version/s', 'fix version', 'fix versions'],
  parent: ['parent', 'parent id'],
  epicLink: ['custom field (epic link)', 'epic link'],
  parentSummary: ['parent summary'],
} as const

type Column = keyof typeof COLUMNS

const MOSCOW_OF_PRIORITY: Readonly<Record<string, Moscow>> = {
  highest: 'must',
  high: 'should',
  medium: 'could',
  low: 'wont',
  lowest: 'wont',
}

/** Where each column's cells are: every index of a column under one of its names. */
function columnIndexes(header: readonly string[]): Record<Column, number[]> {
  const names = header.map((name) => name.trim().toLowerCase())
  const indexes = {} as Record<Column, number[]>
  for (const [column, aliases] of Object.entries(COLUMNS) as [Column, readonly string[]][]) {
    const alias = aliases.find((candidate) => names.includes(candidate))
    indexes[column] = names.flatMap((name, i) => (name === alias ? [i] : []))
  }
  return indexes
}

/**
 * "As a shopper, I want to search so that I find things": the three fields of a card, or null when the
 * text does not read that way.
 */
const STORY_SENTENCE = /^as an? (.+?),? i (?:want|need|would like) (.+?),? so that (.+?)\.?$/is

/** A bullet of the acceptance criteria our export writes under the story (`* …`), or Jira's `- …`, `# …`. */
const BULLET = /^\s*[*#-]\s+/

/**
 * A card's story and acceptance from a Jira description. When its first paragraph is an "As a … I want
 * … so that …" sentence, that sentence fills the three fields and each further line is a criterion (as
 * our own export writes them). Any other description is kept whole in `iWant`, the card's free text,
 * so nothing of it is lost.
 */
export function storyFromDescription(
  description: string,
): Pick<StoryCardProps, 'asA' | 'iWant' | 'soThat' | 'acceptance'> {
  const text = description.replace(/\r\n?/g, '\n').trim()
  const [first = '', ...rest] = text.split(/\n\s*\n/)
  const sentence = STORY_SENTENCE.exec(first.replace(/\s*\n\s*/g, ' ').trim())
  if (!sentence) return { asA: '', iWant: text, soThat: '', acceptance: [] }
  const [, asA = '', iWant = '', soThat = ''] = sentence
  const acceptance = rest
    .join('\n')
    .split('\n')
    .map((line) => line.replace(BULLET, '').trim())
    .filter((line) => line !== '')
  return { asA: asA.trim(), iWant: iWant.trim(), soThat: soThat.trim(), acceptance }
}

/** A Jira row read into what a card or step needs, or the reason it cannot be. */
interface Issue {
  line: number
  key: string
  id: string
  isEpic: boolean
  summary: string
  description: string
  estimate: number | null
  moscow: Moscow | null
  labels: string[]
  version: string
  /** The references to its epic Jira may give: the epic's id or key, its key, its summary. */
  parent: string
  epicLink: string
  parentSummary: string
}

function readIssue(row: JiraRow, at: Record<Column, number[]>): Issue | JiraImportError {
  const cell = (column: Column) => (row.cells[at[column][0] ?? -1] ?? '').trim()
  const all = (column: Column) =>
    at[column].map((i) => (row.cells[i] ?? '').trim()).filter((value) => value !== '')
  const fail = (reason: string): JiraImportError => ({ line: row.line, reason })

  const summary = cell('summary')
  if (summary === '') return fail('the Summary is empty')
  const description = (row.cells[at.description[0] ?? -1] ?? '').trim()
  for (const [name, text] of [
    ['Summary', summary],
    ['Description', description],
  ] as const) {
    if (text.length > BOARD_LIMITS.fieldChars) {
      return fail(`the ${name} is longer than ${BOARD_LIMITS.fieldChars} characters`)
    }
  }
  const points = cell('points')
  const estimate = points === '' ? null : Number(points.replace(',', '.'))
  if (estimate !== null && !(Number.isFinite(estimate) && estimate >= 0)) {
    return fail(`the story points "${points}" are not a number`)
  }
  return {
    line: row.line,
    key: cell('key'),
    id: cell('id'),
    isEpic: cell('type').toLowerCase() === 'epic',
    summary,
    description,
    estimate,
    moscow: MOSCOW_OF_PRIORITY[cell('priority').toLowerCase()] ?? null,
    labels: [...new Set(all('labels'))],
    version: all('version')[0] ?? '',
    parent: cell('parent'),
    epicLink: cell('epicLink'),
    parentSummary: cell('parentSummary'),
  }
}

/** A journey step to be: an epic of the file, or one its stories only refer to. */
interface Epic {
  title: string
  description: string
  key: string
}

/**
 * The epics in file order, and the one each story is under. An epic's rows come first where the file
 * has them; an epic only named by its stories (its row not exported) is a step all the same, titled by
 * its summary where Jira gives it, else by its key.
 */
function epicsOf(issues: readonly Issue[]): { epics: Epic[]; epicOf: (story: Issue) => Epic | null } {
  const epics: Epic[] = []
  const byReference = new Map<string, Epic>()
  const remember = (epic: Epic, ...references: string[]) => {
    for (const reference of references) if (reference !== '') byReference.set(reference, epic)
  }
  for (const issue of issues.filter((candidate) => candidate.isEpic)) {
    const epic = { title: issue.summary, description: issue.description, key: issue.key }
    epics.push(epic)
    remember(epic, issue.id, issue.key, `summary:${issue.summary}`)
  }
  // A story's parent that is itself a story of the file (a sub-task's) is no epic.
  const stories = new Set(issues.flatMap((issue) => (issue.isEpic ? [] : [issue.id, issue.key])))
  stories.delete('')
  const epicFor = new Map<Issue, Epic | null>()
  for (const story of issues.filter((candidate) => !candidate.isEpic)) {
    const references = [story.parent, story.epicLink].filter((ref) => ref !== '' && !stories.has(ref))
    // A sub-task's parent summary is its story's title, no epic's.
    const underStory = stories.has(story.parent)
    const summary = story.parentSummary === '' || underStory ? '' : `summary:${story.parentSummary}`
    let epic = [...references, summary].map((ref) => byReference.get(ref)).find((found) => found) ?? null
    if (!epic && (references.length > 0 || summary !== '')) {
      const key = story.epicLink || (/^[A-Z][A-Z0-9_]*-\d+$/.test(story.parent) ? story.parent : '')
      epic = { title: story.parentSummary || references[0] || '', description: '', key }
      epics.push(epic)
    }
    if (epic) remember(epic, ...references, summary)
    epicFor.set(story, epic)
  }
  return { epics, epicOf: (story) => epicFor.get(story) ?? null }
}

const STEP = defaultJourneyStepProps()
const CARD = defaultStoryCardProps()
const GAP = 20
const COLUMN_WIDTH = STEP.w + GAP
const ROW_HEIGHT = CARD.h + GAP
/** Slices start under the steps, as in the story-map template. */
const FIRST_SLICE_TOP = STEP.h + 40
const MIN_SLICE_HEIGHT = defaultReleaseSliceProps().h
/** Room above a lane's first card for the slice's name, which sits in its top left corner. */
const LANE_HEADER = 44

/**
 * tldraw's z-order keys: `c` and three base-62 digits is a valid integer key for each of the first
 * 238,328 shapes, in order.
 */
function zIndex(n: number): string {
  const digits = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
  return `c${digits[Math.floor(n / 3844) % 62]}${digits[Math.floor(n / 62) % 62]}${digits[n % 62]}`
}

/** The most issues one import takes: a board of more is no workshop, and its document would be too large to open. */
export const MAX_JIRA_ROWS = 20_000

/**
 * A Jira CSV export (header row and records, as parsed) as the records of a new story map (CONTRACT
 * section 9): each epic a journey step in file order, each fix version a release slice in file order
 * (then one, "No version", for stories with none), each other issue a card in its epic's column and
 * its version's lane, in file order down the cell, so that the backlog (section 6) puts it there.
 * Stories under no epic sit in a column after the steps. The first row that cannot be read is the
 * answer, and no record.
 */
export function importJiraCsv(header: readonly string[], rows: readonly JiraRow[]): JiraImport {
  const at = columnIndexes(header)
  if (at.summary.length === 0) return { error: { line: 1, reason: 'the file has no Summary column' } }
  if (rows.length > MAX_JIRA_ROWS) {
    return { error: { line: 1, reason: `the file has more than ${MAX_JIRA_ROWS} issues` } }
  }
  const issues: Issue[] = []
  for (const row of rows) {
    if (row.cells.every((cell) => cell.trim() === '')) continue
    const issue = readIssue(row, at)
    if ('reason' in issue) return { error: issue }
    issues.push(issue)
  }

  const { epics, epicOf } = epicsOf(issues)
  const stories = issues.filter((issue) => !issue.isEpic)
  const versions = [...new Set(stories.map((story) => story.version).filter((version) => version !== ''))]
  const lanes = stories.some((story) => story.version === '') ? [...versions, ''] : versions
  const columnOf = new Map(epics.map((epic, i) => [epic, i]))
  const laneOf = new Map(lanes.map((version, i) => [version, i]))

  // Rows of each cell, in file order.
  const cellRows = new Map<string, number>()
  const placed = stories.map((story) => {
    const epic = epicOf(story)
    const column = (epic && columnOf.get(epic)) ?? epics.length
    const lane = laneOf.get(story.version) ?? 0
    const row = cellRows.get(`${column}|${lane}`) ?? 0
    cellRows.set(`${column}|${lane}`, row + 1)
    return { story, column, lane, row }
  })
  const laneRows = lanes.map((_, i) =>
    Math.max(0, ...placed.filter((card) => card.lane === i).map((card) => card.row + 1)),
  )
  const laneHeights = laneRows.map((count) => Math.max(MIN_SLICE_HEIGHT, LANE_HEADER + count * ROW_HEIGHT))
  const laneTops = laneHeights.map(
    (_, i) => FIRST_SLICE_TOP + laneHeights.slice(0, i).reduce((sum, height) => sum + height + GAP, 0),
  )
  const columns = epics.length + (placed.some((card) => card.column === epics.length) ? 1 : 0)
  const width = Math.max(1, columns) * COLUMN_WIDTH + 2 * GAP

  let shapes = 0
  const shape = (id: string, type: string, x: number, y: number, props: object, jiraKey = '') => ({
    id,
    typeName: 'shape',
    type,
    x,
    y,
    rotation: 0,
    index: zIndex(shapes++),
    parentId: PAGE_ID,
    isLocked: false,
    opacity: 1,
    props,
    meta: jiraKey === '' ? {} : { jiraKey },
  })
  const records: DocumentRecord[] = [
    { id: 'document:document', typeName: 'document', gridSize: 10, name: '', meta: {} },
    { id: PAGE_ID, typeName: 'page', name: 'Story map', index: 'a1', meta: {} },
    // Slices first in z-order, so cards sit on top of them.
    ...lanes.map((version, i) =>
      shape(`shape:slice-${i + 1}`, RELEASE_SLICE, -GAP, laneTops[i] ?? 0, {
        ...defaultReleaseSliceProps(),
        w: width,
        h: laneHeights[i],
        name: version || 'No version',
      }),
    ),
    ...epics.map((epic, i) =>
      shape(
        `shape:step-${i + 1}`,
        JOURNEY_STEP,
        GAP + i * COLUMN_WIDTH,
        0,
        { ...STEP, title: epic.title, description: epic.description },
        epic.key,
      ),
    ),
    ...placed.map(({ story, column, lane, row }, i) =>
      shape(
        `shape:card-${i + 1}`,
        STORY_CARD,
        GAP + column * COLUMN_WIDTH,
        (laneTops[lane] ?? 0) + LANE_HEADER + row * ROW_HEIGHT,
        {
          ...defaultStoryCardProps(),
          title: story.summary,
          ...storyFromDescription(story.description),
          estimate: story.estimate,
          moscow: story.moscow,
          labels: story.labels,
        },
        story.key,
      ),
    ),
  ]
  return { records }
}
