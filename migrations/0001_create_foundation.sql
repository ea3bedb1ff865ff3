-- Foundation: communities and their places, people and roles, invites, group links,
-- dialogue state and the processed-update log. Append-only once landed.

CREATE TABLE subdistricts (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    name_en     TEXT NOT NULL,
    timezone    TEXT NOT NULL
);

CREATE TABLE communities (
    id             INTEGER PRIMARY KEY,
    subdistrict_id INTEGER NOT NULL REFERENCES subdistricts(id) ON DELETE CASCADE,
    name           TEXT NOT NULL UNIQUE,
    name_en        TEXT NOT NULL
);

CREATE TABLE buildings (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    position     INTEGER NOT NULL DEFAULT 0,
    UNIQUE (community_id, name)
);

CREATE TABLE checkpoints (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    latitude     REAL,
    longitude    REAL,
    radius_m     INTEGER NOT NULL DEFAULT 200,
    UNIQUE (community_id, name)
);

-- Times are minutes after midnight, community time; end <= start ends the next day.
CREATE TABLE shift_templates (
    id             INTEGER PRIMARY KEY,
    checkpoint_id  INTEGER NOT NULL REFERENCES checkpoints(id) ON DELETE CASCADE,
    start_minute   INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
    end_minute     INTEGER NOT NULL CHECK (end_minute BETWEEN 0 AND 1439),
    capacity       INTEGER NOT NULL CHECK (capacity >= 1),
    min_senior     INTEGER NOT NULL DEFAULT 0 CHECK (min_senior >= 0),
    UNIQUE (checkpoint_id, start_minute)
);

CREATE TABLE catalog_categories (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    name         TEXT NOT NULL,
    name_en      TEXT NOT NULL,
    position     INTEGER NOT NULL DEFAULT 0,
    UNIQUE (community_id, key)
);

CREATE TABLE catalog_items (
    id              INTEGER PRIMARY KEY,
    community_id    INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    category_id     INTEGER NOT NULL REFERENCES catalog_categories(id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    unit            TEXT NOT NULL,
    unit_en         TEXT NOT NULL,
    price_fen       INTEGER NOT NULL CHECK (price_fen > 0),
    stock           INTEGER NOT NULL CHECK (stock >= 0),
    limit_per_order INTEGER NOT NULL CHECK (limit_per_order >= 1),
    limit_per_day   INTEGER NOT NULL CHECK (limit_per_day >= limit_per_order),
    active          INTEGER NOT NULL DEFAULT 1,
    UNIQUE (community_id, name)
);

-- Everyone who has ever talked to the bot. `id` is the Telegram user id.
CREATE TABLE users (
    id           INTEGER PRIMARY KEY,
    display_name TEXT NOT NULL,
    lang         TEXT NOT NULL CHECK (lang IN ('zh-CN', 'en')),
    unreachable  INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL
);

-- A resident lives in exactly one place. Phone is optional (shared via Telegram contact).
CREATE TABLE residents (
    user_id        INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    community_id   INTEGER NOT NULL REFERENCES communities(id),
    building_id    INTEGER NOT NULL REFERENCES buildings(id),
    unit_room      TEXT NOT NULL,
    household_size INTEGER NOT NULL CHECK (household_size BETWEEN 1 AND 20),
    phone          TEXT,
    isolated       INTEGER NOT NULL DEFAULT 0,
    registered_at  TEXT NOT NULL
);
CREATE INDEX residents_by_building ON residents (building_id);

-- Volunteer and official roles, scoped to one community.
CREATE TABLE memberships (
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    community_id  INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    role          TEXT NOT NULL CHECK (role IN ('volunteer', 'official')),
    status        TEXT NOT NULL CHECK (status IN ('profile', 'pending', 'approved', 'rejected')),
    party_member  INTEGER NOT NULL DEFAULT 0,
    experienced   INTEGER NOT NULL DEFAULT 0,
    skills        TEXT NOT NULL DEFAULT '',
    invited_by    INTEGER,
    decided_by    INTEGER,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (user_id, community_id, role)
);
CREATE INDEX memberships_by_community ON memberships (community_id, role, status);

CREATE TABLE invites (
    code         TEXT PRIMARY KEY,
    role         TEXT NOT NULL CHECK (role IN ('volunteer', 'official')),
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    created_by   INTEGER,
    max_uses     INTEGER NOT NULL CHECK (max_uses >= 1),
    uses         INTEGER NOT NULL DEFAULT 0,
    expires_at   TEXT NOT NULL,
    created_at   TEXT NOT NULL
);

-- Group chats bound to a community or one building (for notices and group buys).
CREATE TABLE linked_chats (
    chat_id      INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    building_id  INTEGER REFERENCES buildings(id) ON DELETE CASCADE,
    title        TEXT NOT NULL DEFAULT '',
    linked_by    INTEGER NOT NULL,
    linked_at    TEXT NOT NULL
);

-- Dialogue state per private chat, as JSON of `bot::state::State`.
CREATE TABLE dialogues (
    chat_id    INTEGER PRIMARY KEY,
    state      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Telegram redelivers updates it has not seen confirmed; we drop ids we have handled.
CREATE TABLE processed_updates (
    update_id INTEGER PRIMARY KEY,
    seen_at   TEXT NOT NULL
);
