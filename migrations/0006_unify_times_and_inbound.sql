-- One time format: every time column is unix milliseconds (UTC), as the outbox, jobs,
-- notices, shifts and orders tables already were. The foundation's RFC 3339 text columns
-- are converted in place (add an integer column, copy, drop the text one, rename).
-- Inbound updates become durable: each is stored before its offset is confirmed to
-- Telegram and marked done with its effects (`processed_updates` is folded in).
-- Officials of several communities remember which one they act on.

ALTER TABLE users ADD COLUMN created_ms INTEGER NOT NULL DEFAULT 0;
UPDATE users SET created_ms = CAST(round((julianday(created_at) - 2440587.5) * 86400000.0) AS INTEGER);
ALTER TABLE users DROP COLUMN created_at;
ALTER TABLE users RENAME COLUMN created_ms TO created_at;

ALTER TABLE residents ADD COLUMN registered_ms INTEGER NOT NULL DEFAULT 0;
UPDATE residents SET registered_ms = CAST(round((julianday(registered_at) - 2440587.5) * 86400000.0) AS INTEGER);
ALTER TABLE residents DROP COLUMN registered_at;
ALTER TABLE residents RENAME COLUMN registered_ms TO registered_at;

ALTER TABLE memberships ADD COLUMN created_ms INTEGER NOT NULL DEFAULT 0;
UPDATE memberships SET created_ms = CAST(round((julianday(created_at) - 2440587.5) * 86400000.0) AS INTEGER);
ALTER TABLE memberships DROP COLUMN created_at;
ALTER TABLE memberships RENAME COLUMN created_ms TO created_at;

ALTER TABLE invites ADD COLUMN expires_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE invites ADD COLUMN created_ms INTEGER NOT NULL DEFAULT 0;
UPDATE invites SET
    expires_ms = CAST(round((julianday(expires_at) - 2440587.5) * 86400000.0) AS INTEGER),
    created_ms = CAST(round((julianday(created_at) - 2440587.5) * 86400000.0) AS INTEGER);
ALTER TABLE invites DROP COLUMN expires_at;
ALTER TABLE invites DROP COLUMN created_at;
ALTER TABLE invites RENAME COLUMN expires_ms TO expires_at;
ALTER TABLE invites RENAME COLUMN created_ms TO created_at;

ALTER TABLE linked_chats ADD COLUMN linked_ms INTEGER NOT NULL DEFAULT 0;
UPDATE linked_chats SET linked_ms = CAST(round((julianday(linked_at) - 2440587.5) * 86400000.0) AS INTEGER);
ALTER TABLE linked_chats DROP COLUMN linked_at;
ALTER TABLE linked_chats RENAME COLUMN linked_ms TO linked_at;

ALTER TABLE dialogues ADD COLUMN updated_ms INTEGER NOT NULL DEFAULT 0;
UPDATE dialogues SET updated_ms = CAST(round((julianday(updated_at) - 2440587.5) * 86400000.0) AS INTEGER);
ALTER TABLE dialogues DROP COLUMN updated_at;
ALTER TABLE dialogues RENAME COLUMN updated_ms TO updated_at;

-- Every update taken from Telegram, stored before its offset is confirmed. `done_at` is
-- set in the transaction of the update's effects (or after a reply-only handler); rows
-- without it are handled again at start. Done rows are kept 3 days to drop redeliveries.
CREATE TABLE inbound_updates (
    update_id   INTEGER PRIMARY KEY,
    payload     TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    done_at     INTEGER
);
CREATE INDEX inbound_unfinished ON inbound_updates (update_id) WHERE done_at IS NULL;
INSERT INTO inbound_updates (update_id, payload, received_at, done_at)
SELECT update_id, 'null',
       CAST(round((julianday(seen_at) - 2440587.5) * 86400000.0) AS INTEGER),
       CAST(round((julianday(seen_at) - 2440587.5) * 86400000.0) AS INTEGER)
FROM processed_updates;
DROP TABLE processed_updates;

-- The community an official of several communities (or an administrator) acts on.
CREATE TABLE official_scopes (
    user_id      INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    chosen_at    INTEGER NOT NULL
);
