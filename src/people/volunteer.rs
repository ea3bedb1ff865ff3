//! A volunteer's profile after an invite (party member? experienced staff? skills), and
//! the officials' decision on it. Shift rules (issue 5) need the first two answers:
//! every shift needs at least one party member or experienced person.

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

use crate::bot::keyboard::{button, cancel_button};
use crate::bot::Work;
use crate::bot::{menu, Ctx, HandlerResult, State};
use crate::i18n::Lang;
use crate::outbox::{self, OutMessage};
use crate::people::buttons::Cb;
use crate::people::model::Skill;
use crate::people::scope::Scope;
use crate::people::{store, view, Flow, VolStep};
use crate::App;

fn yes_no_keyboard(lang: Lang, make: fn(bool) -> Cb) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![
        vec![button(view::yes_no(lang, true), make(true)), button(view::yes_no(lang, false), make(false))],
        vec![cancel_button(lang)],
    ])
}

fn skills_keyboard(lang: Lang, chosen: &[Skill]) -> InlineKeyboardMarkup {
    let mut rows: Vec<_> = Skill::ALL
        .iter()
        .map(|s| {
            let mark = if chosen.contains(s) { "✅ " } else { "" };
            vec![button(format!("{mark}{}", view::skill_name(lang, *s)), Cb::ToggleSkill(*s))]
        })
        .collect();
    rows.push(vec![button(t!("people.volunteer.skills_done", locale = lang.code()), Cb::Confirm)]);
    rows.push(vec![cancel_button(lang)]);
    InlineKeyboardMarkup::new(rows)
}

async fn save(
    app: &App,
    ctx: &Ctx,
    community_id: i64,
    step: VolStep,
    party: bool,
    experienced: bool,
    skills: Vec<Skill>,
) -> HandlerResult {
    let flow = Flow::Volunteer { community_id, step, party, experienced, skills };
    crate::bot::Work::save_state(app, ctx, &State::of(&flow)).await
}

/// The profile's first step, stored in the caller's transaction (the invite's redemption),
/// so a crash cannot leave a redeemed invite without its questions.
pub fn first_step(community_id: i64) -> State {
    State::of(&Flow::Volunteer {
        community_id,
        step: VolStep::Party,
        party: false,
        experienced: false,
        skills: Vec::new(),
    })
}

/// Welcomes a volunteer whose dialogue is at `first_step` and asks the first question.
pub async fn start_profile(bot: &Bot, app: &App, ctx: &Ctx, community_id: i64) -> HandlerResult {
    let community = store::community(&app.pool, community_id).await?.map(|c| c.label(ctx.lang).to_owned());
    let l = ctx.lang.code();
    let text = format!(
        "{}\n\n{}",
        t!("people.volunteer.welcome", locale = l, community = community.unwrap_or_default()),
        t!("people.volunteer.ask_party", locale = l)
    );
    view::say_with(bot, ctx, text, yes_no_keyboard(ctx.lang, Cb::PartyMember)).await
}

/// Something typed while the profile waits for a button: say so and ask the same
/// question again, with its buttons (the first asking may be far up the chat).
pub async fn ask_again(bot: &Bot, ctx: &Ctx, step: VolStep, skills: &[Skill]) -> HandlerResult {
    let l = ctx.lang.code();
    let (question, kb) = match step {
        VolStep::Party => (t!("people.volunteer.ask_party", locale = l), yes_no_keyboard(ctx.lang, Cb::PartyMember)),
        VolStep::Experienced => {
            (t!("people.volunteer.ask_experienced", locale = l), yes_no_keyboard(ctx.lang, Cb::Experienced))
        }
        VolStep::Skills => (t!("people.volunteer.ask_skills", locale = l), skills_keyboard(ctx.lang, skills)),
    };
    let text = format!("{}\n\n{question}", t!("people.volunteer.tap_below", locale = l));
    view::say_with(bot, ctx, text, kb).await
}

