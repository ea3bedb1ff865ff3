//! Officials keep their checkpoints and shift templates current in chat:
//! `/checkpoints` lists them (a button per checkpoint opens it, to set its location:
//! `checkpoint`); `/addcheckpoint 名称 | English name` adds one (the English name after a
//! bar is optional: one command, no extra step); `/addshift 序号 08:00 16:00 2 1` adds a
//! shift template to checkpoint no. 序号 (capacity 2, at least 1 party member or
//! experienced volunteer) and creates its shifts for the coming week; `/editshift 编号 容量
//! 党员数` changes a template and its future shifts (never below the places already taken).

use rust_i18n::t;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

use crate::bot::keyboard::button;
use crate::bot::reply::{say, say_with};
use crate::bot::Work;
use crate::bot::{Ctx, HandlerResult};
use crate::clock::millis;
use crate::community::parse_hhmm;
use crate::people::scope::Scope;
use crate::shifts::buttons::Cb;
use crate::shifts::jobs::DAYS_AHEAD;
use crate::shifts::store;
use crate::shifts::view;
use crate::App;

/// Telegram allows 100 buttons in a message.
const MAX_BUTTONS: usize = 100;
const MAX_NAME: usize = 40;

pub fn hhmm(minutes: i64) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

pub async fn list(bot: &Bot, app: &App, ctx: &Ctx, scope: &Scope) -> HandlerResult {
    let l = ctx.lang.code();
    let checkpoints = store::checkpoints(&app.pool, scope.community_id).await?;
    let mut text = scope.titled(ctx.lang, t!("shifts.setup.header", locale = l, community = scope.label(ctx.lang)));
    let mut rows = Vec::new();
    for (n, c) in checkpoints.iter().enumerate() {
        let located = if c.latitude.is_some() { t!("shifts.setup.location_mark", locale = l) } else { "".into() };
        text.push_str(&format!("\n\n{}. {}{located}", n + 1, c.name(ctx.lang)));
        for (tid, start, end, capacity, min_senior) in &c.templates {
            text.push('\n');
            text.push_str(&t!(
                "shifts.setup.template",
                locale = l,
                id = tid,
                start = hhmm(*start),
                end = hhmm(*end),
                staffing = view::staffing(ctx.lang, *capacity, *min_senior)
            ));
        }
        if rows.len() < MAX_BUTTONS {
            rows.push(vec![button(format!("{}. {}{located}", n + 1, c.name(ctx.lang)), Cb::Checkpoint(c.id))]);
        }
    }
    text.push_str("\n\n");
    text.push_str(&t!("shifts.setup.usage", locale = l));
    let chunks = crate::outbox::message::split_lines(&text, crate::outbox::message::TEXT_LIMIT);
    let last = chunks.len().saturating_sub(1);
    for (i, chunk) in chunks.into_iter().enumerate() {
        if i == last && !rows.is_empty() {
            say_with(bot, ctx, chunk, InlineKeyboardMarkup::new(rows.clone())).await?;
        } else {
            say(bot, ctx, chunk).await?;
        }
    }
    Ok(())
}

/// "南门 | South Gate" → ("南门", Some("South Gate")); `None` when a name is empty or long.
pub fn parse_checkpoint_name(args: &str) -> Option<(String, Option<String>)> {
    let (name, en) = match args.split_once(['|', '｜']) {
        Some((name, en)) => (name.trim(), Some(en.trim())),
        None => (args.trim(), None),
    };
    let fits = |s: &str| !s.is_empty() && s.chars().count() <= MAX_NAME;
    if !fits(name) || en.is_some_and(|en| !fits(en)) {
        return None;
    }
    Some((name.to_owned(), en.map(str::to_owned)))
}

pub async fn add_checkpoint(bot: &Bot, app: &App, ctx: &Ctx, scope: &Scope, args: &str) -> HandlerResult {
    let l = ctx.lang.code();
    let Some((name, name_en)) = parse_checkpoint_name(args) else {
        return say(bot, ctx, scope.titled(ctx.lang, t!("shifts.setup.usage", locale = l))).await;
    };
    let mut work = Work::begin(app, ctx).await?;
    let added = store::add_checkpoint(&mut work, scope.community_id, &name, name_en.as_deref()).await?;
    work.commit().await?;
    let shown = match (ctx.lang, &name_en) {
        (crate::i18n::Lang::En, Some(en)) => en.as_str(),
        _ => name.as_str(),
    };
    let text = if added {
        t!("shifts.setup.checkpoint_added", locale = l, name = shown)
    } else {
        t!("shifts.setup.checkpoint_exists", locale = l, name = shown)
    };
    say(bot, ctx, scope.titled(ctx.lang, text)).await
}

/// `/addshift` arguments: checkpoint no., start and end minutes, capacity, min_senior.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewShift {
    pub n: usize,
    pub start: i64,
    pub end: i64,
    pub capacity: i64,
    pub min_senior: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddShiftError {
    /// Not the shape of the usage line.
    Usage,
    /// Start and end at the same minute: a typo far more often than a 24-hour shift.
    SameTimes(i64),
}

