-- Errands for isolated households (#12 item 3): garbage, medicine, medical help, someone
-- to talk to, or other, carried to the door by a volunteer of the community.
--
-- An errand is a household's (building + unit/room as written, and its
-- `people::model::household_key`), asked by one resident (`requester`) or opened for them
-- by an official (`opened_by`, the fever alert's button). `status`: open → claimed (one
-- volunteer, by one conditional UPDATE) → done (the volunteer says so) → confirmed (the
-- resident says so); "not done" puts it back to open; cancelled by the resident while
-- open, or by an erasure. Medical help is urgent: paged at once and every
-- `urgent_repeat` while open (`pages`, `paged_at`; the page job checks `pages` so a stale
-- one stops). Times are unix milliseconds.
CREATE TABLE errands (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    building_id  INTEGER NOT NULL REFERENCES buildings(id) ON DELETE CASCADE,
    household    TEXT NOT NULL,
    unit_room    TEXT NOT NULL,
    requester    INTEGER NOT NULL,
    opened_by    INTEGER NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('garbage', 'medicine', 'medical', 'talk', 'other')),
    note         TEXT NOT NULL DEFAULT '',
    urgent       INTEGER NOT NULL DEFAULT 0,
    status       TEXT NOT NULL CHECK (status IN ('open', 'claimed', 'done', 'confirmed', 'cancelled')),
    claimed_by   INTEGER,
    claimed_at   INTEGER,
    done_at      INTEGER,
    closed_at    INTEGER,
    created_at   INTEGER NOT NULL,
    pages        INTEGER NOT NULL DEFAULT 0,
    paged_at     INTEGER
);
CREATE INDEX errands_by_community ON errands (community_id, status);
CREATE INDEX errands_by_requester ON errands (requester, status);
CREATE INDEX errands_by_claimer ON errands (claimed_by, status);
-- One medical-help errand at a time per household: a second tap of the fever alert's
-- button, or two officials at once, open one.
CREATE UNIQUE INDEX errands_one_medical ON errands (building_id, household)
    WHERE kind = 'medical' AND status IN ('open', 'claimed');

-- The daily garbage round (`LINLI_GARBAGE_ROUND_AT`): one per building that has isolated
-- households that day, claimed like an errand; the claimer gets the unit/rooms.
CREATE TABLE garbage_rounds (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    building_id  INTEGER NOT NULL REFERENCES buildings(id) ON DELETE CASCADE,
    day          TEXT NOT NULL,
    households   INTEGER NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('open', 'claimed', 'done')),
    claimed_by   INTEGER,
    claimed_at   INTEGER,
    done_at      INTEGER,
    created_at   INTEGER NOT NULL,
    UNIQUE (building_id, day)
);
CREATE INDEX garbage_rounds_by_community ON garbage_rounds (community_id, day, status);
