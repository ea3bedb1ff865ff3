//! The community's notices sent in the range with their confirmations: one row per
//! recipient (a notice to the whole subdistrict is not the community's and is left out).

use super::{col, Kind, Spec};
use crate::exports::model::Table;

pub const SPEC: Spec = Spec {
    table: Table::Notices,
    sql: "WITH p(community, from_day, to_day, from_ms, to_ms, lang, phone) AS (SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7)
          SELECT n.id, n.sent_at, n.body, u.display_name, a.acked_at
          FROM p JOIN notices n ON n.community_id = p.community AND n.status = 'sent'
                               AND n.sent_at >= p.from_ms AND n.sent_at < p.to_ms
          JOIN notice_recipients r ON r.notice_id = n.id
          LEFT JOIN users u ON u.id = r.user_id
          LEFT JOIN notice_acks a ON a.notice_id = n.id AND a.user_id = r.user_id
          ORDER BY n.id, u.display_name",
    columns: &[
        col("notice", Kind::Int),
        col("sent_at", Kind::Time),
        col("text", Kind::Text),
        col("recipient", Kind::Text),
        col("confirmed_at", Kind::Time),
    ],
};
