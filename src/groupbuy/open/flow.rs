//! The `/groupbuy` dialogue: one question per step, typed answers read by `open::model`,
//! buttons where a few answers cover most cases. Nothing is written until the leader
//! publishes (`publish`); the draft lives in the dialogue state, so a restart keeps it.
//!
//! ```text
//! leader → /groupbuy
//! bot    → 第 1 步（共 8 步）：标题是什么？
//! leader → 周末蔬菜套餐
//! bot    → 第 2 步：有哪些商品？每行一件……
//! leader → 蔬菜套餐 58元/份
//!          鸡蛋 十五块
//! bot    → 第 2 行“鸡蛋 十五块”：没有找到价格。 第 2 步：有哪些商品？……
//! leader → 蔬菜套餐 58元/份
//!          鸡蛋 15元/盒
//! bot    → 第 3 步：每户最多几份？ [1 份] [2 份] [3 份] [5 份] [10 份]
//! leader → (taps 3 份) → 第 4 步：总量？ [不限量]        → 200
//! bot    → 第 5 步：成团条件？ [5 户] [10 户] [20 户] [30 份] → (taps 10 户)
//! bot    → 第 6 步：截止？ [今天 20:00] [明天 12:00] [明天 20:00] → 明天 18:00
//! bot    → 第 7 步：哪些群？ [⬜ 3号楼群（3号楼）] … [➡️ 选好了] → (taps, taps)
//! bot    → 第 8 步：怎么交货？ [🚪 送货上门] [📍 自提] → (taps 自提) → 东门 → 后天 9点
//! bot    → 请核对。群里会看到这样的消息：…… [✅ 确认发布] [✖️ 取消]
//! ```
//! Each step checks again that the person may still lead in the community, and a button
//! is taken only in the step that showed it.

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::bot::keyboard::{button, cancel_button, paged};
use crate::bot::reply::{ack, refuse, replace_with, say, say_with};
use crate::bot::{Ctx, HandlerResult, State, Work};
use crate::groupbuy::model::{Delivery, Minimum};
use crate::groupbuy::open::buttons::Cb;
use crate::groupbuy::open::model::{self, Choice, Mistake};
use crate::groupbuy::open::view::{self, Group};
use crate::groupbuy::open::{By, Draft, DraftItem, Flow, Step};
use crate::groupbuy::store;
use crate::i18n::dates::{at, hhmm};
use crate::people::model::Role;
use crate::people::scope;
use crate::App;

/// `/groupbuy`: an official on their community, or a volunteer allowed in theirs.
pub async fn start(bot: &Bot, app: &App, ctx: &Ctx) -> HandlerResult {
    let l = ctx.lang.code();
    let (community_id, by) = if ctx.roles.is_official_anywhere() {
        let Some(scope) = scope::require(bot, app, ctx).await? else { return Ok(()) };
        (scope.community_id, By::Official)
    } else {
        match ctx.roles.volunteer_community() {
            Some(c) if store::is_leader(&app.pool, ctx.user_id, c).await? => (c, By::Leader),
            _ => return say(bot, ctx, t!("groupbuy_open.not_leader", locale = l)).await,
        }
    };
    let mut conn = app.pool.acquire().await?;
    let groups = store::groups_of(&mut conn, community_id).await?;
    drop(conn);
    if groups.is_empty() {
        return say(bot, ctx, t!("groupbuy_open.no_groups", locale = l)).await;
    }
    let flow = Flow { community_id, by, step: Step::Title, draft: Draft::default() };
    advance(bot, app, ctx, flow, None).await
}

/// May this person still lead group buys in the flow's community?
pub async fn allowed(app: &App, ctx: &Ctx, flow: &Flow) -> crate::Result<bool> {
    let c = flow.community_id;
    Ok(match flow.by {
        By::Official => ctx.roles.is_official_of(c),
        By::Leader => ctx.roles.has_approved(Role::Volunteer, c) && store::is_leader(&app.pool, ctx.user_id, c).await?,
    })
}

/// The dialogue ends: the person may no longer lead here.
async fn end_not_leader(bot: &Bot, app: &App, ctx: &Ctx) -> HandlerResult {
    Work::save_state(app, ctx, &State::Idle).await?;
    say(bot, ctx, t!("groupbuy_open.not_leader", locale = ctx.lang.code())).await
}