/// "2 08:00 16:00 2 1".
pub fn parse_add_shift(args: &str) -> Result<NewShift, AddShiftError> {
    let parts: Vec<&str> = args.split_whitespace().collect();
    let [n, start, end, capacity, min_senior] = parts.as_slice() else { return Err(AddShiftError::Usage) };
    let number = |s: &str| s.parse::<i64>().ok();
    let time = |s: &str| parse_hhmm(&s.replace('：', ":"));
    let (Some(n), Some(capacity), Some(min_senior), Some(start), Some(end)) =
        (n.parse::<usize>().ok(), number(capacity), number(min_senior), time(start), time(end))
    else {
        return Err(AddShiftError::Usage);
    };
    if n < 1 || !(1..=20).contains(&capacity) || !(0..=capacity).contains(&min_senior) {
        return Err(AddShiftError::Usage);
    }
    if start == end {
        return Err(AddShiftError::SameTimes(start));
    }
    Ok(NewShift { n, start, end, capacity, min_senior })
}

pub async fn add_shift(bot: &Bot, app: &App, ctx: &Ctx, scope: &Scope, args: &str) -> HandlerResult {
    let l = ctx.lang.code();
    let new = match parse_add_shift(args) {
        Ok(new) => new,
        Err(AddShiftError::Usage) => {
            return say(bot, ctx, scope.titled(ctx.lang, t!("shifts.setup.usage", locale = l))).await;
        }
        Err(AddShiftError::SameTimes(at)) => {
            let text = format!(
                "{}\n\n{}",
                t!("shifts.setup.same_start_end", locale = l, at = hhmm(at)),
                t!("shifts.setup.usage", locale = l)
            );
            return say(bot, ctx, scope.titled(ctx.lang, text)).await;
        }
    };
    // "序号" is the number in this community's /checkpoints list.
    let checkpoints = store::checkpoints(&app.pool, scope.community_id).await?;
    let Some(checkpoint) = checkpoints.get(new.n - 1) else {
        let text = t!("shifts.setup.no_such_checkpoint", locale = l, n = new.n);
        return say(bot, ctx, scope.titled(ctx.lang, text)).await;
    };
    // The template and the shifts it makes for the coming days commit together.
    let mut work = Work::begin(app, ctx).await?;
    let now = work.now;
    let added = store::add_template(&mut work, checkpoint.id, new.start, new.end, new.capacity, new.min_senior).await?;
    let tz = app.settings.timezone;
    store::generate(&mut work, now, now.with_timezone(&tz).date_naive(), DAYS_AHEAD, tz).await?;
    work.commit().await?;
    if !added {
        return say(bot, ctx, scope.titled(ctx.lang, t!("shifts.setup.template_exists", locale = l))).await;
    }
    let text = t!(
        "shifts.setup.template_added",
        locale = l,
        checkpoint = checkpoint.name(ctx.lang),
        start = hhmm(new.start),
        end = hhmm(new.end),
        staffing = view::staffing(ctx.lang, new.capacity, new.min_senior)
    );
    say(bot, ctx, scope.titled(ctx.lang, text)).await
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
    let kept = if kept > 0 { view::kept(ctx.lang, i64::try_from(kept).unwrap_or(i64::MAX)) } else { String::new() };
    let text = t!("shifts.setup.template_edited", locale = l, id = template, kept = kept);
    say(bot, ctx, scope.titled(ctx.lang, text)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_shift_arguments() {
        let shift = |n, start, end, capacity, min_senior| Ok(NewShift { n, start, end, capacity, min_senior });
        assert_eq!(parse_add_shift("2 08:00 16:00 2 1"), shift(2, 480, 960, 2, 1));
        assert_eq!(parse_add_shift("1 16：00 00:00 4 1"), shift(1, 960, 0, 4, 1), "full-width colon");
        for bad in
            ["", "2 08:00 16:00 2", "0 08:00 16:00 2 1", "1 8:00 16:00 2 1", "1 08:00 16:00 2 3", "1 08:00 16:00 0 0"]
        {
            assert_eq!(parse_add_shift(bad), Err(AddShiftError::Usage), "{bad:?}");
        }
        assert_eq!(parse_add_shift("4 09:30 09:30 1 0"), Err(AddShiftError::SameTimes(570)), "not a 24-hour shift");
    }

    #[test]
    fn checkpoint_names_with_an_optional_english_name() {
        assert_eq!(parse_checkpoint_name(" 南门 "), Some(("南门".into(), None)));
        assert_eq!(parse_checkpoint_name("南门 | South Gate"), Some(("南门".into(), Some("South Gate".into()))));
        assert_eq!(parse_checkpoint_name("南门｜South Gate"), Some(("南门".into(), Some("South Gate".into()))));
        for bad in ["", " | South Gate", "南门 | ", &"长".repeat(41)] {
            assert_eq!(parse_checkpoint_name(bad), None, "{bad:?}");
        }
    }
}
