//! The scheduler's work for temperatures. Every day at `morning_at` and `afternoon_at`
//! (settings) every account of a household isolated today gets the prompt — queued in one
//! statement (`outbox::enqueue_bulk`) — and two one-off jobs follow it: `remind_after`
//! later (1 h) the accounts of households where someone has not reported are reminded,
//! naming who; `officials_after` later (2 h) each community's officials get the list of
//! who has not reported, per building, with addresses.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use rust_i18n::t;
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use crate::health::temperature::model::{Slot, SlotOf};
use crate::health::temperature::store::read::{self, MissingInBuilding};
use crate::health::temperature::view;
use crate::i18n::Lang;
use crate::jobs::{schedule, to_payload, BoxFuture, JobCtx, NewJob, Recurrence, Registry};
use crate::outbox::{self, OutMessage};
use crate::{App, Result};

pub const PROMPT: &str = "temperature.prompt";
pub const REMIND: &str = "temperature.remind";
pub const MISSING: &str = "temperature.missing";

pub fn register(registry: Registry) -> Registry {
    registry.register(PROMPT, prompt).register(REMIND, remind).register(MISSING, missing)
}

/// The recurring prompt's payload: which slot it opens.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct PromptJob {
    pub slot: Slot,
}

/// The follow-ups' payload: the slot they check.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct SlotJob {
    pub day: NaiveDate,
    pub slot: Slot,
}

/// `Slice::setup`: the two daily prompts (idempotent: one unique key each).
pub fn setup<'c>(conn: &'c mut SqliteConnection, app: &'c App) -> BoxFuture<'c, Result<()>> {
    Box::pin(async move {
        let (now, tz, h) = (app.now(), app.settings.timezone, &app.settings.health);
        for (slot, at) in [(Slot::Morning, &h.morning_at), (Slot::Afternoon, &h.afternoon_at)] {
            let key = format!("{PROMPT}.{}", slot.code());
            if let Some(mut job) = NewJob::recurring(PROMPT, Recurrence::daily(at, tz), now, key) {
                job.payload = to_payload(&PromptJob { slot });
                schedule(conn, now, &job).await?;
            }
        }
        Ok(())
    })
}

/// Queues the prompt of `slot` on the community day of `due` to every account of a
/// household isolated that day, in one statement, and schedules the slot's reminder and
/// officials' list. Returns how many were queued (the benchmark's figure).
pub async fn send_prompts(conn: &mut SqliteConnection, app: &App, now: DateTime<Utc>, at: SlotOf) -> Result<u64> {
    let ids = read::isolated_account_ids(conn, at.day).await?;
    if ids.is_empty() {
        return Ok(0);
    }
    let fever = app.settings.health.fever_tenths;
    let message = |lang: Lang| {
        let text = t!("temperature.prompt.text", locale = lang.code(), slot = view::slot_label(lang, at));
        OutMessage::text(text).keyboard(view::prompt_keyboard(lang, at, fever))
    };
    let queued =
        outbox::enqueue_bulk(conn, now, &ids, &message(Lang::ZhCn), &message(Lang::En), outbox::Options::default())
            .await?;
    let h = &app.settings.health;
    let payload = to_payload(&SlotJob { day: at.day, slot: at.slot });
    for (kind, after) in [(REMIND, h.remind_after), (MISSING, h.officials_after)] {
        let mut job = NewJob::once(kind, now + after, payload.clone());
        job.unique_key = Some(format!("{kind}.{}.{}", at.day, at.slot.code()));
        schedule(conn, now, &job).await?;
    }
    Ok(queued)
}

fn prompt(conn: &mut SqliteConnection, ctx: JobCtx, payload: serde_json::Value) -> BoxFuture<'_, Result<()>> {
    Box::pin(async move {
        let PromptJob { slot } = crate::jobs::payload(PROMPT, payload)?;
        // The day it was due, so a late run prompts for the slot it was meant for.
        let at = SlotOf { day: ctx.app.day_at(ctx.due_at), slot };
        let queued = send_prompts(conn, &ctx.app, ctx.now, at).await?;
        tracing::info!(queued, ?slot, "temperature prompts queued");
        Ok(())
    })
}

