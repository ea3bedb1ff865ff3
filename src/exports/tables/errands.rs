//! Errands asked for in the range (by when they were asked): kind, status, who asked and
//! who claimed, when claimed and done.

use super::{col, Kind, Spec};
use crate::exports::model::Table;

pub const SPEC: Spec = Spec {
    table: Table::Errands,
    sql: concat!(
        "WITH p(community, from_day, to_day, from_ms, to_ms, lang, phone) AS (SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7)
         SELECT e.id, e.created_at, e.kind, e.urgent, e.status, ",
        crate::building_name!(),
        ", e.unit_room, ru.display_name, cu.display_name, e.claimed_at, e.done_at, e.note
         FROM p JOIN errands e ON e.community_id = p.community AND e.created_at >= p.from_ms AND e.created_at < p.to_ms
         JOIN buildings b ON b.id = e.building_id
         LEFT JOIN users ru ON ru.id = e.requester
         LEFT JOIN users cu ON cu.id = e.claimed_by
         ORDER BY e.id"
    ),
    columns: &[
        col("errand", Kind::Int),
        col("asked_at", Kind::Time),
        col("kind", Kind::Label("errand_kind")),
        col("urgent", Kind::Flag),
        col("status", Kind::Label("errand_status")),
        col("building", Kind::Text),
        col("unit_room", Kind::Text),
        col("requester", Kind::Text),
        col("claimed_by", Kind::Text),
        col("claimed_at", Kind::Time),
        col("done_at", Kind::Time),
        col("note", Kind::Text),
    ],
};