/// Saves the flow and asks its step's question, after `lead` (a mistake) if any.
pub async fn advance(bot: &Bot, app: &App, ctx: &Ctx, flow: Flow, lead: Option<String>) -> HandlerResult {
    Work::save_state(app, ctx, &State::of(&flow)).await?;
    ask(bot, app, ctx, None, &flow, lead).await
}

fn with_lead(lead: Option<String>, question: impl Into<String>) -> String {
    match lead {
        Some(lead) => format!("{lead}\n\n{}", question.into()),
        None => question.into(),
    }
}

fn rows_with_cancel(ctx: &Ctx, mut rows: Vec<Vec<InlineKeyboardButton>>) -> InlineKeyboardMarkup {
    rows.push(vec![cancel_button(ctx.lang)]);
    InlineKeyboardMarkup::new(rows)
}

/// The linked groups of the community, labelled for this reader.
async fn groups(app: &App, ctx: &Ctx, community_id: i64) -> crate::Result<Vec<(Group, String)>> {
    let mut conn = app.pool.acquire().await?;
    let groups = store::groups_of(&mut conn, community_id).await?;
    drop(conn);
    let buildings = crate::people::read::buildings(&app.pool, community_id).await?;
    Ok(groups.into_iter().map(|g| (view::group_label(ctx.lang, &g, &buildings), g)).map(|(l, g)| (g, l)).collect())
}

/// The step's question with its buttons (`q`: a tap on the groups, redrawn in place).
pub async fn ask(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    q: Option<&CallbackQuery>,
    flow: &Flow,
    lead: Option<String>,
) -> HandlerResult {
    let (lang, l) = (ctx.lang, ctx.lang.code());
    let (now, tz) = (app.now(), app.settings.timezone);
    let d = &flow.draft;
    let (question, kb) = match flow.step {
        Step::Title => (t!("groupbuy_open.ask.title", locale = l), rows_with_cancel(ctx, vec![])),
        Step::Items => (t!("groupbuy_open.ask.items", locale = l), rows_with_cancel(ctx, vec![])),
        Step::HouseholdCap => {
            let caps = model::HOUSEHOLD_CAPS
                .iter()
                .map(|n| button(t!("groupbuy_open.button.units", locale = l, count = n), Cb::HouseholdCap(*n)))
                .collect();
            (t!("groupbuy_open.ask.household_cap", locale = l), rows_with_cancel(ctx, vec![caps]))
        }
        Step::TotalCap => {
            let none = vec![button(t!("groupbuy_open.button.no_total_cap", locale = l), Cb::NoTotalCap)];
            (t!("groupbuy_open.ask.total_cap", locale = l, per = d.household_cap), rows_with_cancel(ctx, vec![none]))
        }
        Step::Minimum => {
            let row = model::MINIMUMS
                .iter()
                .filter(|(kind, n)| {
                    model::check_minimum(Minimum { kind: *kind, count: i64::from(*n) }, d.total_cap).is_ok()
                })
                .map(|(kind, count)| {
                    let label = view::minimum(lang, Minimum { kind: *kind, count: i64::from(*count) });
                    button(label, Cb::Minimum { kind: *kind, count: *count })
                })
                .collect();
            (t!("groupbuy_open.ask.minimum", locale = l), rows_with_cancel(ctx, vec![row]))
        }
        Step::Deadline => {
            let row = model::deadline_choices(now, tz)
                .into_iter()
                .map(|(choice, when)| {
                    let key = match choice {
                        Choice::Tonight => "groupbuy_open.button.today",
                        Choice::TomorrowNoon | Choice::TomorrowEvening => "groupbuy_open.button.tomorrow",
                    };
                    button(t!(key, locale = l, time = hhmm(when, tz)), Cb::Deadline(crate::clock::millis(when)))
                })
                .collect();
            (t!("groupbuy_open.ask.deadline", locale = l), rows_with_cancel(ctx, vec![row]))
        }
        Step::Groups { page } => {
            let groups = groups(app, ctx, flow.community_id).await?;
            if groups.is_empty() {
                Work::save_state(app, ctx, &State::Idle).await?;
                return say(bot, ctx, t!("groupbuy_open.no_groups", locale = l)).await;
            }
            let items = groups
                .iter()
                .map(|((chat, ..), label)| {
                    let on = d.chats.contains(chat);
                    let key = if on { "groupbuy_open.button.group_on" } else { "groupbuy_open.button.group_off" };
                    (t!(key, locale = l, group = label.as_str()).into_owned(), Cb::Group { chat: *chat, on: !on })
                })
                .collect();
            let mut kb = paged(lang, items, page, Cb::GroupsPage);
            let done = vec![
                button(t!("groupbuy_open.button.all_groups", locale = l), Cb::AllGroups),
                button(t!("groupbuy_open.button.groups_done", locale = l, count = d.chats.len()), Cb::GroupsDone),
            ];
            let at = kb.inline_keyboard.len().saturating_sub(1);
            kb.inline_keyboard.insert(at, done);
            let question = with_lead(lead, t!("groupbuy_open.ask.groups", locale = l));
            return match q {
                Some(q) => replace_with(bot, ctx, q, question, kb).await,
                None => say_with(bot, ctx, question, kb).await,
            };
        }
        Step::Delivery => {
            let row = vec![
                button(t!("groupbuy_open.button.door", locale = l), Cb::Delivery(Delivery::Door)),
                button(t!("groupbuy_open.button.pickup", locale = l), Cb::Delivery(Delivery::Pickup)),
            ];
            (t!("groupbuy_open.ask.delivery", locale = l), rows_with_cancel(ctx, vec![row]))
        }
        Step::PickupPlace => (t!("groupbuy_open.ask.pickup_place", locale = l), rows_with_cancel(ctx, vec![])),
        Step::PickupTime => {
            let deadline = at(lang, d.deadline.unwrap_or(now), now, tz);
            (t!("groupbuy_open.ask.pickup_time", locale = l, deadline = deadline), rows_with_cancel(ctx, vec![]))
        }
        Step::Confirm => {
            let chosen: Vec<String> = groups(app, ctx, flow.community_id)
                .await?
                .into_iter()
                .filter(|((chat, ..), _)| d.chats.contains(chat))
                .map(|(_, label)| label)
                .collect();
            let preview = view::preview(lang, tz, now, d);
            let question = t!(
                "groupbuy_open.ask.confirm",
                locale = l,
                preview = preview,
                groups = chosen.join(lang.pick("、", ", "))
            );
            let kb = InlineKeyboardMarkup::new(vec![vec![
                button(t!("groupbuy_open.button.publish", locale = l), Cb::Publish),
                cancel_button(lang),
            ]]);
            (question, kb)
        }
    };
    say_with(bot, ctx, with_lead(lead, question), kb).await
}

