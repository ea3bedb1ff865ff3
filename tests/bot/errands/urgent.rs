//! Urgent medical help: paged at once to the officials and the volunteers on duty, again
//! every 10 minutes until someone claims it, then no more; the fever alert's button.

use linli::outbox::Priority;

use super::*;

/// The urgent pages queued for `chat` (texts), oldest first.
async fn pages(e: &Errands, chat: u64) -> Vec<String> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT message FROM outbox WHERE chat_id = ? AND priority = ? ORDER BY id")
            .bind(chat as i64)
            .bind(Priority::Urgent.value())
            .fetch_all(e.world.pool())
            .await
            .unwrap();
    let wanted = tr(ZH, "errands.page.urgent").split('：').next().unwrap().to_owned();
    rows.into_iter()
        .map(|(json,)| serde_json::from_str::<linli::outbox::OutMessage>(&json).unwrap())
        .filter_map(|m| match m.content {
            linli::outbox::Content::Text { text, .. } if text.starts_with(&wanted) => Some(text),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn urgent_medical_help_is_paged_every_ten_minutes_until_claimed_and_then_stops() {
    let e = errands().await;
    let id = e.ask(RES, Kind::Medical, None).await;
    assert_eq!(e.errand(id).await.0, "open");
    // At once: the official (with the address) and the volunteer on duty (building only);
    // not the volunteer off duty.
    let official = pages(&e, OFFICIAL).await;
    let on_duty = pages(&e, VOL1).await;
    assert_eq!((official.len(), on_duty.len()), (1, 1));
    assert!(official[0].contains("3号楼 2单元301"), "{}", official[0]);
    assert!(on_duty[0].contains("3号楼") && !on_duty[0].contains("2单元301"), "{}", on_duty[0]);
    assert!(pages(&e, VOL2).await.is_empty());
    assert_eq!(e.queued(VOL1).await.last().unwrap().1, vec![Cb::ClaimErrand(id)]);

    for minutes in [9, 1] {
        e.clock.advance(Duration::minutes(minutes));
        e.run_due_jobs().await;
    }
    assert_eq!(pages(&e, OFFICIAL).await.len(), 2, "paged again after 10 minutes");
    let again = pages(&e, VOL1).await.pop().unwrap();
    assert!(again.ends_with(&trf(ZH, "errands.page.again", &[("n", "2")])), "{again}");
    e.clock.advance(Duration::minutes(10));
    e.run_due_jobs().await;
    assert_eq!(pages(&e, OFFICIAL).await.len(), 3);

    // VOL2 (off duty, but a volunteer of the community) claims it from the list.
    let mut bot = e.bot(tap(VOL2, "zh", Cb::ClaimErrand(id)));
    bot.dispatch().await;
    assert_eq!(e.errand(id).await.0, "claimed");
    assert!(e.queued(RES).await.iter().any(|(t, _)| t.contains("User7102")), "the resident sees who is coming");
    for _ in 0..3 {
        e.clock.advance(Duration::minutes(10));
        e.run_due_jobs().await;
    }
    assert_eq!(pages(&e, OFFICIAL).await.len(), 3, "no page after the claim");
    assert_eq!(pages(&e, VOL1).await.len(), 3);
    let (pending,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM jobs WHERE kind = 'errands.page' AND status = 'pending'")
            .fetch_one(e.world.pool())
            .await
            .unwrap();
    assert_eq!(pending, 0, "the paging stopped");

    // Not done: open again and paged again at once.
    bot.update(tap(VOL2, "zh", Cb::ErrandDone(id)));
    bot.dispatch().await;
    bot.update(tap(RES, "zh", Cb::NotDone(id)));
    bot.dispatch().await;
    assert_eq!(pages(&e, OFFICIAL).await.len(), 4, "paging resumes when it was not done");
}

#[tokio::test]
async fn the_fever_button_opens_one_urgent_errand_for_the_household_and_only_for_its_officials() {
    let e = errands().await;
    // The button as the temperature slice's alert carries it.
    let button = linli::health::errands::medical_help_button(Lang::ZhCn, RES as i64);
    assert_eq!(button.text, tr(ZH, "errands.medical.button"));
    let teloxide::types::InlineKeyboardButtonKind::CallbackData(data) = &button.kind else { panic!("a callback") };
    assert_eq!(Cb::decode(data), Some(Cb::MedicalHelp(RES as i64)));

    // A volunteer, or an official of another community, is refused.
    let mut bot = e.bot(tap(VOL1, "zh", Cb::MedicalHelp(RES as i64)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "errands.medical.only_officials")));
    let (count,): (i64,) = sqlx::query_as("SELECT count(*) FROM errands").fetch_one(e.world.pool()).await.unwrap();
    assert_eq!(count, 0);

    bot.update(tap(OFFICIAL, "zh", Cb::MedicalHelp(RES as i64)));
    bot.dispatch().await;
    let id = e.last_errand().await;
    assert_eq!(
        last_text(&bot),
        trf(ZH, "errands.medical.opened", &[("id", &id.to_string()), ("address", "3号楼 2单元301")])
    );
    let (kind, urgent, requester, opened_by): (String, bool, i64, i64) =
        sqlx::query_as("SELECT kind, urgent, requester, opened_by FROM errands WHERE id = ?")
            .bind(id)
            .fetch_one(e.world.pool())
            .await
            .unwrap();
    assert_eq!((kind.as_str(), urgent, requester, opened_by), ("medical", true, RES as i64, OFFICIAL as i64));
    assert_eq!(e.queued(RES).await.last().unwrap().0, trf(ZH, "errands.medical.arranged", &[("id", &id.to_string())]));
    assert_eq!(pages(&e, VOL1).await.len(), 1, "paged like any medical help");

    // A second tap, or the resident asking too, makes no second one.
    bot.update(tap(OFFICIAL, "zh", Cb::MedicalHelp(RES as i64)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "errands.medical_already_open")));
    drop(bot); // one mock bot at a time
    e.ask(RES, Kind::Medical, None).await;
    let (count,): (i64,) = sqlx::query_as("SELECT count(*) FROM errands").fetch_one(e.world.pool()).await.unwrap();
    assert_eq!(count, 1);
}
