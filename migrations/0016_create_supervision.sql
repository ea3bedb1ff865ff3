-- The 8 pm supervision round (#13 item 5): one visit per checkpoint and night. `night` is
-- the local date of the evening the round began (a visit at 00:30 is the evening
-- before's); a second visit the same night replaces the first (the upsert on the key).
CREATE TABLE supervision_visits (
    id            INTEGER PRIMARY KEY,
    checkpoint_id INTEGER NOT NULL REFERENCES checkpoints(id) ON DELETE CASCADE,
    community_id  INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    night         TEXT NOT NULL,
    -- 'ok': on duty with a senior; otherwise the problem's kind.
    outcome       TEXT NOT NULL CHECK (outcome IN ('ok', 'nobody', 'too_few', 'no_senior', 'other')),
    people        INTEGER NOT NULL DEFAULT 0 CHECK (people >= 0),
    note          TEXT,
    photo         TEXT,                           -- Telegram file id
    visited_by    INTEGER NOT NULL,               -- the anonymous id after an erasure
    visited_at    INTEGER NOT NULL,
    UNIQUE (checkpoint_id, night)
);
-- The daily report and the list read one community's night.
CREATE INDEX supervision_visits_by_night ON supervision_visits (community_id, night);
