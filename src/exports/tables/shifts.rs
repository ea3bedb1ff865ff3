//! Shifts of the range's days with attendance: one row per person per shift (checked in
//! and out, no-show, hours between check-in and check-out).

use super::{col, Kind, Spec};
use crate::exports::model::Table;

pub const SPEC: Spec = Spec {
    table: Table::Shifts,
    sql: "WITH p(community, from_day, to_day, from_ms, to_ms, lang, phone) AS (SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7)
          SELECT s.day, CASE WHEN p.lang = 'en' THEN coalesce(k.name_en, k.name) ELSE k.name END,
                 s.start_at, s.end_at, u.display_name, c.checked_in_at, c.checked_out_at, c.no_show,
                 CASE WHEN c.checked_in_at IS NOT NULL AND c.checked_out_at IS NOT NULL
                      THEN c.checked_out_at - c.checked_in_at END
          FROM p JOIN shifts s ON s.community_id = p.community AND s.day BETWEEN p.from_day AND p.to_day
          JOIN checkpoints k ON k.id = s.checkpoint_id
          JOIN shift_claims c ON c.shift_id = s.id
          LEFT JOIN users u ON u.id = c.user_id
          ORDER BY s.start_at, k.name, u.display_name",
    columns: &[
        col("day", Kind::Text),
        col("checkpoint", Kind::Text),
        col("starts_at", Kind::Time),
        col("ends_at", Kind::Time),
        col("person", Kind::Text),
        col("checked_in_at", Kind::Time),
        col("checked_out_at", Kind::Time),
        col("no_show", Kind::Flag),
        col("hours", Kind::Hours),
    ],
};