#[allow(clippy::too_many_arguments)]
pub async fn on_profile_callback(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    q: &CallbackQuery,
    cb: Cb,
    community_id: i64,
    step: VolStep,
    party: bool,
    experienced: bool,
    mut skills: Vec<Skill>,
) -> HandlerResult {
    let l = ctx.lang.code();
    match (cb, step) {
        (Cb::PartyMember(answer), VolStep::Party) => {
            save(app, ctx, community_id, VolStep::Experienced, answer, false, skills).await?;
            view::ack(bot, q).await?;
            view::say_with(
                bot,
                ctx,
                t!("people.volunteer.ask_experienced", locale = l),
                yes_no_keyboard(ctx.lang, Cb::Experienced),
            )
            .await
        }
        (Cb::Experienced(answer), VolStep::Experienced) => {
            save(app, ctx, community_id, VolStep::Skills, party, answer, Vec::new()).await?;
            view::ack(bot, q).await?;
            view::say_with(bot, ctx, t!("people.volunteer.ask_skills", locale = l), skills_keyboard(ctx.lang, &[]))
                .await
        }
        (Cb::ToggleSkill(skill), VolStep::Skills) => {
            if let Some(i) = skills.iter().position(|s| *s == skill) {
                skills.remove(i);
            } else {
                skills.push(skill);
                skills.sort();
            }
            save(app, ctx, community_id, VolStep::Skills, party, experienced, skills.clone()).await?;
            view::ack(bot, q).await?;
            if let Some(m) = &q.message {
                bot.edit_message_reply_markup(ctx.chat_id, m.id())
                    .reply_markup(skills_keyboard(ctx.lang, &skills))
                    .await?;
            }
            Ok(())
        }
        (Cb::Confirm, VolStep::Skills) => submit(bot, app, ctx, q, community_id, party, experienced, &skills).await,
        _ => view::refuse(bot, q, t!("common.stale_button", locale = l)).await,
    }
}

#[allow(clippy::too_many_arguments)]
async fn submit(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    q: &CallbackQuery,
    community_id: i64,
    party: bool,
    experienced: bool,
    skills: &[Skill],
) -> HandlerResult {
    let l = ctx.lang.code();
    let community = store::community(&app.pool, community_id).await?;
    // The application, the dialogue's end and the officials' notifications commit together.
    let mut work = Work::begin(app, ctx).await?;
    let officials = store::officials_of(&mut work, community_id, &app.settings.admins).await?;
    let submitted =
        store::submit_volunteer_profile(&mut work, ctx.user_id, community_id, party, experienced, skills).await?;
    work.set_state(ctx, &State::Idle).await?;
    if !submitted {
        work.commit().await?;
        return view::refuse(bot, q, t!("common.stale_button", locale = l)).await;
    }
    let reached = !officials.is_empty();
    for (official, lang) in officials {
        let community_name = community.as_ref().map(|c| c.label(lang).to_owned()).unwrap_or_default();
        let application = store::Application {
            user_id: ctx.user_id,
            name: ctx.display_name.clone(),
            community_id,
            party_member: party,
            experienced,
            skills: Skill::join(skills),
        };
        let (text, kb) = application_card(lang, &application, &community_name);
        work.notify(official, OutMessage::text(text).keyboard(kb), outbox::Options::default()).await?;
    }
    work.commit().await?;
    view::ack(bot, q).await?;
    if reached {
        view::say(bot, ctx, t!("people.volunteer.submitted", locale = l)).await
    } else {
        view::say(bot, ctx, t!("people.volunteer.submitted_no_officials", locale = l)).await
    }
}

