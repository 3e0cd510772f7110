import type { Role } from '@refinery/shared'

/** A role as the page names it. */
export const ROLE_NAMES: Record<Role, string> = {
  owner: 'Owner',
  editor: 'Editor',
  voter: 'Voter',
  viewer: 'Viewer',
}
