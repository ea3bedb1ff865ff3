//! Which community an official acts on. An official of one community acts on it; an
//! administrator (every community) or an official of several acts on the one they chose,
//! remembered until they choose another — never a guess, because a `/freeze` or an
//! "accept all" on the wrong community is harm done to real households.
//!
//! ```text
//! admin → /orders
//! bot   → 您负责多个社区，请先选择要处理的社区，然后重新发送命令： [帝湖社区] [学府社区] …
//! admin → (taps 学府社区)
//! bot   → 📍 现在处理：学府社区 …
//! admin → /orders
//! bot   → 📍 学府社区 · /community 切换
//!         📦 学府社区 订单 …
//! admin → /community → [📍 学府社区] [帝湖社区] … (taps one to switch)
//! ```
//!
//! Handlers do not look this up: [`for_officials`] wraps a branch of the handler tree,
//! answers whoever is not an official or has not chosen yet, and injects a [`Scope`] into
//! the branch. A button that carries no community (accept all, pack all, the pick list,
//! the roster's days) acts on the scope, and only if its message was sent after the scope
//! was chosen: one from before a switch is refused instead of acting on the other
//! community. Buttons that carry an id (a shift, an order, a volunteer) are authorised on
//! that object's community ([`Scope::of`]).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use rust_i18n::t;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardMarkup, UpdateKind};

use crate::bot::keyboard::button;
use crate::bot::reply::{ack, refuse, say, say_with};
use crate::bot::{Ctx, HandlerResult, Work};
use crate::clock::from_millis;
use crate::i18n::Lang;
use crate::people::buttons::Cb;
use crate::people::store::{self, Named};
use crate::{App, Error};

/// The community an official's command acts on, injected into official handlers.
#[derive(Debug, Clone, PartialEq)]
pub struct Scope {
    pub community_id: i64,
    pub name: String,
    pub name_en: String,
    /// This person runs more than one community (so replies name the one they act on).
    pub several: bool,
    /// When they chose it (`None` when they run only this one).
    pub chosen_at: Option<DateTime<Utc>>,
}

impl Scope {
    fn new(community: &Named, several: bool, chosen_at: Option<i64>) -> Scope {
        Scope {
            community_id: community.id,
            name: community.name.clone(),
            name_en: community.name_en.clone(),
            several,
            chosen_at: chosen_at.map(from_millis),
        }
    }

    pub fn label(&self, lang: Lang) -> &str {
        lang.pick(&self.name, &self.name_en)
    }

    /// "📍 帝湖社区 · /community 切换" for someone who runs several communities; empty for
    /// an official of one, who has nothing to confuse and nothing to switch.
    pub fn header(&self, lang: Lang) -> String {
        if !self.several {
            return String::new();
        }
        t!("people.scope.header", locale = lang.code(), community = self.label(lang)).into_owned()
    }

    /// `body` under the header.
    pub fn titled(&self, lang: Lang, body: impl AsRef<str>) -> String {
        let header = self.header(lang);
        if header.is_empty() {
            body.as_ref().to_owned()
        } else {
            format!("{header}\n{}", body.as_ref())
        }
    }

    /// Whether a message sent at `sent` predates the choice of this scope: its buttons were
    /// about the community acted on before. Telegram dates are whole seconds.
    pub fn predates(&self, sent: Option<DateTime<Utc>>) -> bool {
        match (self.several, self.chosen_at) {
            (false, _) | (true, None) => false,
            (true, Some(chosen)) => sent.is_none_or(|sent| sent.timestamp() < chosen.timestamp()),
        }
    }

    /// The scope of an object's community (a shift, an order), only if this person runs it:
    /// how buttons that carry an id are authorised and name their community.
    pub async fn of(app: &App, ctx: &Ctx, community_id: i64) -> crate::Result<Option<Scope>> {
        if !ctx.roles.is_official_of(community_id) {
            return Ok(None);
        }
        let offices = store::offices(&app.pool, ctx.user_id, ctx.roles.admin).await?;
        let several = offices.len() > 1;
        Ok(offices.iter().find(|o| o.community.id == community_id).map(|o| Scope::new(&o.community, several, None)))
    }
}

/// Every community this person runs, and the one they act on (if resolved).
#[derive(Debug, Clone)]
pub struct Offices {
    pub communities: Vec<Named>,
    pub scope: Option<Scope>,
}

impl Offices {
    pub fn several(&self) -> bool {
        self.communities.len() > 1
    }
}

