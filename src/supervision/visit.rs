//! A checkpoint on the round: its card (what the shift data says, tonight's visit so far)
//! and the one-tap record; recording any visit and telling the officials of a problem.
//!
//! ```text
//! official → (taps 北门 in /round)
//! bot      → 北门（帝湖社区）
//!            班次：在岗 2/2 人 · 有党员或骨干
//!            今晚：未查
//!            [✅ 在岗 2 人，有党员或骨干] [人数不同：1 3 4 5] [在岗，但无党员或骨干] [❗ 有问题]
//! official → (taps ✅)
//! bot      → 已记录：北门 ✅ 在岗 2 人，有党员或骨干。   (a second visit: "已更正，替换了 20:40 的记录")
//!            … the list, the next checkpoint not yet visited first
//! ```

use chrono::{DateTime, Utc};
use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::bot::keyboard::button;
use crate::bot::reply::{ack, refuse, say, say_with};
use crate::bot::{Ctx, HandlerResult, Work};
use crate::outbox::{self, OutMessage, Priority};
use crate::shifts::view::hhmm;
use crate::supervision::buttons::Cb;
use crate::supervision::list::{self, At};
use crate::supervision::model::{night_of, Outcome, ProblemKind};
use crate::supervision::store::{self, NewVisit, Recorded, Stop};
use crate::supervision::view;
use crate::App;

/// Counts offered besides the shift data's, for "a different number on duty".
const OTHER_COUNTS: std::ops::RangeInclusive<u16> = 1..=6;
/// A count above this is no tap of ours.
const MAX_PEOPLE: u16 = 99;

/// The checkpoint, if it exists and this person runs its community.
pub async fn authorised(app: &App, ctx: &Ctx, checkpoint_id: i64) -> crate::Result<Option<Stop>> {
    let now = app.now();
    let mut conn = app.pool.acquire().await?;
    let stop = store::stop(&mut conn, checkpoint_id, night_of(now, app.settings.timezone), now).await?;
    Ok(stop.filter(|s| ctx.roles.is_official_of(s.community_id)))
}

/// The checkpoint's card with the one-tap record, other counts, "no senior" and "problem".
pub async fn open(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, checkpoint_id: i64) -> HandlerResult {
    let (lang, l) = (ctx.lang, ctx.lang.code());
    let Some(stop) = authorised(app, ctx, checkpoint_id).await? else {
        return refuse(bot, q, t!("people.not_allowed", locale = l)).await;
    };
    ack(bot, q).await?;
    let text = t!(
        "supervision.card",
        locale = l,
        name = view::name(lang, &stop),
        community = view::community(lang, &stop),
        duty = view::duty(lang, &stop.duty),
        visit = view::visit(lang, stop.visit.as_ref(), app.settings.timezone)
    );
    let (people, _) = stop.duty.suggested();
    let people = u16::try_from(people).unwrap_or(MAX_PEOPLE).min(MAX_PEOPLE);
    let mut rows: Vec<Vec<InlineKeyboardButton>> = Vec::new();
    if people > 0 {
        let label = t!("supervision.on_duty_button", locale = l, people = people);
        rows.push(vec![button(label, Cb::OnDuty { checkpoint_id, people })]);
    }
    let counts: Vec<InlineKeyboardButton> = OTHER_COUNTS
        .filter(|n| *n != people)
        .map(|n| {
            button(t!("supervision.count_button", locale = l, people = n), Cb::OnDuty { checkpoint_id, people: n })
        })
        .collect();
    rows.push(counts);
    rows.push(vec![button(t!("supervision.no_senior_button", locale = l), Cb::NoSenior { checkpoint_id, people })]);
    rows.push(vec![button(t!("supervision.problem_button", locale = l), Cb::Problem(checkpoint_id))]);
    let mut text = text.into_owned();
    if people == 0 {
        text.push('\n');
        text.push_str(&t!("supervision.pick_count", locale = l));
    }
    say_with(bot, ctx, text, InlineKeyboardMarkup::new(rows)).await
}

