//! Officials' setup in chat: checkpoints and shift templates added and changed, a shift
//! that would start and end at the same time refused, a checkpoint's location set by
//! sharing or typing it.

use super::*;

#[tokio::test]
async fn officials_add_and_edit_checkpoints_and_shifts_in_chat() {
    let d = duty().await;
    let mut bot = d.bot(text(OFFICIAL, "zh", "/checkpoints"));
    bot.dispatch().await;
    let list = texts(&bot).join("\n");
    assert!(list.contains("1. 帝湖花园西王府门口") && list.contains("2. 东门"), "{list}");

    bot.update(text(OFFICIAL, "zh", "/addcheckpoint 南门"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(ZH, "shifts.setup.checkpoint_added", &[("name", "南门")]));
    for bad in ["/addshift 3 8:00 16:00 2 1", "/addshift 3 08:00 16:00 2 3", "/addshift"] {
        bot.update(text(OFFICIAL, "zh", bad));
        bot.dispatch().await;
        assert_eq!(last_text(&bot), tr(ZH, "shifts.setup.usage"), "{bad}");
    }
    bot.update(text(OFFICIAL, "zh", "/addshift 3 16:00 00:00 4 1"));
    bot.dispatch().await;
    assert!(last_text(&bot).starts_with("已为「南门」添加班次 16:00–00:00"), "{}", last_text(&bot));
    let (shifts,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM shifts s JOIN checkpoints c ON c.id = s.checkpoint_id WHERE c.name = '南门' AND s.capacity = 4",
    )
    .fetch_one(d.world.pool())
    .await
    .unwrap();
    assert!(shifts >= 7, "the coming week's shifts exist at once ({shifts})");

    // Shrinking a template never drops below the places already taken.
    bot.update(tap(PLAIN, "zh", Cb::ClaimShift(d.east)));
    bot.dispatch().await;
    let mut reply = bot;
    let (template,): (i64,) = sqlx::query_as("SELECT template_id FROM shifts WHERE id = ?")
        .bind(d.east)
        .fetch_one(d.world.pool())
        .await
        .unwrap();
    reply.update(text(OFFICIAL, "zh", &format!("/editshift {template} 1 0")));
    reply.dispatch().await;
    assert!(last_text(&reply).starts_with(&format!("班次 {template} 已修改")), "{}", last_text(&reply));
    let (capacity, taken): (i64, i64) = sqlx::query_as("SELECT capacity, taken FROM shifts WHERE id = ?")
        .bind(d.east)
        .fetch_one(d.world.pool())
        .await
        .unwrap();
    assert_eq!((capacity, taken), (1, 1));

    // Volunteers cannot change the setup.
    reply.update(text(PLAIN, "zh", &format!("/editshift {template} 9 0")));
    reply.dispatch().await;
    assert_eq!(last_text(&reply), tr(ZH, "people.not_allowed"));
}

#[tokio::test]
async fn a_shift_starting_and_ending_at_the_same_time_is_refused_with_the_usage() {
    let d = duty().await;
    let mut bot = d.bot(text(OFFICIAL, "zh", "/addshift 2 09:30 09:30 1 0"));
    bot.dispatch().await;
    let reply = last_text(&bot);
    assert_eq!(
        reply,
        format!("{}\n\n{}", trf(ZH, "shifts.setup.same_start_end", &[("at", "09:30")]), tr(ZH, "shifts.setup.usage"))
    );
    let (templates,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM shift_templates").fetch_one(d.world.pool()).await.unwrap();
    assert_eq!(templates, 2, "nothing added");
}

async fn location_of(d: &Duty, name: &str) -> (Option<f64>, Option<f64>, i64) {
    sqlx::query_as("SELECT latitude, longitude, radius_m FROM checkpoints WHERE name = ?")
        .bind(name)
        .fetch_one(d.world.pool())
        .await
        .unwrap()
}

pub(super) fn shared(id: u64, lat: f64, lon: f64) -> MockMessageLocation {
    MockMessageLocation::new()
        .latitude(lat)
        .longitude(lon)
        .from(user(id, "zh"))
        .chat(MockPrivateChat::new().id(id as i64).build())
}

#[tokio::test]
async fn an_official_sets_a_checkpoints_location_by_sharing_or_typing_it() {
    let d = duty().await;
    let mut bot = d.bot(text(OFFICIAL, "zh", "/checkpoints"));
    bot.dispatch().await;
    let (east_id,): (i64,) =
        sqlx::query_as("SELECT id FROM checkpoints WHERE name = '东门'").fetch_one(d.world.pool()).await.unwrap();
    assert!(buttons(&bot).contains(&Cb::Checkpoint(east_id)), "{:?}", buttons(&bot));
    // A volunteer cannot open it, let alone set it.
    for forged in [Cb::Checkpoint(east_id), Cb::SetLocation(east_id)] {
        bot.update(tap(PLAIN, "zh", forged));
        bot.dispatch().await;
        assert_eq!(alert(&bot), Some(tr(ZH, "people.not_allowed")), "{forged:?}");
    }
    bot.update(tap(OFFICIAL, "zh", Cb::Checkpoint(east_id)));
    bot.dispatch().await;
    assert!(last_text(&bot).contains(&tr(ZH, "shifts.setup.no_location")), "{}", last_text(&bot));
    assert_eq!(buttons(&bot), vec![Cb::SetLocation(east_id)]);
    bot.update(tap(OFFICIAL, "zh", Cb::SetLocation(east_id)));
    bot.dispatch().await;
    let question = trf(ZH, "shifts.setup.ask_location", &[("name", "东门")]);
    assert_eq!(last_text(&bot), question);

    // Not a location: the error, then the same question.
    for bad in ["东门外面", "34.75", "95, 113.59"] {
        bot.update(text(OFFICIAL, "zh", bad));
        bot.dispatch().await;
        let reply = last_text(&bot);
        let error = trf(ZH, "shifts.setup.bad_location", &[("min", "20"), ("max", "2000")]);
        assert_eq!(reply, format!("{error}\n\n{question}"), "{bad}");
    }
    assert_eq!(location_of(&d, "东门").await, (None, None, 200));

    // Shared from the map: saved, then the radius is asked (kept with "Done").
    bot.update(shared(OFFICIAL, 34.7575, 113.5950));
    bot.dispatch().await;
    assert!(last_text(&bot).contains("200 米"), "{}", last_text(&bot));
    assert_eq!(buttons(&bot), vec![Cb::LocationDone]);
    assert_eq!(location_of(&d, "东门").await, (Some(34.7575), Some(113.5950), 200));
    bot.update(text(OFFICIAL, "zh", "5"));
    bot.dispatch().await;
    assert!(last_text(&bot).starts_with(&trf(ZH, "shifts.setup.bad_radius", &[("min", "20"), ("max", "2000")])));
    bot.update(text(OFFICIAL, "zh", "120"));
    bot.dispatch().await;
    assert!(last_text(&bot).contains("120 米以内可签到"), "{}", last_text(&bot));
    assert_eq!(location_of(&d, "东门").await, (Some(34.7575), Some(113.5950), 120));
    // The dialogue is over: "Done" now is a stale button.
    bot.update(tap(OFFICIAL, "zh", Cb::LocationDone));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "common.stale_button")));

    // Typed with a radius, in one message.
    bot.update(tap(OFFICIAL, "zh", Cb::SetLocation(east_id)));
    bot.dispatch().await;
    bot.update(text(OFFICIAL, "zh", "34.7580，113.5960，80"));
    bot.dispatch().await;
    assert!(last_text(&bot).contains("80 米以内可签到"), "{}", last_text(&bot));
    assert_eq!(location_of(&d, "东门").await, (Some(34.758), Some(113.596), 80));

    // Volunteers now check in there by location.
    bot.update(tap(PLAIN, "zh", Cb::ClaimShift(d.east)));
    bot.dispatch().await;
    d.clock.set(utc("2026-11-27T23:50:00Z"));
    bot.update(tap(PLAIN, "zh", Cb::CheckIn(d.east)));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(ZH, "shifts.ask_location", &[("checkpoint", "东门")]));
}
