//! Residents as registered now (the range's last day decides who is isolated): address,
//! household size, isolation; the phone only for officials of the community.

use super::{col, Column, Kind, Spec};
use crate::exports::model::Table;

pub const SPEC: Spec = Spec {
    table: Table::Residents,
    sql: concat!(
        "WITH p(community, from_day, to_day, from_ms, to_ms, lang, phone) AS (SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7)
         SELECT ",
        crate::building_name!(),
        ", r.unit_room, u.display_name, r.household_size,
                (SELECT i.kind FROM isolations i
                  WHERE i.building_id = r.building_id AND i.household = r.household AND i.status = 'active'
                    AND i.starts_on <= p.to_day AND i.ends_on >= p.to_day LIMIT 1),
                CASE WHEN p.phone = 1 THEN r.phone END,
                r.registered_at
         FROM p JOIN residents r ON r.community_id = p.community
         JOIN users u ON u.id = r.user_id JOIN buildings b ON b.id = r.building_id
         ORDER BY b.position, b.name, r.unit_room, u.display_name"
    ),
    columns: &[
        col("building", Kind::Text),
        col("unit_room", Kind::Text),
        col("name", Kind::Text),
        col("household_size", Kind::Int),
        col("isolation", Kind::Label("isolation")),
        Column { key: "phone", kind: Kind::Text, private: true },
        col("registered_at", Kind::Time),
    ],
};
