//! Officials keep their checkpoints and shift templates current in chat:
//! `/checkpoints` lists them; `/addcheckpoint 名称` adds one; `/addshift 序号 08:00 16:00 2 1`
//! adds a shift template to checkpoint no. 序号 (capacity 2, at least 1 party member or
//! experienced volunteer) and creates its shifts for the coming week; `/editshift 编号 容量
//! 党员数` changes a template and its future shifts (never below the places already taken).

use rust_i18n::t;
use teloxide::prelude::*;

use crate::bot::reply::say;
use crate::bot::Work;
use crate::bot::{Ctx, HandlerResult};
use crate::clock::millis;
use crate::community::parse_hhmm;
use crate::people::scope::Scope;
use crate::shifts::jobs::DAYS_AHEAD;
use crate::shifts::store;
use crate::App;

fn hhmm(minutes: i64) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

pub async fn list(bot: &Bot, app: &App, ctx: &Ctx, scope: &Scope) -> HandlerResult {
    let l = ctx.lang.code();
    let checkpoints = store::checkpoints(&app.pool, scope.community_id).await?;
    let mut text = scope.titled(ctx.lang, t!("shifts.setup.header", locale = l, community = scope.label(ctx.lang)));
    for (n, (_, name, templates)) in checkpoints.iter().enumerate() {
        text.push_str(&format!("\n\n{}. {name}", n + 1));
        for (tid, start, end, capacity, min_senior) in templates {
            text.push('\n');
            text.push_str(&t!(
                "shifts.setup.template",
                locale = l,
                id = tid,
                start = hhmm(*start),
                end = hhmm(*end),
                capacity = capacity,
                min_senior = min_senior
            ));
        }
    }
    text.push_str("\n\n");
    text.push_str(&t!("shifts.setup.usage", locale = l));
    for chunk in crate::outbox::message::split_lines(&text, crate::outbox::message::TEXT_LIMIT) {
        say(bot, ctx, chunk).await?;
    }
    Ok(())
}

pub async fn add_checkpoint(bot: &Bot, app: &App, ctx: &Ctx, scope: &Scope, name: &str) -> HandlerResult {
    let l = ctx.lang.code();
    let name = name.trim();
    let text = if name.is_empty() || name.chars().count() > 40 {
        t!("shifts.setup.usage", locale = l)
    } else if save_checkpoint(app, ctx, scope.community_id, name).await? {
        t!("shifts.setup.checkpoint_added", locale = l, name = name)
    } else {
        t!("shifts.setup.checkpoint_exists", locale = l, name = name)
    };
    say(bot, ctx, scope.titled(ctx.lang, text)).await
}

/// "2 08:00 16:00 2 1" → (checkpoint no., start, end, capacity, min_senior).
pub fn parse_add_shift(args: &str) -> Option<(usize, i64, i64, i64, i64)> {
    let parts: Vec<&str> = args.split_whitespace().collect();
    let [n, start, end, capacity, min_senior] = parts.as_slice() else { return None };
    let (n, capacity, min_senior): (usize, i64, i64) =
        (n.parse().ok()?, capacity.parse().ok()?, min_senior.parse().ok()?);
    let (start, end) = (parse_hhmm(&start.replace('：', ":"))?, parse_hhmm(&end.replace('：', ":"))?);
    let valid = n >= 1 && (1..=20).contains(&capacity) && (0..=capacity).contains(&min_senior);
    valid.then_some((n, start, end, capacity, min_senior))
}

pub async fn add_shift(bot: &Bot, app: &App, ctx: &Ctx, scope: &Scope, args: &str) -> HandlerResult {
    let l = ctx.lang.code();
    let Some((n, start, end, capacity, min_senior)) = parse_add_shift(args) else {
        return say(bot, ctx, scope.titled(ctx.lang, t!("shifts.setup.usage", locale = l))).await;
    };
    // "序号" is the number in this community's /checkpoints list.
    let checkpoints = store::checkpoints(&app.pool, scope.community_id).await?;
    let Some((checkpoint_id, name, _)) = checkpoints.get(n - 1) else {
        return say(bot, ctx, scope.titled(ctx.lang, t!("shifts.setup.no_such_checkpoint", locale = l, n = n))).await;
    };
    // The template and the shifts it makes for the coming days commit together.
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let added = store::add_template(&mut work, *checkpoint_id, start, end, capacity, min_senior).await?;
    let tz = app.settings.timezone;
    store::generate(&mut work, now, now.with_timezone(&tz).date_naive(), DAYS_AHEAD, tz).await?;
    work.commit().await?;
    if !added {
        return say(bot, ctx, scope.titled(ctx.lang, t!("shifts.setup.template_exists", locale = l))).await;
    }
    let text = t!(
        "shifts.setup.template_added",
        locale = l,
        checkpoint = name.as_str(),
        start = hhmm(start),
        end = hhmm(end),
        capacity = capacity,
        min_senior = min_senior
    );
    say(bot, ctx, scope.titled(ctx.lang, text)).await
}

async fn save_checkpoint(app: &App, ctx: &Ctx, community_id: i64, name: &str) -> crate::Result<bool> {
    let mut work = Work::begin(app, ctx).await?;
    let added = store::add_checkpoint(&mut work, community_id, name).await?;
    work.commit().await?;
    Ok(added)
}

pub async fn edit_shift(bot: &Bot, app: &App, ctx: &Ctx, scope: &Scope, args: &str) -> HandlerResult {
    let l = ctx.lang.code();
    let parts: Vec<i64> = args.split_whitespace().filter_map(|p| p.parse().ok()).collect();
    let [template, capacity, min_senior] = parts.as_slice() else {
        return say(bot, ctx, scope.titled(ctx.lang, t!("shifts.setup.usage", locale = l))).await;
    };
    if !(1..=20).contains(capacity) || !(0..=*capacity).contains(min_senior) {
        return say(bot, ctx, scope.titled(ctx.lang, t!("shifts.setup.usage", locale = l))).await;
    }
    // Only a template of the community acted on (the id may be mistyped, or on purpose).
    if store::template_community(&app.pool, *template).await? != Some(scope.community_id) {
        let text = t!("shifts.setup.no_such_template", locale = l, id = template);
        return say(bot, ctx, scope.titled(ctx.lang, text)).await;
    }
    let mut work = Work::begin(app, ctx).await?;
    let now = millis(work.now);
    let kept = store::edit_template(&mut work, *template, *capacity, *min_senior, now).await?;
    work.commit().await?;
    say(bot, ctx, scope.titled(ctx.lang, t!("shifts.setup.template_edited", locale = l, id = template, kept = kept)))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_shift_arguments() {
        assert_eq!(parse_add_shift("2 08:00 16:00 2 1"), Some((2, 480, 960, 2, 1)));
        assert_eq!(parse_add_shift("1 16：00 00:00 4 1"), Some((1, 960, 0, 4, 1)), "full-width colon");
        for bad in
            ["", "2 08:00 16:00 2", "0 08:00 16:00 2 1", "1 8:00 16:00 2 1", "1 08:00 16:00 2 3", "1 08:00 16:00 0 0"]
        {
            assert_eq!(parse_add_shift(bad), None, "{bad:?}");
        }
    }
}