/// An application as officials see it, with the decision buttons.
pub fn application_card(lang: Lang, a: &store::Application, community: &str) -> (String, InlineKeyboardMarkup) {
    let skills: Vec<String> = Skill::parse_list(&a.skills).into_iter().map(|s| view::skill_name(lang, s)).collect();
    let text = t!(
        "people.volunteer.application",
        locale = lang.code(),
        name = a.name.as_str(),
        community = community,
        party = view::yes_no(lang, a.party_member),
        experienced = view::yes_no(lang, a.experienced),
        skills = if skills.is_empty() { "—".to_owned() } else { skills.join("、") }
    )
    .into_owned();
    let kb = InlineKeyboardMarkup::new(vec![vec![
        button(
            t!("people.volunteer.approve", locale = lang.code()),
            Cb::Approve { user_id: a.user_id, community_id: a.community_id },
        ),
        button(
            t!("people.volunteer.reject", locale = lang.code()),
            Cb::Reject { user_id: a.user_id, community_id: a.community_id },
        ),
    ]]);
    (text, kb)
}

/// `/applications`: the volunteers waiting to join the community the official acts on.
pub async fn list_applications(bot: &Bot, app: &App, ctx: &Ctx, scope: &Scope) -> HandlerResult {
    let l = ctx.lang.code();
    const SHOWN: i64 = 10;
    let (pending, total) = store::pending_applications(&app.pool, &[scope.community_id], SHOWN).await?;
    if pending.is_empty() {
        return view::say(bot, ctx, scope.titled(ctx.lang, t!("people.volunteer.no_applications", locale = l))).await;
    }
    let header = t!("people.volunteer.applications_header", locale = l, shown = pending.len(), total = total);
    view::say(bot, ctx, scope.titled(ctx.lang, header)).await?;
    for a in &pending {
        let (text, kb) = application_card(ctx.lang, a, scope.label(ctx.lang));
        view::say_with(bot, ctx, text, kb).await?;
    }
    Ok(())
}

/// An official approves or rejects; only officials of that community, only once.
pub async fn decide(
    bot: &Bot,
    app: &App,
    ctx: &Ctx,
    q: &CallbackQuery,
    user_id: i64,
    community_id: i64,
    approve: bool,
) -> HandlerResult {
    let l = ctx.lang.code();
    if !ctx.roles.is_official_of(community_id) {
        return view::refuse(bot, q, t!("people.not_allowed", locale = l)).await;
    }
    if user_id == ctx.user_id {
        return view::refuse(bot, q, t!("people.volunteer.not_own", locale = l)).await;
    }
    let (name, their_lang) =
        crate::people::read::name_and_lang(&mut *app.pool.acquire().await?, user_id).await?.unwrap_or_default();
    let community =
        store::community(&app.pool, community_id).await?.map(|c| c.label(their_lang).to_owned()).unwrap_or_default();
    let tell = if approve {
        t!("people.volunteer.you_are_approved", locale = their_lang.code(), community = community.as_str())
    } else {
        t!("people.volunteer.you_are_rejected", locale = their_lang.code(), community = community.as_str())
    };
    // The decision and the volunteer's notification commit together.
    let mut work = Work::begin(app, ctx).await?;
    if !store::decide_volunteer(&mut work, user_id, community_id, approve, ctx.user_id).await? {
        drop(work); // nothing changed; never hold a transaction across a Telegram call
        return view::refuse(bot, q, t!("people.volunteer.already_decided", locale = l)).await;
    }
    work.notify(user_id, OutMessage::text(tell), outbox::Options::default()).await?;
    work.commit().await?;
    view::ack(bot, q).await?;
    let done = if approve {
        t!("people.volunteer.approved_by_you", locale = l, name = name.as_str())
    } else {
        t!("people.volunteer.rejected_by_you", locale = l, name = name.as_str())
    };
    view::say(bot, ctx, done).await?;
    if approve {
        let roles = store::load_roles(&app.pool, user_id, app.settings.is_admin(user_id)).await?;
        menu::refresh(bot, user_id, their_lang, &roles).await;
    }
    Ok(())
}
