//! The fever alert's button (the temperature slice alerts the community's officials; the
//! alert carries [安排就医帮助] from [`super::medical_help_button`]). An official of the
//! resident's community opens an urgent medical-help errand for that household on the
//! resident's behalf: paged as any medical help, the resident told help is being
//! arranged. One at a time per household (the unique index): a second tap, or an open
//! medical errand already there, says so instead.

use rust_i18n::t;
use teloxide::prelude::*;

use crate::bot::reply::{ack, refuse, say};
use crate::bot::{Ctx, HandlerResult, Work};
use crate::health::errands::model::Kind;
use crate::health::errands::page;
use crate::health::errands::store::{self, NewErrand};
use crate::outbox::{self, OutMessage, Priority};
use crate::App;

pub async fn open(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, resident_id: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let roles = crate::people::read::load_roles(&app.pool, resident_id, false).await?;
    let Some(resident) = roles.resident else { return refuse(bot, q, t!("common.stale_button", locale = l)).await };
    if !ctx.roles.is_official_of(resident.community_id) {
        return refuse(bot, q, t!("errands.medical.only_officials", locale = l)).await;
    }
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let new = NewErrand {
        community_id: resident.community_id,
        building_id: resident.building_id,
        unit_room: &resident.unit_room,
        requester: resident_id,
        opened_by: ctx.user_id,
        kind: Kind::Medical,
        note: "",
    };
    let household = crate::people::model::household_key(&resident.unit_room);
    let already = store::open_medical(&mut work, resident.building_id, &household).await?.is_some();
    let created = if already { None } else { store::create(&mut work, now, &new).await? };
    let Some(id) = created else {
        work.commit().await?;
        return refuse(bot, q, t!("errands.medical_already_open", locale = l)).await;
    };
    page::page(&mut work, app, now, id).await?;
    let lang = crate::people::read::lang_of(&mut work, resident_id).await?;
    let told = t!("errands.medical.arranged", locale = lang.code(), id = id);
    let opts = outbox::Options { priority: Priority::Urgent, subject: None, paid: false };
    work.notify(resident_id, OutMessage::text(told), opts).await?;
    work.commit().await?;
    ack(bot, q).await?;
    let address = format!("{} {}", resident.building_label(ctx.lang), resident.unit_room);
    say(bot, ctx, t!("errands.medical.opened", locale = l, id = id, address = address)).await
}
