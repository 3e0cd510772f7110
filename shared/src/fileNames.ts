/**
 * One naming scheme for every file the app hands out (issue 18): the board's title as a slug, then the
 * version's where there is one, then what the file is. Plain ASCII, so it fits a Content-Disposition
 * header and every file system as it is.
 */
export function fileSlug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\w\s-]/g, '')
    .trim()
    .replace(/[\s_-]+/g, '-')
    .toLowerCase()
    .slice(0, 80)
    .replace(/^-+|-+$/g, '')
}

/** `<board>-backlog.<format>`, or `<board>-<version>-backlog.<format>` for a finished version's backlog. */
export function backlogFileName(
  boardTitle: string,
  format: 'json' | 'csv' | 'md',
  versionName?: string,
): string {
  const parts = [
    fileSlug(boardTitle) || 'board',
    ...(versionName === undefined ? [] : [fileSlug(versionName) || 'version']),
  ]
  return `${parts.join('-')}-backlog.${format}`
}

/** `<board>.refinery.json`: the board file (CONTRACT section 9). */
export function boardFileName(boardTitle: string): string {
  return `${fileSlug(boardTitle) || 'board'}.refinery.json`
}
