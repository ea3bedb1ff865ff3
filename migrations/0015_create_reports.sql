-- The daily report of each community (issue 13). A report is computed from the other
-- slices' tables whenever it is shown; a row here is its *submission*: who (NULL when it
-- was submitted automatically at the deadline), when, and the figures as submitted (JSON
-- of reports::figures::DayReport), so what went up the chain never changes afterwards.

CREATE TABLE daily_reports (
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    day          TEXT NOT NULL,                  -- the community's local date reported on
    submitted_by INTEGER,                        -- NULL: submitted automatically
    submitted_at INTEGER NOT NULL,
    late         INTEGER NOT NULL DEFAULT 0,     -- after the day's deadline
    figures      TEXT NOT NULL,
    PRIMARY KEY (community_id, day)
) WITHOUT ROWID;
CREATE INDEX daily_reports_by_day ON daily_reports (day);

-- Orders delivered on a day (the report and its 14-day chart): the moment of delivery,
-- which `updated_at` loses once the resident confirms. Orders delivered before this
-- migration take their last change as the best estimate.
ALTER TABLE orders ADD COLUMN delivered_at INTEGER;
UPDATE orders SET delivered_at = updated_at WHERE status IN ('delivered', 'received');
CREATE INDEX orders_delivered ON orders (community_id, delivered_at) WHERE delivered_at IS NOT NULL;
-- Orders placed on a day (the report): the pipeline's index has the community first but
-- not the day.
CREATE INDEX orders_by_day ON orders (community_id, day);

-- The evening line of isolated households (`isolation.daily`) is now the daily report's
-- health line: its recurring job goes.
DELETE FROM jobs WHERE kind = 'isolation.daily';
