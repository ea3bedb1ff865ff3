//! The dialogue that records an isolation: an official marks any household of their
//! community, a resident declares their own (an official then confirms it).
//!
//! ```text
//! official → /isolate
//! bot      → 哪一栋楼？ [1号楼] [2号楼] …            (a resident starts at the kind)
//! official → (taps 3号楼)
//! bot      → 几单元几室？例如：2单元301
//! official → 2单元301
//! bot      → 这个地址登记了 2 人。哪一种？ [居家隔离] [居家健康监测] [封控楼栋]
//! official → (taps 居家隔离)
//! bot      → 从哪天开始？ [今天 11月29日] [昨天 11月28日]   (or a typed date)
//! official → (taps 今天)
//! bot      → 隔离多少天？ [7天 至12月5日] [14天 至12月12日] [21天 至12月19日] (or the last day)
//! official → 12月12日
//! bot      → 请确认：3号楼 2单元301 · 居家隔离 · 11月29日–12月12日（14天） [确认] [取消]
//! official → (taps 确认)
//! bot      → 已标记，已通知该户 2 人。        (they are told in their language)
//! ```
//! Every step checks again that the person may do it (roles can change mid-dialogue), and
//! a button is taken only in the step that showed it.

use chrono::{Duration, NaiveDate};
use rust_i18n::t;
use serde::{Deserialize, Serialize};
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::bot::keyboard::{button, cancel_button, confirm_cancel, paged};
use crate::bot::reply::{ack, end_not_allowed, refuse, replace_with, say, say_with};
use crate::bot::{Ctx, HandlerResult, State, Work};
use crate::health::isolation::buttons::Cb;
use crate::health::isolation::model::{self, Kind, LENGTHS};
use crate::health::isolation::store::{self, Marked, NewIsolation};
use crate::health::isolation::tell::{decision_keyboard, tell_household};
use crate::health::isolation::view;
use crate::i18n::Lang;
use crate::outbox::{self, OutMessage};
use crate::people::model::{household_key, UnitRoom};
use crate::people::read as people;
use crate::shifts::view::day_label;
use crate::App;

/// The isolation slice's dialogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Flow {
    pub by: By,
    pub step: Step,
    pub draft: Draft,
}

impl crate::bot::state::SliceFlow for Flow {
    const SLICE: &'static str = "Isolation";
}

/// Who is recording it: an official for a household of `community_id`, or a resident for
/// their own (their registered address).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum By {
    Official { community_id: i64 },
    Resident,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    Building { page: u16 },
    UnitRoom,
    Kind,
    Start,
    End,
    Confirm,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub building_id: Option<i64>,
    pub building: Option<(String, String)>,
    pub unit_room: Option<String>,
    pub kind: Option<Kind>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
}

impl Draft {
    fn address(&self, lang: Lang) -> String {
        let building = self.building.as_ref().map(|(zh, en)| lang.pick(zh, en)).unwrap_or_default();
        format!("{building} {}", self.unit_room.as_deref().unwrap_or_default())
    }
}

/// `/isolate`: an official starts at the building.
pub async fn start_official(bot: &Bot, app: &App, ctx: &Ctx, community_id: i64) -> HandlerResult {
    let flow = Flow { by: By::Official { community_id }, step: Step::Building { page: 0 }, draft: Draft::default() };
    Work::save_state(app, ctx, &State::of(&flow)).await?;
    ask(bot, app, ctx, None, &flow).await
}

/// "Declare home isolation" from `/isolation`: the address is the resident's own.
pub async fn start_resident(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(r) = ctx.roles.resident.as_ref() else {
        return refuse(bot, q, t!("isolation.not_registered", locale = l)).await;
    };
    let mut conn = app.pool.acquire().await?;
    if let Some(open) = store::open_of(&mut conn, ctx.user_id).await? {
        drop(conn);
        ack(bot, q).await?;
        return say(bot, ctx, t!("isolation.already_open", locale = l, isolation = view::of(ctx.lang, &open))).await;
    }
    drop(conn);
    ack(bot, q).await?;
    let draft = Draft {
        building_id: Some(r.building_id),
        building: Some((r.building.clone(), r.building_en.clone())),
        unit_room: Some(r.unit_room.clone()),
        ..Draft::default()
    };
    let flow = Flow { by: By::Resident, step: Step::Kind, draft };
    Work::save_state(app, ctx, &State::of(&flow)).await?;
    ask(bot, app, ctx, None, &flow).await
}

