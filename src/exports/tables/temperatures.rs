//! Temperature reports of the range's days: one row per person and slot.

use super::{col, Kind, Spec};
use crate::exports::model::Table;

pub const SPEC: Spec = Spec {
    table: Table::Temperatures,
    sql: concat!(
        "WITH p(community, from_day, to_day, from_ms, to_ms, lang, phone) AS (SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7)
         SELECT t.day, t.slot, ",
        crate::building_name!(),
        ", t.household, coalesce(u.display_name, m.name), t.tenths, t.fever, t.reported_at
         FROM p JOIN temperature_reports t ON t.community_id = p.community AND t.day BETWEEN p.from_day AND p.to_day
         JOIN buildings b ON b.id = t.building_id
         LEFT JOIN users u ON u.id = t.user_id
         LEFT JOIN household_members m ON m.id = t.member_id
         ORDER BY t.day, t.slot DESC, b.position, b.name, t.household, t.id"
    ),
    columns: &[
        col("day", Kind::Text),
        col("slot", Kind::Label("slot")),
        col("building", Kind::Text),
        col("household", Kind::Text),
        col("name", Kind::Text),
        col("temperature", Kind::Tenths),
        col("fever", Kind::Flag),
        col("reported_at", Kind::Time),
    ],
};
