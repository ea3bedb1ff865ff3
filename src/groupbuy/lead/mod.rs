//! A leader's group buys: `/buys`, cancelling one before its deadline, the supplier order
//! and the delivery slips (`slips`).

pub mod slips;