/// The communities this person runs and where they act; `None` when they are no official.
pub async fn resolve(app: &App, ctx: &Ctx) -> crate::Result<Option<Offices>> {
    if !ctx.roles.is_official_anywhere() {
        return Ok(None);
    }
    let offices = store::offices(&app.pool, ctx.user_id, ctx.roles.admin).await?;
    let several = offices.len() > 1;
    let scope = match offices.as_slice() {
        [only] => Some(Scope::new(&only.community, false, None)),
        // A remembered choice counts only while they still run that community (the join
        // marks it on their communities only).
        many => many.iter().find(|o| o.chosen_at.is_some()).map(|o| Scope::new(&o.community, several, o.chosen_at)),
    };
    Ok(Some(Offices { communities: offices.into_iter().map(|o| o.community).collect(), scope }))
}

/// What the filter found, injected into its branches.
#[derive(Debug, Clone)]
enum Found {
    NotOfficial,
    Offices(Offices),
    Failed(Arc<Error>),
}

async fn find(app: Arc<App>, ctx: Ctx) -> Found {
    match resolve(&app, &ctx).await {
        Ok(Some(offices)) => Found::Offices(offices),
        Ok(None) => Found::NotOfficial,
        Err(err) => Found::Failed(Arc::new(err)),
    }
}

/// For a button tap, when the message it is under was sent (`Some(None)`: a message too
/// old for Telegram to show it); `None` for anything but a tap.
fn button_sent(update: &Update) -> Option<Option<DateTime<Utc>>> {
    match &update.kind {
        UpdateKind::CallbackQuery(q) => Some(q.message.as_ref().and_then(|m| m.regular_message()).map(|m| m.date)),
        _ => None,
    }
}

impl Found {
    /// The scope to act on, unless the person must first be answered.
    fn acting(&self, update: &Update) -> Option<Scope> {
        let Found::Offices(Offices { scope: Some(scope), .. }) = self else { return None };
        match button_sent(update) {
            Some(sent) if scope.predates(sent) => None,
            _ => Some(scope.clone()),
        }
    }

    fn offices(&self) -> Option<Offices> {
        match self {
            Found::Offices(o) if !o.communities.is_empty() => Some(o.clone()),
            _ => None,
        }
    }
}

/// Wraps a branch of official commands or buttons (filter the command or button *before*
/// this, so that anything else falls through to other branches). Not an official → "only
/// officials"; several communities and no choice yet → the choice; a button from before a
/// switch → refused; otherwise `inner` runs with a [`Scope`].
pub fn for_officials(inner: UpdateHandler<Error>) -> UpdateHandler<Error> {
    dptree::map_async(find)
        .branch(dptree::filter_map(|found: Found, update: Update| found.acting(&update)).chain(inner))
        .branch(dptree::filter(|found: Found, update: Update| found.acting(&update).is_none()).endpoint(answer))
}

/// Like [`for_officials`] for views that start from the subdistrict (the roster): injects
/// [`Offices`] — every community this person runs and, if chosen, the scope — without
/// asking for a choice first.
pub fn with_offices(inner: UpdateHandler<Error>) -> UpdateHandler<Error> {
    dptree::map_async(find)
        .branch(dptree::filter_map(|found: Found| found.offices()).chain(inner))
        .branch(dptree::filter(|found: Found| found.offices().is_none()).endpoint(answer))
}

/// The answer when the wrapped branch cannot run.
async fn answer(bot: Bot, ctx: Ctx, update: Update, found: Found) -> HandlerResult {
    let l = ctx.lang.code();
    let q = match &update.kind {
        UpdateKind::CallbackQuery(q) => Some(q),
        _ => None,
    };
    let text = match found {
        Found::Failed(err) => return Err(Error::Shared(err)),
        Found::NotOfficial => t!("people.not_allowed", locale = l),
        Found::Offices(o) if o.communities.is_empty() => t!("people.no_communities_admin", locale = l),
        Found::Offices(Offices { scope: Some(scope), .. }) => {
            t!("people.scope.stale", locale = l, community = scope.label(ctx.lang))
        }
        Found::Offices(Offices { communities, scope: None }) => {
            if let Some(q) = q {
                ack(&bot, q).await?;
            }
            return ask(&bot, &ctx, &communities, None).await;
        }
    };
    match q {
        Some(q) => refuse(&bot, q, text).await,
        None => say(&bot, &ctx, text).await,
    }
}

