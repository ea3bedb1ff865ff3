-- Checkpoint shifts generated from the templates, and volunteers' claims on them.
-- Times are unix milliseconds (UTC); `day` is the community's local date.

CREATE TABLE shifts (
    id            INTEGER PRIMARY KEY,
    template_id   INTEGER NOT NULL REFERENCES shift_templates(id) ON DELETE CASCADE,
    checkpoint_id INTEGER NOT NULL REFERENCES checkpoints(id) ON DELETE CASCADE,
    community_id  INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    day           TEXT NOT NULL,
    start_at      INTEGER NOT NULL,
    end_at        INTEGER NOT NULL,
    capacity      INTEGER NOT NULL CHECK (capacity >= 1),
    min_senior    INTEGER NOT NULL DEFAULT 0,
    taken         INTEGER NOT NULL DEFAULT 0 CHECK (taken >= 0 AND taken <= capacity),
    seniors_taken INTEGER NOT NULL DEFAULT 0 CHECK (seniors_taken >= 0),
    UNIQUE (template_id, day)
);
CREATE INDEX shifts_by_day ON shifts (community_id, day, start_at);
-- The roster and the nightly report read a time range of one community.
CREATE INDEX shifts_by_start ON shifts (community_id, start_at);

CREATE TABLE shift_claims (
    shift_id       INTEGER NOT NULL REFERENCES shifts(id) ON DELETE CASCADE,
    user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    senior         INTEGER NOT NULL,               -- party member or experienced, at claim time
    claimed_at     INTEGER NOT NULL,
    assigned_by    INTEGER,                        -- an official placed them
    offered        INTEGER NOT NULL DEFAULT 0,     -- offered for a swap
    checked_in_at  INTEGER,
    checked_out_at INTEGER,
    no_show        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (shift_id, user_id)
) WITHOUT ROWID;
CREATE INDEX shift_claims_by_user ON shift_claims (user_id, shift_id);