/// The answer typed at a step: the next step, or the mistake and the same question.
pub async fn on_message(bot: &Bot, app: &App, ctx: &Ctx, text: Option<&str>, mut flow: Flow) -> HandlerResult {
    if !allowed(app, ctx, &flow).await? {
        return end_not_leader(bot, app, ctx).await;
    }
    let (now, tz) = (app.now(), app.settings.timezone);
    let Some(text) = text else {
        let lead = t!("groupbuy_open.error.text_only", locale = ctx.lang.code()).into_owned();
        return ask(bot, app, ctx, None, &flow, Some(lead)).await;
    };
    let d = &mut flow.draft;
    let next: Result<Step, Mistake> = match flow.step {
        Step::Title => model::parse_title(text).map(|title| {
            d.title = title;
            Step::Items
        }),
        Step::Items => model::parse_items(text).map(|items| {
            d.items =
                items.into_iter().map(|i| DraftItem { name: i.name, unit: i.unit, price_fen: i.price_fen }).collect();
            Step::HouseholdCap
        }),
        Step::HouseholdCap => model::parse_household_cap(text).map(|cap| {
            d.household_cap = cap;
            Step::TotalCap
        }),
        Step::TotalCap => model::parse_total_cap(text, d.household_cap).map(|total| {
            d.total_cap = total;
            Step::Minimum
        }),
        Step::Minimum => model::parse_minimum(text).and_then(|m| {
            model::check_minimum(m, d.total_cap)?;
            d.minimum = Some(m);
            Ok(Step::Deadline)
        }),
        Step::Deadline => model::parse_at(text, now, tz).and_then(|when| {
            model::check_deadline(when, now)?;
            d.deadline = Some(when);
            Ok(Step::Groups { page: 0 })
        }),
        Step::PickupPlace => model::parse_place(text).map(|place| {
            d.pickup_place = Some(place);
            Step::PickupTime
        }),
        Step::PickupTime => model::parse_at(text, now, tz).and_then(|when| {
            model::check_pickup(when, d.deadline.unwrap_or(now))?;
            d.pickup_at = Some(when);
            Ok(Step::Confirm)
        }),
        // Button steps: the buttons are the way.
        Step::Groups { .. } | Step::Delivery | Step::Confirm => {
            let lead = t!("common.use_buttons", locale = ctx.lang.code()).into_owned();
            return ask(bot, app, ctx, None, &flow, Some(lead)).await;
        }
    };
    match next {
        Ok(step) => {
            flow.step = step;
            advance(bot, app, ctx, flow, None).await
        }
        Err(mistake) => ask(bot, app, ctx, None, &flow, Some(view::mistake(ctx.lang, &mistake))).await,
    }
}

