-- Notices: targeted broadcasts with acknowledgements. Times are unix milliseconds.

CREATE TABLE notices (
    id            INTEGER PRIMARY KEY,
    community_id  INTEGER REFERENCES communities(id) ON DELETE CASCADE,  -- NULL: whole subdistrict
    author_id     INTEGER NOT NULL,
    body          TEXT NOT NULL,                 -- the official's text (caption for media)
    media_kind    TEXT CHECK (media_kind IN ('photo', 'document')),
    media_file_id TEXT,
    audience      TEXT NOT NULL,                 -- JSON of notices::model::Audience
    urgent        INTEGER NOT NULL DEFAULT 0,
    status        TEXT NOT NULL CHECK (status IN ('scheduled', 'sent')),
    send_at       INTEGER NOT NULL,
    sent_at       INTEGER,
    recipients    INTEGER NOT NULL DEFAULT 0,    -- people (not groups) it was sent to
    groups        INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);
CREATE INDEX notices_by_community ON notices (community_id, id);

-- Who a notice was meant for, fixed when it is sent (for "who has not acknowledged").
CREATE TABLE notice_recipients (
    notice_id INTEGER NOT NULL REFERENCES notices(id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL,
    PRIMARY KEY (notice_id, user_id)
) WITHOUT ROWID;
CREATE INDEX notice_recipients_by_user ON notice_recipients (user_id, notice_id);

CREATE TABLE notice_acks (
    notice_id INTEGER NOT NULL REFERENCES notices(id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL,
    acked_at  INTEGER NOT NULL,
    PRIMARY KEY (notice_id, user_id)
) WITHOUT ROWID;

CREATE TABLE notice_templates (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER REFERENCES communities(id) ON DELETE CASCADE,
    author_id    INTEGER NOT NULL,
    body         TEXT NOT NULL,
    created_at   INTEGER NOT NULL
);