/// [✅ 在岗 n 人] or [在岗，但无党员或骨干]: recorded at once.
pub async fn one_tap(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    q: &CallbackQuery,
    checkpoint_id: i64,
    people: u16,
    outcome: Outcome,
) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(stop) = authorised(app, ctx, checkpoint_id).await?.filter(|_| people <= MAX_PEOPLE) else {
        return refuse(bot, q, t!("people.not_allowed", locale = l)).await;
    };
    let visit = Visit { outcome, people: i64::from(people), note: None, photo: None };
    let mut work = Work::begin(app, ctx).await?;
    let recorded = record(&mut work, app, ctx, &stop, &visit).await?;
    work.commit().await?;
    ack(bot, q).await?;
    confirm(bot, app, ctx, &stop, &visit, recorded).await
}

/// What the supervisor recorded.
#[derive(Debug, Clone)]
pub struct Visit {
    pub outcome: Outcome,
    pub people: i64,
    pub note: Option<String>,
    pub photo: Option<String>,
}

/// Records the visit on the caller's `Work` and, for a problem (not a repeat of the same
/// visit), alerts the community's officials at once — not the supervisor themself.
pub async fn record(work: &mut Work, app: &App, ctx: &Ctx, stop: &Stop, v: &Visit) -> crate::Result<Recorded> {
    let now = work.now;
    let new = NewVisit {
        checkpoint_id: stop.checkpoint_id,
        community_id: stop.community_id,
        night: night_of(now, app.settings.timezone),
        outcome: v.outcome,
        people: v.people,
        note: v.note.as_deref(),
        photo: v.photo.as_deref(),
        by: ctx.user_id,
    };
    let recorded = store::record(work, now, &new).await?;
    if let (Some(kind), false) = (v.outcome.problem(), recorded == Recorded::Unchanged) {
        alert(work, app, ctx, now, stop, kind, v).await?;
    }
    Ok(recorded)
}

async fn alert(
    work: &mut Work,
    app: &App,
    ctx: &Ctx,
    now: DateTime<Utc>,
    stop: &Stop,
    kind: ProblemKind,
    v: &Visit,
) -> crate::Result<()> {
    let officials = crate::people::read::officials_of(work, stop.community_id, &app.settings.admins).await?;
    for (official, lang) in officials.into_iter().filter(|(id, _)| *id != ctx.user_id) {
        let l = lang.code();
        let text = t!(
            "supervision.alert",
            locale = l,
            community = view::community(lang, stop),
            name = view::name(lang, stop),
            kind = view::kind(lang, kind),
            people = v.people,
            note = v.note.as_deref().unwrap_or("—"),
            by = ctx.display_name.as_str(),
            time = hhmm(now, app.settings.timezone)
        )
        .into_owned();
        let message = match &v.photo {
            Some(file_id) => OutMessage::photo(file_id.clone(), Some(text)),
            None => OutMessage::text(text),
        };
        let opts = outbox::Options { priority: Priority::Urgent, subject: None, paid: false };
        work.notify(official, message, opts).await?;
    }
    Ok(())
}

/// "Recorded" (or "corrected, replacing the visit at 20:40"), then the list at the next
/// checkpoint not yet visited.
pub async fn confirm(bot: &Bot, app: &App, ctx: &Ctx, stop: &Stop, v: &Visit, recorded: Recorded) -> HandlerResult {
    let (lang, l) = (ctx.lang, ctx.lang.code());
    let what = match v.outcome {
        Outcome::OnDuty => t!("supervision.recorded.on_duty", locale = l, people = v.people),
        Outcome::Problem(kind) => t!("supervision.recorded.problem", locale = l, kind = view::kind(lang, kind)),
    };
    let key = match recorded {
        Recorded::New => "supervision.recorded.new",
        Recorded::Replaced { .. } => "supervision.recorded.replaced",
        Recorded::Unchanged => "supervision.recorded.unchanged",
    };
    let earlier = match recorded {
        Recorded::Replaced { earlier } => hhmm(earlier, app.settings.timezone),
        _ => String::new(),
    };
    say(bot, ctx, t!(key, locale = l, name = view::name(lang, stop), what = what, earlier = earlier)).await?;
    list::list(bot, app, ctx, None, At::After(stop.checkpoint_id)).await
}
