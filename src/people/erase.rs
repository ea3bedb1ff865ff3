//! "Delete all my data" (`/me`): the person, and what they still have open elsewhere.
//!
//! ```text
//! resident → [🗑 删除我的全部资料]
//! bot      → 确定要删除…？ 将取消您未完成的订单 1 个… 将释放您认领的班次 1 个…  [确定删除] [取消]
//! resident → [确定删除]  → officials: 有人删除了自己的资料…订单 #12（1号楼，已打包）已取消…
//! ```
//! Every slice's erase hook (`bot::slice::Erase`) runs in the deletion's one `Work`:
//! orders cancels open orders with their stock back, shifts frees held places. What must
//! stay for everyone else's counts moves to a fresh anonymous `users` row. The officials
//! of each community touched are told in the same transaction, in their language.
//!
//! The confirmation's figures come from running the very same erasure and rolling it
//! back, so what the person is told is what the tap will do (as of that moment).

use rust_i18n::t;

use crate::bot::slice::{self, Erasing, Erasure};
use crate::bot::{Ctx, Work};
use crate::i18n::Lang;
use crate::outbox::{self, OutMessage};
use crate::people::{read, store};
use crate::{App, Result};

/// Erases `user_id` on `work`: every slice's part, then the people slice's own rows.
pub async fn erase(work: &mut Work, app: &App, user_id: i64) -> Result<Vec<Erasure>> {
    let now = work.now;
    let anonymous_id = store::create_anonymous(work, now).await?;
    let erasures = slice::erase_all(work, app, Erasing { user_id, anonymous_id, now }).await?;
    store::delete_user(work, user_id, anonymous_id).await?;
    Ok(erasures)
}

/// What deleting would cancel or release now, one line per kind ("2 open orders …"),
/// for the confirmation. Nothing is changed: the erasure is rolled back.
pub async fn preview(app: &App, ctx: &Ctx) -> Result<Vec<String>> {
    let mut work = Work::begin(app, ctx).await?;
    let erasures = erase(&mut work, app, ctx.user_id).await?;
    // Dropping the Work rolls everything back.
    drop(work);
    let mut kinds: Vec<(&'static str, usize)> = Vec::new();
    for e in &erasures {
        match kinds.iter_mut().find(|(key, _)| *key == e.counted_as) {
            Some((_, n)) => *n += 1,
            None => kinds.push((e.counted_as, 1)),
        }
    }
    Ok(kinds.into_iter().map(|(key, count)| t!(key, locale = ctx.lang.code(), count = count).into_owned()).collect())
}

/// Tells the officials of every community the erasure touched what to act on: one
/// message each, in their language, queued on `work`.
pub async fn tell_officials(work: &mut Work, app: &App, erasures: &[Erasure]) -> Result<()> {
    let mut communities: Vec<i64> = erasures.iter().map(|e| e.community_id).collect();
    communities.sort_unstable();
    communities.dedup();
    for community in communities {
        let mine: Vec<&Erasure> = erasures.iter().filter(|e| e.community_id == community).collect();
        for (official, lang) in read::officials_of(work, community, &app.settings.admins).await? {
            work.notify(official, OutMessage::text(message(lang, &mine)), outbox::Options::default()).await?;
        }
    }
    Ok(())
}

fn message(lang: Lang, erasures: &[&Erasure]) -> String {
    let mut text = t!("people.erase.officials_header", locale = lang.code()).into_owned();
    for e in erasures {
        text.push('\n');
        text.push_str(&(e.line)(lang));
    }
    text
}