/// May this person still take this dialogue's steps?
fn allowed(ctx: &Ctx, by: By) -> bool {
    match by {
        By::Official { community_id } => ctx.roles.is_official_of(community_id),
        By::Resident => ctx.roles.resident.is_some(),
    }
}

/// The question of the flow's step (in place of the tapped message when `q` is a page turn).
async fn ask(bot: &Bot, app: &App, ctx: &Ctx, q: Option<&CallbackQuery>, flow: &Flow) -> HandlerResult {
    let (lang, l) = (ctx.lang, ctx.lang.code());
    let today = app.today();
    let row = |b: Vec<InlineKeyboardButton>| b;
    match flow.step {
        Step::Building { page } => {
            let By::Official { community_id } = flow.by else { return Ok(()) };
            let items = people::buildings(&app.pool, community_id)
                .await?
                .into_iter()
                .map(|b| (b.label(lang).to_owned(), Cb::Building(b.id)))
                .collect();
            let kb = paged(lang, items, page, Cb::BuildingPage);
            match q {
                Some(q) => replace_with(bot, ctx, q, t!("isolation.ask.building", locale = l), kb).await,
                None => say_with(bot, ctx, t!("isolation.ask.building", locale = l), kb).await,
            }
        }
        Step::UnitRoom => {
            let kb = InlineKeyboardMarkup::new(vec![vec![cancel_button(lang)]]);
            say_with(bot, ctx, t!("isolation.ask.unit_room", locale = l, address = flow.draft.address(lang)), kb).await
        }
        Step::Kind => {
            let mut rows: Vec<Vec<InlineKeyboardButton>> =
                Kind::ALL.iter().map(|k| row(vec![button(view::kind(lang, *k), Cb::ChooseKind(*k))])).collect();
            rows.push(vec![cancel_button(lang)]);
            let text = t!("isolation.ask.kind", locale = l, address = flow.draft.address(lang));
            say_with(bot, ctx, text, InlineKeyboardMarkup::new(rows)).await
        }
        Step::Start => {
            let day = |back: u16| today - Duration::days(i64::from(back));
            let rows = vec![
                vec![
                    button(t!("isolation.today", locale = l, day = day_label(lang, day(0))), Cb::Start(0)),
                    button(t!("isolation.yesterday", locale = l, day = day_label(lang, day(1))), Cb::Start(1)),
                ],
                vec![cancel_button(lang)],
            ];
            say_with(bot, ctx, t!("isolation.ask.start", locale = l), InlineKeyboardMarkup::new(rows)).await
        }
        Step::End => {
            let start = flow.draft.starts_on.unwrap_or(today);
            let mut rows: Vec<Vec<InlineKeyboardButton>> = LENGTHS
                .iter()
                .filter(|d| model::end_after(start, **d) >= today)
                .map(|d| {
                    let end = day_label(lang, model::end_after(start, *d));
                    vec![button(t!("isolation.length", locale = l, days = d, end = end), Cb::Length(*d))]
                })
                .collect();
            rows.push(vec![cancel_button(lang)]);
            let text = t!("isolation.ask.end", locale = l, start = day_label(lang, start));
            say_with(bot, ctx, text, InlineKeyboardMarkup::new(rows)).await
        }
        Step::Confirm => {
            let d = &flow.draft;
            let (Some(kind), Some(start), Some(end)) = (d.kind, d.starts_on, d.ends_on) else { return Ok(()) };
            let summary = view::summary(lang, &d.address(lang), kind, start, end);
            let key = match flow.by {
                By::Official { .. } => "isolation.ask.confirm",
                By::Resident => "isolation.ask.confirm_declare",
            };
            say_with(bot, ctx, t!(key, locale = l, summary = summary), confirm_cancel(lang, Cb::Confirm)).await
        }
    }
}

/// Moves the dialogue on: saves the new step, then asks its question.
async fn advance(bot: &Bot, app: &App, ctx: &Ctx, flow: Flow) -> HandlerResult {
    Work::save_state(app, ctx, &State::of(&flow)).await?;
    ask(bot, app, ctx, None, &flow).await
}