/// The accounts of each household with someone missing get one reminder naming them.
fn remind(conn: &mut SqliteConnection, ctx: JobCtx, payload: serde_json::Value) -> BoxFuture<'_, Result<()>> {
    Box::pin(async move {
        let SlotJob { day, slot } = crate::jobs::payload(REMIND, payload)?;
        let at = SlotOf { day, slot };
        let mut names: BTreeMap<(i64, String), Vec<String>> = BTreeMap::new();
        for m in read::missing(conn, None, at).await? {
            names.entry((m.building_id, m.household)).or_default().push(m.name);
        }
        if names.is_empty() {
            return Ok(());
        }
        let mut accounts: BTreeMap<(i64, String), Vec<i64>> = BTreeMap::new();
        for a in read::isolated_accounts(conn, day).await? {
            accounts.entry((a.building_id, a.household)).or_default().push(a.user_id);
        }
        // One statement per household (its names differ), not one per account.
        for (household, missing) in names {
            let Some(ids) = accounts.get(&household) else { continue };
            let message = |lang: Lang| {
                let joined = missing.join(separator(lang));
                let text =
                    t!("temperature.reminder", locale = lang.code(), slot = view::slot_label(lang, at), names = joined);
                OutMessage::text(text).keyboard(view::prompt_keyboard(lang, at, ctx.app.settings.health.fever_tenths))
            };
            outbox::enqueue_bulk(
                conn,
                ctx.now,
                ids,
                &message(Lang::ZhCn),
                &message(Lang::En),
                outbox::Options::default(),
            )
            .await?;
        }
        Ok(())
    })
}

/// Each community's officials get who has not reported, per building, with addresses.
fn missing(conn: &mut SqliteConnection, ctx: JobCtx, payload: serde_json::Value) -> BoxFuture<'_, Result<()>> {
    Box::pin(async move {
        let SlotJob { day, slot } = crate::jobs::payload(MISSING, payload)?;
        let at = SlotOf { day, slot };
        // The lists are composed in SQL with the reader's separator: one query per language.
        let mut lists: HashMap<(i64, Lang), Vec<MissingInBuilding>> = HashMap::new();
        for lang in Lang::ALL {
            for b in read::missing_by_building(conn, None, at, separator(lang)).await? {
                lists.entry((b.community_id, lang)).or_default().push(b);
            }
        }
        let communities: BTreeSet<i64> = lists.keys().map(|(c, _)| *c).collect();
        for community in communities {
            for (official, lang) in crate::people::read::officials_of(conn, community, &ctx.app.settings.admins).await?
            {
                let Some(list) = lists.get(&(community, lang)) else { continue };
                let text = missing_list(lang, at, list);
                outbox::enqueue(conn, ctx.now, official, OutMessage::text(text), outbox::Options::default()).await?;
            }
        }
        Ok(())
    })
}

/// How names are joined in a list: "王芳、王小明" / "Wang Fang, Wang Xiaoming".
pub fn separator(lang: Lang) -> &'static str {
    if lang == Lang::ZhCn {
        "、"
    } else {
        ", "
    }
}

/// "11月29日上午未上报体温：3 人（按楼栋）\n3号楼\n· 2单元301 王芳、王小明\n…"
pub fn missing_list(lang: Lang, at: SlotOf, list: &[MissingInBuilding]) -> String {
    let count: i64 = list.iter().map(|b| b.missing).sum();
    let mut text =
        t!("temperature.missing.header", locale = lang.code(), slot = view::slot_label(lang, at), count = count)
            .into_owned();
    for b in list {
        text.push('\n');
        text.push_str(b.building(lang));
        text.push('\n');
        text.push_str(&b.lines);
    }
    text
}
