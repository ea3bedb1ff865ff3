-- Temperatures twice a day for isolated households (#12).
--
-- A household member is someone living at an address who has no account of their own (a
-- child, an elderly parent): the household's residents report for them. Like an
-- isolation, a member belongs to the address (building + household key), not to the
-- account that added them, so they stay when that account goes. Removing one sets
-- `removed_at`: their past reports keep a name to show.
CREATE TABLE household_members (
    id          INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    building_id INTEGER NOT NULL REFERENCES buildings(id) ON DELETE CASCADE,
    household   TEXT NOT NULL,
    name        TEXT NOT NULL,
    added_by    INTEGER,
    created_at  INTEGER NOT NULL,
    removed_at  INTEGER
);
CREATE INDEX household_members_at ON household_members (building_id, household) WHERE removed_at IS NULL;

-- One report per subject (an account, `user_id`, or a household member, `member_id`:
-- exactly one of them) per community-local day per slot; reporting again within the slot
-- changes the row. `tenths` is tenths of a degree Celsius; `symptoms` a bitmask
-- (1 cough, 2 sore throat, 4 fatigue; 0 none); `fever` is the comparison with the
-- setting when it was reported; `alerted_at` when the officials were told of it.
-- The household (building + key) is the reporter's address at the time, so counts by
-- household need no join through residents.
CREATE TABLE temperature_reports (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    building_id  INTEGER NOT NULL REFERENCES buildings(id) ON DELETE CASCADE,
    household    TEXT NOT NULL,
    user_id      INTEGER,
    member_id    INTEGER REFERENCES household_members(id) ON DELETE CASCADE,
    day          TEXT NOT NULL,
    slot         TEXT NOT NULL CHECK (slot IN ('morning', 'afternoon')),
    tenths       INTEGER NOT NULL CHECK (tenths BETWEEN 300 AND 450),
    symptoms     INTEGER NOT NULL DEFAULT 0 CHECK (symptoms BETWEEN 0 AND 7),
    fever        INTEGER NOT NULL DEFAULT 0,
    reported_by  INTEGER NOT NULL,
    reported_at  INTEGER NOT NULL,
    alerted_at   INTEGER,
    CHECK ((user_id IS NULL) <> (member_id IS NULL))
);
CREATE UNIQUE INDEX temperature_reports_of_user ON temperature_reports (user_id, day, slot) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX temperature_reports_of_member ON temperature_reports (member_id, day, slot) WHERE member_id IS NOT NULL;
-- The officials' missing list and the day's figures: a household's reports of a day.
CREATE INDEX temperature_reports_by_household ON temperature_reports (building_id, household, day, slot);
CREATE INDEX temperature_reports_by_community ON temperature_reports (community_id, day);