/// For a handler that officials and others share (`/orderfor`): the scope of an official,
/// or `None` after answering them (no communities yet, or the choice to make first).
pub async fn require(bot: &Bot, app: &App, ctx: &Ctx) -> crate::Result<Option<Scope>> {
    let l = ctx.lang.code();
    match resolve(app, ctx).await? {
        None => say(bot, ctx, t!("people.not_allowed", locale = l)).await?,
        Some(Offices { scope: Some(scope), .. }) => return Ok(Some(scope)),
        Some(Offices { communities, .. }) if communities.is_empty() => {
            say(bot, ctx, t!("people.no_communities_admin", locale = l)).await?
        }
        Some(Offices { communities, .. }) => ask(bot, ctx, &communities, None).await?,
    }
    Ok(None)
}

/// The communities as buttons, the current one marked.
fn choices(communities: &[Named], lang: Lang, current: Option<i64>) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(
        communities
            .iter()
            .map(|c| {
                let label =
                    if Some(c.id) == current { format!("📍 {}", c.label(lang)) } else { c.label(lang).to_owned() };
                vec![button(label, Cb::UseCommunity(c.id))]
            })
            .collect::<Vec<_>>(),
    )
}

/// "Which community?" with a button for each.
pub async fn ask(bot: &Bot, ctx: &Ctx, communities: &[Named], current: Option<&Scope>) -> HandlerResult {
    let l = ctx.lang.code();
    let text = match current {
        Some(scope) => t!("people.scope.current", locale = l, community = scope.label(ctx.lang)),
        None => t!("people.scope.which", locale = l),
    };
    say_with(bot, ctx, text, choices(communities, ctx.lang, current.map(|s| s.community_id))).await
}

/// `/community`: the communities this person runs, to switch between.
pub async fn show(bot: &Bot, app: &App, ctx: &Ctx) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(offices) = resolve(app, ctx).await? else {
        return say(bot, ctx, t!("people.not_allowed", locale = l)).await;
    };
    match (offices.communities.as_slice(), &offices.scope) {
        ([], _) => say(bot, ctx, t!("people.no_communities_admin", locale = l)).await,
        ([only], _) => say(bot, ctx, t!("people.scope.only_one", locale = l, community = only.label(ctx.lang))).await,
        (many, Some(current)) => ask(bot, ctx, many, Some(current)).await,
        // Asked for the list itself: no "send your command again".
        (many, None) => say_with(bot, ctx, t!("people.scope.choose", locale = l), choices(many, ctx.lang, None)).await,
    }
}

/// Remembers `community_id` as where this person acts, if they run it.
pub async fn choose(app: &App, ctx: &Ctx, community_id: i64) -> crate::Result<Option<Scope>> {
    let Some(scope) = Scope::of(app, ctx, community_id).await? else { return Ok(None) };
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    store::choose_scope(&mut work, now, ctx.user_id, community_id).await?;
    work.commit().await?;
    Ok(Some(Scope { chosen_at: Some(now), ..scope }))
}

/// A tap on one of the choice buttons.
pub async fn on_use(bot: &Bot, app: &App, ctx: &Ctx, q: &CallbackQuery, community_id: i64) -> HandlerResult {
    let l = ctx.lang.code();
    let Some(scope) = choose(app, ctx, community_id).await? else {
        return refuse(bot, q, t!("people.not_allowed", locale = l)).await;
    };
    ack(bot, q).await?;
    say(bot, ctx, t!("people.scope.chosen", locale = l, community = scope.label(ctx.lang))).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(several: bool, chosen_at: Option<&str>) -> Scope {
        Scope {
            community_id: 2,
            name: "学府社区".into(),
            name_en: "Xuefu Community".into(),
            several,
            chosen_at: chosen_at.map(|s| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)),
        }
    }

    fn at(s: &str) -> Option<DateTime<Utc>> {
        Some(DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc))
    }

    #[test]
    fn only_someone_with_several_communities_sees_the_header() {
        assert_eq!(scope(false, None).titled(Lang::En, "x"), "x");
        let several = scope(true, Some("2026-11-27T00:00:00Z")).titled(Lang::En, "x");
        assert!(several.starts_with("📍 Xuefu Community") && several.ends_with("\nx"), "{several}");
    }

    #[test]
    fn a_button_from_before_the_choice_predates_it() {
        let s = scope(true, Some("2026-11-27T00:00:10.500Z"));
        assert!(s.predates(at("2026-11-27T00:00:09Z")));
        assert!(!s.predates(at("2026-11-27T00:00:10Z")), "the same second counts as after");
        assert!(!s.predates(at("2026-11-27T00:01:00Z")));
        assert!(s.predates(None), "a message too old to see");
        assert!(!scope(false, None).predates(None), "one community: nothing to confuse");
    }
}
