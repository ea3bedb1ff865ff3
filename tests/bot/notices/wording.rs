//! What English readers see: one notice, one person, one group in the singular.

use super::*;

async fn in_english(t: &Town, user: u64) {
    sqlx::query("UPDATE users SET lang = 'en' WHERE id = ?").bind(user as i64).execute(t.world.pool()).await.unwrap();
}

#[tokio::test]
async fn english_readers_see_one_notice_and_one_person_in_the_singular() {
    let t = town().await;
    in_english(&t, OFFICIAL).await;
    let mut bot = t.world.bot(text(OFFICIAL, "en", "/help"));
    bot.dispatch().await;
    let b1 = Cb::NoticeScope { community_id: t.dihu, buildings: true };
    compose(&mut bot, "Water is off tomorrow 9-12.", RoleSel::Residents, b1, &[t.b1]).await;
    let count = trf(EN, "notices.preview_count", &[("people", "2 people"), ("groups", "0 groups")]);
    assert!(texts(&bot).contains(&count), "{:?}", texts(&bot));
    send_now(&mut bot).await;
    let id = notice_id(&t.world).await;

    // R2 reads English.
    bot.update(text(R2, "en", "/notices"));
    bot.dispatch().await;
    let header = texts(&bot).remove(0);
    assert_eq!(header, tr(EN, "notices.mine_header_one"));
    assert!(!header.contains('1'), "not “The 1 latest notices”: {header}");

    bot.update(tap(R1, "zh", Cb::Ack(id)));
    bot.dispatch().await;
    bot.update(tap(OFFICIAL, "en", Cb::NoticeResend(id)));
    bot.dispatch().await;
    let ask = trf(EN, "notices.resend_confirm", &[("id", &id.to_string()), ("people", "1 person")]);
    assert_eq!(last_text(&bot), ask);

    for body in ["Second notice.", "Third notice."] {
        compose(&mut bot, body, RoleSel::Residents, b1, &[t.b1]).await;
        send_now(&mut bot).await;
    }
    bot.update(text(R2, "en", "/notices"));
    bot.dispatch().await;
    assert_eq!(texts(&bot)[0], trf(EN, "notices.mine_header", &[("count", "3")]));
}