/// A message typed during the dialogue.
pub async fn on_message(bot: &Bot, app: &App, ctx: &Ctx, text: Option<&str>, mut flow: Flow) -> HandlerResult {
    let (lang, l) = (ctx.lang, ctx.lang.code());
    if !allowed(ctx, flow.by) {
        return end_not_allowed(bot, app, ctx).await;
    }
    let today = app.today();
    let text = text.unwrap_or_default();
    match flow.step {
        Step::UnitRoom => match UnitRoom::parse(text) {
            Err(e) => {
                say(bot, ctx, crate::people::view::invalid(lang, e)).await?;
                ask(bot, app, ctx, None, &flow).await
            }
            Ok(unit_room) => {
                let building_id = flow.draft.building_id.unwrap_or_default();
                let mut conn = app.pool.acquire().await?;
                if let Some(open) = store::open_at(&mut conn, building_id, &household_key(unit_room.as_str())).await? {
                    drop(conn);
                    Work::save_state(app, ctx, &State::Idle).await?;
                    let text = t!("isolation.already_open", locale = l, isolation = view::of(lang, &open));
                    let kb = InlineKeyboardMarkup::new(vec![vec![button(
                        t!("isolation.open_household", locale = l),
                        Cb::Household(open.id),
                    )]]);
                    return say_with(bot, ctx, text, kb).await;
                }
                let registered =
                    store::residents_at(&mut conn, building_id, &household_key(unit_room.as_str())).await?;
                drop(conn);
                flow.draft.unit_room = Some(unit_room.as_str().to_owned());
                let note = match registered.len() {
                    0 => t!("isolation.nobody_registered", locale = l).into_owned(),
                    n => t!("isolation.registered_here", locale = l, people = crate::i18n::people(lang, n as i64))
                        .into_owned(),
                };
                say(bot, ctx, note).await?;
                advance(bot, app, ctx, Flow { step: Step::Kind, ..flow }).await
            }
        },
        Step::Start => match model::parse_date(text, today).and_then(|d| model::check_start(d, today)) {
            Err(e) => {
                say(bot, ctx, view::period_error(lang, e)).await?;
                ask(bot, app, ctx, None, &flow).await
            }
            Ok(start) => {
                flow.draft.starts_on = Some(start);
                advance(bot, app, ctx, Flow { step: Step::End, ..flow }).await
            }
        },
        Step::End => {
            let start = flow.draft.starts_on.unwrap_or(today);
            match model::parse_date(text, today).and_then(|d| model::check_end(start, d, today)) {
                Err(e) => {
                    say(bot, ctx, view::period_error(lang, e)).await?;
                    ask(bot, app, ctx, None, &flow).await
                }
                Ok(end) => {
                    flow.draft.ends_on = Some(end);
                    advance(bot, app, ctx, Flow { step: Step::Confirm, ..flow }).await
                }
            }
        }
        Step::Building { .. } | Step::Kind | Step::Confirm => say(bot, ctx, t!("common.use_buttons", locale = l)).await,
    }
}

