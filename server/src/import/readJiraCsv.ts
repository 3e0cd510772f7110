import { importJiraCsv, type JiraImport, type JiraRow } from '@refinery/shared'
import { CsvError, parse } from 'csv-parse/sync'

/** What the parser's errors mean, said for the person who exported the file. */
const CSV_REASONS: Readonly<Record<string, string>> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted cell starts here and is never closed',
  CSV_INVALID_CLOSING_QUOTE: 'a quoted cell is followed by more text before the next comma',
  CSV_RECORD_INCONSISTENT_FIELDS_LENGTH: 'the row has a different number of cells than the header',
  CSV_INVALID_OPENING_QUOTE: 'a quote appears in the middle of an unquoted cell',
}

const lineBreaks = (cells: readonly string[]) =>
  cells.reduce((sum, cell) => sum + (cell.match(/\r\n|\r|\n/g)?.length ?? 0), 0)

/**
 * A Jira CSV export (RFC 4180, UTF-8 with or without a byte-order mark) as the records of a new story
 * map, or the line of the first row that cannot be read and why. Each row's line is the one it starts
 * on, as a text editor numbers them: a cell may span lines.
 */
export function readJiraCsv(text: string): JiraImport {
  let lastLine = 0
  const starts: number[] = []
  let records: string[][]
  try {
    records = parse(text, {
      bom: true,
      skip_empty_lines: true,
      on_record: (cells, { lines }) => {
        lastLine = lines
        starts.push(lines - lineBreaks(cells))
        return cells
      },
    })
  } catch (error) {
    if (!(error instanceof CsvError)) throw error
    return { error: { line: lastLine + 1, reason: CSV_REASONS[error.code] ?? error.message } }
  }
  const rows = records.map((cells, i): JiraRow => ({ line: starts[i] ?? 0, cells }))
  const [header, ...issues] = rows
  if (!header) return { error: { line: 1, reason: 'the file is empty' } }
  return importJiraCsv(header.cells, issues)
}
