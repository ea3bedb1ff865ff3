//! The dialogue state of one private chat. Each slice owns the payload of its own
//! variant; states hold ids and small typed values, never whole database rows.

use serde::{Deserialize, Serialize};

use crate::notices::Flow as NoticesFlow;
use crate::orders::Flow as OrdersFlow;
use crate::people::Flow as PeopleFlow;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub enum State {
    #[default]
    Idle,
    People(PeopleFlow),
    Notices(NoticesFlow),
    Orders(OrdersFlow),
}
