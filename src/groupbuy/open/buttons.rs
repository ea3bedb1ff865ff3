//! The buttons of opening a group buy and of `/leaders`.

use crate::groupbuy::model::{Delivery, MinKind};

crate::callbacks! {
    pub enum Cb {
        /// `/leaders`: allow (`allow`) or stop a volunteer of `community` leading group
        /// buys; a page of the list.
        Leader { community: i64, user: i64, allow: bool } = "gol",
        LeadersPage { community: i64, page: u16 } = "gop",
        /// The dialogue: the household cap, no total cap, a minimum, a deadline (unix
        /// milliseconds, checked again when tapped), a group chosen or not, every group,
        /// the groups are chosen, a page of groups, the delivery, publish.
        HouseholdCap(cap: u16) = "goh",
        NoTotalCap = "got",
        Minimum { kind: MinKind, count: u16 } = "gom",
        Deadline(at: i64) = "goe",
        Group { chat: i64, on: bool } = "gog",
        AllGroups = "goga",
        GroupsDone = "gogd",
        GroupsPage(page: u16) = "gogp",
        Delivery(how: Delivery) = "gov",
        Publish = "gok",
    }
}
