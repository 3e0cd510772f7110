export function writeBrowserResults() {
  return 'nothing yet'
}
