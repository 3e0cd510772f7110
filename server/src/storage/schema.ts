/**
 * Accounts, sessions, boards, members and invites, in SQL that SQLite and PostgreSQL both take
 * (TEXT ids, BIGINT epoch milliseconds, BOOLEAN).
 */
export const ACCOUNTS_AND_BOARDS = `
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT,
    is_guest BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL
  );
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    secret_hash TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
  );
  CREATE INDEX sessions_user ON sessions (user_id);
  CREATE TABLE boards (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    vote_budget INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
  );
  CREATE TABLE board_members (
    board_id TEXT NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (board_id, user_id)
  );
  CREATE INDEX board_members_user ON board_members (user_id);
  CREATE TABLE invites (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    board_id TEXT NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    created_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT,
    created_at BIGINT NOT NULL
  );
  CREATE INDEX invites_board ON invites (board_id);
`

/** Finished versions of boards; the state column's type is the engine's binary type. */
export const BOARD_VERSIONS = (binary: 'BLOB' | 'BYTEA') => `
  CREATE TABLE board_versions (
    id TEXT PRIMARY KEY,
    board_id TEXT NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    state ${binary} NOT NULL,
    backlog TEXT NOT NULL,
    created_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL
  );
  CREATE INDEX board_versions_board ON board_versions (board_id, created_at);
`

/**
 * Which board holds which image (issue 15), by the SHA-256 of its bytes; the bytes themselves live
 * elsewhere (files beside SQLite, `asset_blobs` in PostgreSQL). No foreign key to `boards`: deleting a
 * board deletes its links along with its document (see `BoardStore.delete`).
 */
export const BOARD_ASSETS = `
  CREATE TABLE board_assets (
    board_id TEXT NOT NULL,
    hash TEXT NOT NULL,
    mime_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (board_id, hash)
  );
  CREATE INDEX board_assets_hash ON board_assets (hash);
`

/**
 * Secrets the server makes for itself at first start and keeps across restarts and instances (see
 * `InviteTokens`): one row a purpose, never rotated by the server.
 */
export const SERVER_SECRETS = `
  CREATE TABLE server_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_at BIGINT NOT NULL
  );
`

/**
 * Dots given while voting is hidden (issue 17): kept here, out of the board's document, until an
 * owner reveals them; then they move into the document's `votes` root and their rows go.
 */
export const HIDDEN_VOTES = `
  CREATE TABLE hidden_votes (
    board_id TEXT NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    card_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    dots INTEGER NOT NULL,
    PRIMARY KEY (board_id, card_id, user_id)
  );
`

/**
 * Planning poker picks before the reveal (issue 17): the board's document says who has picked, never
 * what; the reveal copies the round's rows into the document and they go. One pick per person a board.
 */
export const POKER_ESTIMATES = `
  CREATE TABLE poker_estimates (
    board_id TEXT NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    round_id TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (board_id, user_id)
  );
`
