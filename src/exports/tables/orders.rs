//! Orders with their lines: one row per line, the order's fields repeated (what a
//! supermarket or an official sums in Excel).

use super::{col, Kind, Spec};
use crate::exports::model::Table;

pub const SPEC: Spec = Spec {
    table: Table::Orders,
    sql: concat!(
        "WITH p(community, from_day, to_day, from_ms, to_ms, lang, phone) AS (SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7)
         SELECT o.id, o.day, o.placed_at, o.status, ",
        crate::building_name!(),
        ", coalesce(r.unit_room, o.household), u.display_name, o.total_fen,
                CASE WHEN p.lang = 'en' THEN c.name_en ELSE c.name END, l.quantity, l.price_fen,
                l.quantity * l.price_fen
         FROM p JOIN orders o ON o.community_id = p.community AND o.day BETWEEN p.from_day AND p.to_day
         JOIN order_lines l ON l.order_id = o.id
         JOIN catalog_items c ON c.id = l.item_id
         JOIN buildings b ON b.id = o.building_id
         LEFT JOIN residents r ON r.user_id = o.resident_id
         LEFT JOIN users u ON u.id = o.resident_id
         ORDER BY o.id, l.item_id"
    ),
    columns: &[
        col("order", Kind::Int),
        col("day", Kind::Text),
        col("placed_at", Kind::Time),
        col("status", Kind::Label("order_status")),
        col("building", Kind::Text),
        col("unit_room", Kind::Text),
        col("resident", Kind::Text),
        col("order_total", Kind::Money),
        col("item", Kind::Text),
        col("quantity", Kind::Int),
        col("price", Kind::Money),
        col("line_total", Kind::Money),
    ],
};
