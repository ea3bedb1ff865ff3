-- A household is an address (#10.2): the per-day limits count every order delivered to
-- the same building and unit/room, whoever placed it. `household` is the unit/room as
-- `orders::model::household_key` writes it (no spaces, lower case); orders placed before
-- this migration get the same key from their resident's current address.
ALTER TABLE orders ADD COLUMN household TEXT NOT NULL DEFAULT '';
UPDATE orders SET household = coalesce(
    (SELECT lower(replace(replace(r.unit_room, ' ', ''), '　', '')) FROM residents r WHERE r.user_id = orders.resident_id), '');
CREATE INDEX orders_by_household ON orders (building_id, household, day);