/// A tap on one of the dialogue's buttons (`flow` is the stored dialogue, if any).
pub async fn on_tap(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, cb: Cb, flow: Option<Flow>) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(mut flow) = flow else { return refuse(bot, q, t!("common.stale_button", locale = l)).await };
    if !allowed(ctx, flow.by) {
        ack(bot, q).await?;
        return end_not_allowed(bot, app, ctx).await;
    }
    let today = app.today();
    match (flow.step, cb) {
        (Step::Building { .. }, Cb::BuildingPage(page)) => {
            ack(bot, q).await?;
            let flow = Flow { step: Step::Building { page }, ..flow };
            Work::save_state(app, ctx, &State::of(&flow)).await?;
            ask(bot, app, ctx, Some(q), &flow).await
        }
        (Step::Building { .. }, Cb::Building(id)) => {
            let By::Official { community_id } = flow.by else { return Ok(()) };
            let Some(b) = people::building_in(&app.pool, id, community_id).await? else {
                return refuse(bot, q, t!("common.stale_button", locale = l)).await;
            };
            ack(bot, q).await?;
            flow.draft.building_id = Some(b.id);
            flow.draft.building = Some((b.name.clone(), b.name_en.clone()));
            advance(bot, app, ctx, Flow { step: Step::UnitRoom, ..flow }).await
        }
        (Step::Kind, Cb::ChooseKind(kind)) => {
            ack(bot, q).await?;
            flow.draft.kind = Some(kind);
            advance(bot, app, ctx, Flow { step: Step::Start, ..flow }).await
        }
        (Step::Start, Cb::Start(back)) if back <= 1 => {
            ack(bot, q).await?;
            flow.draft.starts_on = Some(today - Duration::days(i64::from(back)));
            advance(bot, app, ctx, Flow { step: Step::End, ..flow }).await
        }
        (Step::End, Cb::Length(days)) if LENGTHS.contains(&days) => {
            let start = flow.draft.starts_on.unwrap_or(today);
            let Ok(end) = model::check_end(start, model::end_after(start, days), today) else {
                return refuse(bot, q, t!("common.stale_button", locale = l)).await;
            };
            ack(bot, q).await?;
            flow.draft.ends_on = Some(end);
            advance(bot, app, ctx, Flow { step: Step::Confirm, ..flow }).await
        }
        (Step::Confirm, Cb::Confirm) => confirm(bot, app, ctx, q, flow).await,
        _ => refuse(bot, q, t!("common.stale_button", locale = l)).await,
    }
}

/// Records it: the isolation, the end of the dialogue and the messages it causes commit
/// together.
async fn confirm(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, flow: Flow) -> HandlerResult {
    let (lang, l) = (ctx.lang, ctx.lang.code());
    let d = &flow.draft;
    let (Some(building_id), Some(unit_room), Some(kind), Some(starts_on), Some(ends_on)) =
        (d.building_id, d.unit_room.as_deref(), d.kind, d.starts_on, d.ends_on)
    else {
        return refuse(bot, q, t!("common.stale_button", locale = l)).await;
    };
    let community_id = match flow.by {
        By::Official { community_id } => community_id,
        By::Resident => ctx.roles.resident.as_ref().map(|r| r.community_id).unwrap_or_default(),
    };
    let resident = matches!(flow.by, By::Resident).then_some(ctx.user_id);
    let new = NewIsolation {
        community_id,
        building_id,
        unit_room,
        kind,
        starts_on,
        ends_on,
        declared_by: resident,
        decided_by: resident.is_none().then_some(ctx.user_id),
    };
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let id = match store::mark(&mut work, now, &new).await? {
        Marked::Created(id) => id,
        Marked::AlreadyOpen(open) => {
            drop(work);
            Work::save_state(app, ctx, &State::Idle).await?;
            ack(bot, q).await?;
            return say(bot, ctx, t!("isolation.already_open", locale = l, isolation = view::of(lang, &open))).await;
        }
        Marked::NoSuchBuilding => {
            drop(work);
            Work::save_state(app, ctx, &State::Idle).await?;
            return refuse(bot, q, t!("common.stale_button", locale = l)).await;
        }
    };
    let Some(iso) = store::get(&mut work, id).await? else { return Ok(()) };
    let reply = match flow.by {
        By::Official { .. } => {
            let told = tell_household(&mut work, app, now, &iso, "isolation.told.marked").await?;
            t!(
                "isolation.marked",
                locale = l,
                isolation = view::of(lang, &iso),
                people = crate::i18n::people(lang, told)
            )
        }
        By::Resident => {
            for (official, olang) in people::officials_of(&mut work, community_id, &app.settings.admins).await? {
                let text = t!(
                    "isolation.declared_alert",
                    locale = olang.code(),
                    name = ctx.display_name.as_str(),
                    isolation = view::of(olang, &iso)
                );
                let kb = decision_keyboard(olang, iso.id);
                work.notify(official, OutMessage::text(text).keyboard(kb), outbox::Options::default()).await?;
            }
            t!("isolation.declared", locale = l, isolation = view::of(lang, &iso))
        }
    };
    work.set_state(ctx, &State::Idle).await?;
    work.commit().await?;
    ack(bot, q).await?;
    say(bot, ctx, reply).await
}
