//! The orders slice's buttons: shopping, the cart, the officials' pipeline, deliveries.

crate::callbacks! {
    pub enum Cb {
        /// A category, a page of its items, an item, a quantity for it, the cart, a cart
        /// line from the quantity shown to a new one (0 removes), on to the note, no note,
        /// confirm, cancel an order (asks), cancel it (confirmed).
        OrderCategory(id: i64) = "oc",
        ItemsPage { category: i64, page: u16 } = "ip",
        OrderItem(id: i64) = "oi",
        OrderQty { item_id: i64, qty: u16 } = "oq",
        ShowCart = "ov",
        CartSet { item_id: i64, from: u16, to: u16 } = "os",
        Checkout = "ck",
        NoNote = "on",
        Confirm = "ook",
        CancelOrder(id: i64) = "ox",
        ConfirmCancelOrder(id: i64) = "oxy",
        /// Officials: accept every placed order, mark every accepted one packed, the pick
        /// list (whole community, one building). Volunteers: take a building's packed
        /// orders, mark one left at the door. Residents: confirm they received it.
        AcceptAll = "aa",
        PackAll = "pa",
        PickList = "pl",
        PickListBuilding(id: i64) = "pb2",
        /// Officials: no English name for the item just added.
        SkipEnglish = "oen",
        ClaimBuilding(id: i64) = "cb",
        Delivered(id: i64) = "dv",
        Received(id: i64) = "rv",
    }
}
