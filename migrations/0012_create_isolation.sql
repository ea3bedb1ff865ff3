-- Home isolation (#12) is a household's, not an account's: it covers everyone registered
-- at an address (building + unit/room), including whoever registers there later.
--
-- `residents.household` is the unit/room as `people::model::household_key` writes it (no
-- spaces, lower case), as `orders.household` already is; the old per-account `isolated`
-- flag, which nothing could set, goes.
ALTER TABLE residents ADD COLUMN household TEXT NOT NULL DEFAULT '';
UPDATE residents SET household = lower(replace(replace(unit_room, ' ', ''), '　', ''));
CREATE INDEX residents_by_household ON residents (building_id, household);
ALTER TABLE residents DROP COLUMN isolated;

-- One row per isolation of a household. `declared` is a resident's declaration waiting for
-- an official; `active` from `starts_on` through `ends_on` (community-local dates, both
-- included); then `ended` (its date passed) or `lifted` (an official ended it early), or
-- `declined` (an official refused a declaration). At most one open row per household.
CREATE TABLE isolations (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    building_id  INTEGER NOT NULL REFERENCES buildings(id) ON DELETE CASCADE,
    household    TEXT NOT NULL,
    unit_room    TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('home', 'monitoring', 'sealed')),
    starts_on    TEXT NOT NULL,
    ends_on      TEXT NOT NULL CHECK (ends_on >= starts_on),
    status       TEXT NOT NULL CHECK (status IN ('declared', 'active', 'ended', 'lifted', 'declined')),
    declared_by  INTEGER,
    decided_by   INTEGER,
    created_at   INTEGER NOT NULL,
    closed_at    INTEGER
);
CREATE UNIQUE INDEX isolations_open ON isolations (building_id, household) WHERE status IN ('declared', 'active');
CREATE INDEX isolations_by_community ON isolations (community_id, status);