/// A button of the dialogue (not publish: `publish::confirm`).
pub async fn on_tap(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, cb: Cb, flow: Option<Flow>) -> HandlerResult {
    let l = ctx.lang.code();
    let stale = || t!("common.stale_button", locale = l).into_owned();
    let Some(mut flow) = flow else { return refuse(bot, q, stale()).await };
    if !allowed(app, ctx, &flow).await? {
        ack(bot, q).await?;
        return end_not_leader(bot, app, ctx).await;
    }
    let now = app.now();
    let d = &mut flow.draft;
    let next = match (flow.step, cb) {
        (Step::HouseholdCap, Cb::HouseholdCap(cap)) if model::HOUSEHOLD_CAPS.contains(&cap) => {
            d.household_cap = i64::from(cap);
            Step::TotalCap
        }
        (Step::TotalCap, Cb::NoTotalCap) => {
            d.total_cap = None;
            Step::Minimum
        }
        (Step::Minimum, Cb::Minimum { kind, count }) => {
            let m = Minimum { kind, count: i64::from(count) };
            if count == 0 || model::check_minimum(m, d.total_cap).is_err() {
                return refuse(bot, q, stale()).await;
            }
            d.minimum = Some(m);
            Step::Deadline
        }
        (Step::Deadline, Cb::Deadline(when)) => {
            let when = crate::clock::from_millis(when);
            if let Err(mistake) = model::check_deadline(when, now) {
                ack(bot, q).await?;
                return ask(bot, app, ctx, None, &flow, Some(view::mistake(ctx.lang, &mistake))).await;
            }
            d.deadline = Some(when);
            Step::Groups { page: 0 }
        }
        (Step::Groups { .. }, Cb::GroupsPage(page)) => {
            flow.step = Step::Groups { page };
            return redraw_groups(bot, app, ctx, q, flow).await;
        }
        (Step::Groups { .. }, Cb::Group { chat, on }) => {
            if d.chats.contains(&chat) == on {
                return refuse(bot, q, stale()).await;
            }
            let linked = groups(app, ctx, flow.community_id).await?;
            if on && !linked.iter().any(|((c, ..), _)| *c == chat) {
                return refuse(bot, q, stale()).await;
            }
            d.chats.retain(|c| *c != chat);
            if on {
                d.chats.push(chat);
            }
            return redraw_groups(bot, app, ctx, q, flow).await;
        }
        (Step::Groups { .. }, Cb::AllGroups) => {
            for ((chat, ..), _) in groups(app, ctx, flow.community_id).await? {
                if !d.chats.contains(&chat) {
                    d.chats.push(chat);
                }
            }
            return redraw_groups(bot, app, ctx, q, flow).await;
        }
        (Step::Groups { .. }, Cb::GroupsDone) => {
            if d.chats.is_empty() {
                return refuse(bot, q, t!("groupbuy_open.choose_a_group", locale = l)).await;
            }
            Step::Delivery
        }
        (Step::Delivery, Cb::Delivery(how)) => {
            d.delivery = Some(how);
            match how {
                Delivery::Door => {
                    d.pickup_place = None;
                    d.pickup_at = None;
                    Step::Confirm
                }
                Delivery::Pickup => Step::PickupPlace,
            }
        }
        _ => return refuse(bot, q, stale()).await,
    };
    flow.step = next;
    ack(bot, q).await?;
    advance(bot, app, ctx, flow, None).await
}

/// The groups' step again, in place of the tapped message.
async fn redraw_groups(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, flow: Flow) -> HandlerResult {
    Work::save_state(app, ctx, &State::of(&flow)).await?;
    ack(bot, q).await?;
    ask(bot, app, ctx, Some(q), &flow, None).await
}
