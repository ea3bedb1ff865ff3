-- Exports for Excel (issue 13): every export asked for is recorded here (who, which
-- community, which tables, which days, when) and stays after its files are deleted.
-- `status`: running (being written, started again at start if the process died), done,
-- failed. `files` is the JSON list of the files written, cleared when they are deleted.
CREATE TABLE exports (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL,
    community_id  INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    tables        TEXT NOT NULL,                -- comma-separated table codes
    from_day      TEXT NOT NULL,
    to_day        TEXT NOT NULL,
    lang          TEXT NOT NULL CHECK (lang IN ('zh-CN', 'en')),
    with_phone    INTEGER NOT NULL DEFAULT 0,   -- asked by an official of this community
    status        TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
    requested_at  INTEGER NOT NULL,
    finished_at   INTEGER,
    rows          INTEGER NOT NULL DEFAULT 0,
    bytes         INTEGER NOT NULL DEFAULT 0,
    files         TEXT NOT NULL DEFAULT '[]',
    files_deleted_at INTEGER,
    error         TEXT
);
CREATE INDEX exports_by_status ON exports (status, requested_at);
CREATE INDEX exports_by_user ON exports (user_id);
