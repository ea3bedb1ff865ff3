-- Shifts fixes (#10 item 9): a volunteer who checked in and did not check out is asked
-- once at the end of the shift (`checkout_prompted`), and two hours later the check-in is
-- closed at the shift's end so the hours are kept (`auto_closed` marks it "(auto)").
ALTER TABLE shift_claims ADD COLUMN checkout_prompted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE shift_claims ADD COLUMN auto_closed INTEGER NOT NULL DEFAULT 0;
-- The check-ins still open: the attendance job's every-minute look stays small.
CREATE INDEX shift_claims_open ON shift_claims (shift_id, user_id)
    WHERE checked_in_at IS NOT NULL AND checked_out_at IS NULL;
