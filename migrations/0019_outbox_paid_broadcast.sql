-- An urgent notice's copies may go as Telegram paid broadcasts (`allow_paid_broadcast`:
-- up to 1000 messages/s instead of ~30, each paid in Stars) when the operator turned it
-- on (`LINLI_RATE_PAID`). The permission is stored per row, when the row is queued, so
-- only what a slice marked (an urgent notice's copies to people) can ever cost Stars: the
-- sender never decides it from the priority, and with the setting off it sends such a
-- row like any other.
ALTER TABLE outbox ADD COLUMN paid_broadcast INTEGER NOT NULL DEFAULT 0 CHECK (paid_broadcast IN (0, 1));

-- While the paid window is full (most of the time during a paid broadcast) the sender asks
-- for free rows only; without this index that walked past every paid row still queued.
CREATE INDEX outbox_queue_free ON outbox (priority DESC, id) WHERE status = 'pending' AND paid_broadcast = 0;
