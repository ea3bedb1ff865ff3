//! Every variant fits Telegram's 64 bytes and round-trips; forged data does not decode.
use super::*;

/// Every variant, with the most extreme values its fields can hold.
fn every_variant() -> Vec<Callback> {
    let mut all = Vec::new();
    for id in [i64::MIN, -1, 0, 1, i64::MAX] {
        all.push(Callback::PickCommunity(id));
        all.push(Callback::PickBuilding(id));
        all.push(Callback::Approve { user_id: id, community_id: id });
        all.push(Callback::Reject { user_id: id, community_id: i64::MIN });
        all.push(Callback::LinkGroup { community_id: id, building_id: id });
        all.push(Callback::NoticeScope { community_id: id, buildings: true });
        all.extend([
            Callback::Ack(id),
            Callback::NoticeDetail(id),
            Callback::NoticeUnacked(id),
            Callback::NoticeResend(id),
            Callback::NoticeConfirmResend(id),
            Callback::NoticeSaveTemplate(id),
            Callback::UseTemplate(id),
            Callback::ClaimShift(id),
            Callback::ReleaseShift(id),
            Callback::OfferShift(id),
            Callback::TakeOffer { shift_id: id, giver: i64::MIN },
            Callback::CheckIn(id),
            Callback::CheckOut(id),
            Callback::RosterShift(id),
            Callback::RemoveFromShift { shift_id: id, user_id: i64::MIN },
            Callback::AssignPick { shift_id: id, page: u16::MAX },
            Callback::Assign { shift_id: id, user_id: i64::MIN },
            Callback::OrderCategory(id),
            Callback::ItemsPage { category: id, page: u16::MAX },
            Callback::OrderItem(id),
            Callback::OrderQty { item_id: id, qty: u16::MAX },
            Callback::CartSet { item_id: id, qty: u16::MAX },
            Callback::CancelOrder(id),
            Callback::ClaimBuilding(id),
            Callback::PickListBuilding(id),
            Callback::Delivered(id),
            Callback::Received(id),
            Callback::UseCommunity(id),
            Callback::RosterOf(id),
        ]);
        for role in Role::ALL {
            all.push(Callback::Invite { role, community_id: id, uses: u16::MAX, days: u16::MAX });
        }
    }
    all.extend([Callback::Page(0), Callback::Page(u16::MAX), Callback::Noop, Callback::Confirm, Callback::Cancel]);
    all.extend(ProfileField::ALL.map(Callback::EditProfile));
    all.extend([Callback::DeleteMyData, Callback::ConfirmDeleteMyData]);
    all.extend(Lang::ALL.map(Callback::SetLang));
    all.extend([true, false].map(Callback::PartyMember));
    all.extend([true, false].map(Callback::Experienced));
    all.extend(Skill::ALL.map(Callback::ToggleSkill));
    all.extend(RoleSel::ALL.map(Callback::NoticeRole));
    for f in NoticeFlag::ALL {
        all.extend([Callback::NoticeFlag(f, true), Callback::NoticeFlag(f, false)]);
    }
    all.extend([Callback::NoticeSendNow, Callback::NoticeSchedule, Callback::NoticesPage(u16::MAX)]);
    all.extend([Callback::ShiftDay { day: u16::MAX, page: u16::MAX }, Callback::RosterDay(u16::MAX)]);
    all.extend([Callback::ShowCart, Callback::Checkout, Callback::NoNote]);
    all.extend([Callback::AcceptAll, Callback::PackAll, Callback::PickList]);
    all
}

#[test]
fn every_variant_round_trips_within_telegrams_limit() {
    for cb in every_variant() {
        let data = cb.encode();
        assert!(data.len() <= MAX_LEN, "{cb:?} encodes to {} bytes", data.len());
        assert_eq!(Callback::decode(&data), Some(cb), "{data}");
    }
}

#[test]
fn forged_stale_and_malformed_data_is_rejected() {
    for data in [
        "",
        "1",
        "1:",
        "0:pc:1",
        "2:pc:1",
        "1:zz:1",
        "1:pc",
        "1:pc:",
        "1:pc:x",
        "1:pc:1:2",
        "1:pc:99999999999999999999",
        "1:pg:-1",
        "1:pg:70000",
        "1:pm:2",
        "1:la:fr",
        "1:ed:nope",
        "1:iv:x:1:1:1",
        "1:ok:1",
        "approve_42",
        "1:ap:1",
        &format!("1:pc:{}", "1".repeat(80)),
    ] {
        assert_eq!(Callback::decode(data), None, "{data:?} should not decode");
    }
}
