-- Group buys (接龙, #14): a leader offers a supplier's items in the buildings' group chats,
-- households join in private, the tally in each group is one message edited in place.
--
-- A leader is an official of the community or a volunteer its officials allowed
-- (`group_buy_leaders`). A buy: items (price in fen, unit), a per-household cap and an
-- optional total cap (units, all items together), a minimum to go ahead (households or
-- units), a deadline, how it is delivered (to the door by volunteers, or picked up at a
-- place and time). `status`: open → closed (went ahead) | called_off (below the minimum at
-- the deadline) | cancelled (by the leader before the deadline). `taken` and `households`
-- are the live totals, changed in the transaction of each join, change and leave, so the
-- total cap is one conditional UPDATE (`taken + n <= total_cap`): two joins racing for the
-- last units cannot both get them. `arrived_at`: the leader said the goods are here, and
-- delivery or pick-up starts. `tally_at`: when the groups' tally was last rendered (the
-- next is due `groupbuy::tally::EVERY` later). Times are unix milliseconds.
CREATE TABLE group_buys (
    id            INTEGER PRIMARY KEY,
    community_id  INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    leader_id     INTEGER NOT NULL,
    title         TEXT NOT NULL,
    household_cap INTEGER NOT NULL CHECK (household_cap >= 1),
    total_cap     INTEGER CHECK (total_cap IS NULL OR total_cap >= 1),
    min_kind      TEXT NOT NULL CHECK (min_kind IN ('households', 'units')),
    min_count     INTEGER NOT NULL CHECK (min_count >= 0),
    deadline      INTEGER NOT NULL,
    delivery      TEXT NOT NULL CHECK (delivery IN ('door', 'pickup')),
    pickup_place  TEXT,
    pickup_at     INTEGER,
    join_url      TEXT NOT NULL,                -- t.me/<bot>?start=gb_<id>: the groups' join button
    status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'called_off', 'cancelled')),
    taken         INTEGER NOT NULL DEFAULT 0 CHECK (taken >= 0 AND (total_cap IS NULL OR taken <= total_cap)),
    households    INTEGER NOT NULL DEFAULT 0 CHECK (households >= 0),
    tally_at      INTEGER,
    arrived_at    INTEGER,
    created_at    INTEGER NOT NULL,
    closed_at     INTEGER
);
CREATE INDEX group_buys_by_community ON group_buys (community_id, status);

CREATE TABLE group_buy_items (
    id        INTEGER PRIMARY KEY,
    buy_id    INTEGER NOT NULL REFERENCES group_buys(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    name      TEXT NOT NULL,
    unit      TEXT NOT NULL,
    price_fen INTEGER NOT NULL CHECK (price_fen >= 0)
);
CREATE INDEX group_buy_items_by_buy ON group_buy_items (buy_id, position);

-- Who may join: the buildings of the groups it was announced in (a group linked to the
-- whole community brings every building).
CREATE TABLE group_buy_buildings (
    buy_id      INTEGER NOT NULL REFERENCES group_buys(id) ON DELETE CASCADE,
    building_id INTEGER NOT NULL REFERENCES buildings(id) ON DELETE CASCADE,
    PRIMARY KEY (buy_id, building_id)
) WITHOUT ROWID;

-- The offer in each group: the outbox row that posts it (its Telegram message id is
-- there once sent), and the last edit queued for it, which a newer tally replaces while it
-- still waits (coalescing: a burst of joins is one edit).
CREATE TABLE group_buy_posts (
    buy_id         INTEGER NOT NULL REFERENCES group_buys(id) ON DELETE CASCADE,
    chat_id        INTEGER NOT NULL,
    post_outbox_id INTEGER NOT NULL,
    edit_outbox_id INTEGER,
    PRIMARY KEY (buy_id, chat_id)
) WITHOUT ROWID;

-- A household (an address, not an account) joins once: `household` is
-- `people::model::household_key` of the unit/room; `user_id` is who joined or last changed
-- it. The tally's number is the join's rank by id, so leaving closes the gap and changing
-- keeps the place. `nickname` is shown in the group only when the member chose it.
-- Delivery, after the buy closed and the goods arrived: waiting → out (a volunteer took
-- the building) → delivered (left at the door) → received; or waiting → picked_up.
-- `paid`: recorded by the leader, not processed.
CREATE TABLE group_buy_joins (
    id           INTEGER PRIMARY KEY,
    buy_id       INTEGER NOT NULL REFERENCES group_buys(id) ON DELETE CASCADE,
    building_id  INTEGER NOT NULL REFERENCES buildings(id),
    household    TEXT NOT NULL,
    unit_room    TEXT NOT NULL,
    user_id      INTEGER NOT NULL,
    nickname     TEXT,
    units        INTEGER NOT NULL CHECK (units >= 1),
    joined_at    INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    delivery     TEXT NOT NULL DEFAULT 'waiting'
                 CHECK (delivery IN ('waiting', 'out', 'delivered', 'received', 'picked_up')),
    volunteer_id INTEGER,
    delivered_at INTEGER,
    paid         TEXT CHECK (paid IS NULL OR paid IN ('cash', 'transfer')),
    paid_at      INTEGER,
    UNIQUE (buy_id, building_id, household)
);
CREATE INDEX group_buy_joins_by_user ON group_buy_joins (user_id, buy_id);
CREATE INDEX group_buy_joins_by_volunteer ON group_buy_joins (volunteer_id, delivery) WHERE volunteer_id IS NOT NULL;

CREATE TABLE group_buy_lines (
    join_id  INTEGER NOT NULL REFERENCES group_buy_joins(id) ON DELETE CASCADE,
    item_id  INTEGER NOT NULL REFERENCES group_buy_items(id) ON DELETE CASCADE,
    quantity INTEGER NOT NULL CHECK (quantity >= 1),
    PRIMARY KEY (join_id, item_id)
) WITHOUT ROWID;

-- Volunteers an official allowed to open group buys in the community.
CREATE TABLE group_buy_leaders (
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    allowed_by   INTEGER NOT NULL,
    allowed_at   INTEGER NOT NULL,
    PRIMARY KEY (user_id, community_id)
) WITHOUT ROWID;
