-- Notices: a scheduled notice can be cancelled until it goes out, and each reminder to
-- those who have not confirmed is recorded once, so the same confirmation sends once.

-- SQLite cannot change a CHECK in place, and rebuilding the table would cascade-delete
-- its recipients and acknowledgements (foreign keys are on while migrating): the status
-- column is replaced instead (add, copy, drop, rename), as 0006 did for the times.
ALTER TABLE notices ADD COLUMN new_status TEXT NOT NULL DEFAULT 'scheduled'
    CHECK (new_status IN ('scheduled', 'sent', 'cancelled'));
UPDATE notices SET new_status = status;
ALTER TABLE notices DROP COLUMN status;
ALTER TABLE notices RENAME COLUMN new_status TO status;
ALTER TABLE notices ADD COLUMN cancelled_at INTEGER;

-- One row per reminder, numbered 1, 2, … per notice. The confirm button carries the number
-- it would create, so a second tap of the same button finds it taken and sends nothing.
CREATE TABLE notice_reminders (
    notice_id INTEGER NOT NULL REFERENCES notices(id) ON DELETE CASCADE,
    number    INTEGER NOT NULL,
    sent_at   INTEGER NOT NULL,
    sent_by   INTEGER NOT NULL,
    people    INTEGER NOT NULL DEFAULT 0,   -- copies queued
    PRIMARY KEY (notice_id, number)
) WITHOUT ROWID;
