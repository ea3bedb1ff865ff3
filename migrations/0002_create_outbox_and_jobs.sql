-- Durable outbox (everything the bot tells someone other than the sender of the current
-- update) and the scheduler's jobs. Times are unix milliseconds (UTC) so the sender and
-- the scheduler compare integers.

CREATE TABLE outbox (
    id                  INTEGER PRIMARY KEY,
    chat_id             INTEGER NOT NULL,
    priority            INTEGER NOT NULL DEFAULT 0,   -- higher first; urgent = 10
    message             TEXT NOT NULL,                -- JSON of outbox::OutMessage (no file bytes)
    attachment          BLOB,                         -- file bytes of a document/photo, if any
    subject_kind        TEXT,                         -- what it is about, e.g. 'notice'
    subject_id          INTEGER,
    status              TEXT NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'blocked')),
    attempts            INTEGER NOT NULL DEFAULT 0,
    timeouts            INTEGER NOT NULL DEFAULT 0,
    next_attempt_at     INTEGER NOT NULL,
    created_at          INTEGER NOT NULL,
    sent_at             INTEGER,
    telegram_message_id INTEGER,
    error               TEXT
);
-- The sender's queue: only live rows are indexed.
CREATE INDEX outbox_queue ON outbox (priority DESC, id) WHERE status = 'pending';
CREATE INDEX outbox_in_flight ON outbox (id) WHERE status = 'sending';
-- "Is an earlier row of this chat still waiting?" (keeps a chat's messages in order).
CREATE INDEX outbox_chat_queue ON outbox (chat_id, id) WHERE status = 'pending';
CREATE INDEX outbox_subject ON outbox (subject_kind, subject_id, status) WHERE subject_kind IS NOT NULL;

CREATE TABLE jobs (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,
    payload       TEXT NOT NULL DEFAULT 'null',   -- JSON for the job function
    unique_key    TEXT UNIQUE,                    -- scheduling the same key twice keeps one job
    recurrence    TEXT,                           -- JSON of jobs::Recurrence; NULL = one-off
    due_at        INTEGER NOT NULL,
    status        TEXT NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'running', 'done', 'failed')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    locked_until  INTEGER,
    last_error    TEXT,
    last_run_at   INTEGER,
    runs          INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);
CREATE INDEX jobs_due ON jobs (due_at) WHERE status = 'pending';
