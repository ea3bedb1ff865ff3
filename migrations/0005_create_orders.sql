-- Supplies ordering: carts (kept across restarts), orders and their lines, freezes.
-- Money in fen; times in unix milliseconds; `day` is the community's local date (for
-- per-day household limits).

CREATE TABLE cart_lines (
    user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    item_id  INTEGER NOT NULL REFERENCES catalog_items(id) ON DELETE CASCADE,
    quantity INTEGER NOT NULL CHECK (quantity >= 1),
    PRIMARY KEY (user_id, item_id)
) WITHOUT ROWID;

CREATE TABLE orders (
    id           INTEGER PRIMARY KEY,
    resident_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    community_id INTEGER NOT NULL REFERENCES communities(id),
    building_id  INTEGER NOT NULL REFERENCES buildings(id),
    placed_by    INTEGER NOT NULL,              -- the resident, or an official/volunteer on their behalf
    status       TEXT NOT NULL CHECK (status IN ('placed', 'accepted', 'packed', 'out_for_delivery',
                                                 'delivered', 'received', 'cancelled', 'rejected')),
    note         TEXT NOT NULL DEFAULT '',
    total_fen    INTEGER NOT NULL CHECK (total_fen >= 0),
    reason       TEXT,                          -- why it was rejected
    volunteer_id INTEGER,                       -- who carries it
    day          TEXT NOT NULL,
    placed_at    INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX orders_by_resident ON orders (resident_id, id);
CREATE INDEX orders_pipeline ON orders (community_id, status, building_id);

CREATE TABLE order_lines (
    order_id  INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    item_id   INTEGER NOT NULL REFERENCES catalog_items(id),
    quantity  INTEGER NOT NULL CHECK (quantity >= 1),
    price_fen INTEGER NOT NULL,
    PRIMARY KEY (order_id, item_id)
) WITHOUT ROWID;
CREATE INDEX order_lines_by_item ON order_lines (item_id);

-- Ordering paused for a community (building_id NULL) or one building.
CREATE TABLE order_freezes (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    building_id  INTEGER REFERENCES buildings(id) ON DELETE CASCADE,
    reason       TEXT NOT NULL,
    frozen_by    INTEGER NOT NULL,
    frozen_at    INTEGER NOT NULL
);

-- An official or volunteer ordering for a resident without a smartphone: while set, the
-- helper's /order works for that resident (their address, their limits).
CREATE TABLE order_proxies (
    helper_id   INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    resident_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    set_at      INTEGER NOT NULL
);
