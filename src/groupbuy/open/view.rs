//! What the opening dialogue shows: a mistake in words, a group's label, and the preview
//! of the offer exactly as the groups will see it (`groupbuy::tally::render`).

use chrono::{DateTime, Utc};
use rust_i18n::t;

use crate::clock::millis;
use crate::groupbuy::model::{BuyStatus, Delivery, MinKind, Minimum};
use crate::groupbuy::open::model::{LineProblem, Mistake};
use crate::groupbuy::open::Draft;
use crate::groupbuy::store::{Buy, Item};
use crate::i18n::Lang;
use crate::people::read::Named;

/// A linked group as `groupbuy::store::groups_of` gives it: chat, building (`None`: the
/// whole community), title, language.
pub type Group = (i64, Option<i64>, String, String);

pub fn mistake(lang: Lang, m: &Mistake) -> String {
    let l = lang.code();
    let e = |key: &str| t!(key, locale = l).into_owned();
    match m {
        Mistake::TitleEmpty => e("groupbuy_open.error.title_empty"),
        Mistake::TitleTooLong => e("groupbuy_open.error.title_too_long"),
        Mistake::NoItems => e("groupbuy_open.error.no_items"),
        Mistake::TooManyItems { count } => t!("groupbuy_open.error.too_many_items", locale = l, count = count).into(),
        Mistake::ItemLine { line, text, problem } => {
            let problem = e(match problem {
                LineProblem::NoPrice => "groupbuy_open.error.no_price",
                LineProblem::NoName => "groupbuy_open.error.no_name",
                LineProblem::NoUnit => "groupbuy_open.error.no_unit",
                LineProblem::Price => "groupbuy_open.error.price",
                LineProblem::NameTooLong => "groupbuy_open.error.name_too_long",
                LineProblem::UnitTooLong => "groupbuy_open.error.unit_too_long",
            });
            t!("groupbuy_open.error.item_line", locale = l, line = line, text = text.as_str(), problem = problem).into()
        }
        Mistake::HouseholdCap => e("groupbuy_open.error.household_cap"),
        Mistake::TotalCap => e("groupbuy_open.error.total_cap"),
        Mistake::TotalBelowHousehold { per } => {
            t!("groupbuy_open.error.total_below_household", locale = l, per = per).into()
        }
        Mistake::Minimum => e("groupbuy_open.error.minimum"),
        Mistake::MinimumOverTotal { total } => {
            t!("groupbuy_open.error.minimum_over_total", locale = l, total = total).into()
        }
        Mistake::Time => e("groupbuy_open.error.time"),
        Mistake::TooSoon => e("groupbuy_open.error.too_soon"),
        Mistake::TooFar => e("groupbuy_open.error.too_far"),
        Mistake::PickupBeforeDeadline => e("groupbuy_open.error.pickup_before_deadline"),
        Mistake::Place => e("groupbuy_open.error.place"),
    }
}

/// "3号楼群（3号楼）", "帝湖大群（全社区）"; a group without a title is named by its place.
pub fn group_label(lang: Lang, group: &Group, buildings: &[Named]) -> String {
    let l = lang.code();
    let (_, building, title, _) = group;
    let place = match building.and_then(|id| buildings.iter().find(|b| b.id == id)) {
        Some(b) => b.label(lang).to_owned(),
        None => t!("groupbuy_open.group.community", locale = l).into_owned(),
    };
    if title.trim().is_empty() {
        place
    } else {
        t!("groupbuy_open.group.label", locale = l, title = title.as_str(), place = place).into_owned()
    }
}

/// "10 户" / "30 份": a minimum in words.
pub fn minimum(lang: Lang, m: Minimum) -> String {
    match m.kind {
        MinKind::Households => crate::groupbuy::households(lang, m.count),
        MinKind::Units => crate::groupbuy::units(lang, m.count),
    }
}

/// The group message the draft will post, with a title line that has no number yet.
pub fn preview(lang: Lang, tz: chrono_tz::Tz, now: DateTime<Utc>, draft: &Draft) -> String {
    let minimum = draft.minimum.unwrap_or(Minimum { kind: MinKind::Households, count: 0 });
    let pickup = draft.pickup_place.clone().zip(draft.pickup_at);
    let buy = Buy {
        id: 0,
        community_id: 0,
        leader_id: 0,
        title: draft.title.clone(),
        household_cap: draft.household_cap,
        total_cap: draft.total_cap,
        min_kind: minimum.kind,
        min_count: minimum.count,
        deadline: millis(draft.deadline.unwrap_or(now)),
        delivery: draft.delivery.unwrap_or(Delivery::Door),
        pickup_place: pickup.as_ref().map(|(place, _)| place.clone()),
        pickup_at: pickup.map(|(_, at)| millis(at)),
        status: BuyStatus::Open,
        taken: 0,
        households: 0,
        tally_at: None,
        arrived_at: None,
        join_url: String::new(),
    };
    let items: Vec<Item> = draft
        .items
        .iter()
        .zip(1..)
        .map(|(i, id)| Item { id, name: i.name.clone(), unit: i.unit.clone(), price_fen: i.price_fen })
        .collect();
    let rendered = crate::groupbuy::tally::render(lang, tz, now, &buy, &items, &[], &[]);
    let body = rendered.split_once('\n').map_or("", |(_, rest)| rest);
    let title = t!("groupbuy_open.preview_title", locale = lang.code(), title = draft.title.as_str());
    format!("{title}\n{body}")
}
