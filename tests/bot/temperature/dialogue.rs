//! Reporting: typed temperatures (every accepted form, nonsense asked again), changing a
//! report within its slot, a button of an earlier slot, a household that is not isolated,
//! reporting for a household member.

use super::*;

/// `/temp`, then the typed value, then "no symptoms": what the bot said last.
async fn report_typed(bot: &mut TestBot, user: u64, value: &str) -> String {
    bot.update(text(user, "zh", "/temp"));
    bot.dispatch().await;
    bot.update(text(user, "zh", value));
    bot.dispatch().await;
    bot.update(tap(user, "zh", Cb::NoSymptoms));
    bot.dispatch().await;
    last_text(bot)
}

#[tokio::test]
async fn typed_temperatures_in_every_form_are_read_and_nonsense_is_asked_again() {
    let w = ward().await;
    w.clock.set(at("08:30"));
    let mut bot = w.bot(text(HOME_ZH, "zh", "/temp"));
    bot.dispatch().await;
    let question = trf(ZH, "temperature.ask_value", &[("slot", &slot_label(Lang::ZhCn, Slot::Morning))]);
    assert_eq!(last_text(&bot), question);
    for (nonsense, reason) in [
        ("发烧了", tr(ZH, "temperature.invalid.not_a_number")),
        ("3.65", trf(ZH, "temperature.invalid.too_low", &[("min", "34.0")])),
        ("365", trf(ZH, "temperature.invalid.too_high", &[("max", "42.5")])),
    ] {
        bot.update(text(HOME_ZH, "zh", nonsense));
        bot.dispatch().await;
        assert_eq!(texts(&bot), vec![reason, question.clone()], "{nonsense}");
    }
    bot.update(text(HOME_ZH, "zh", "三十六度五"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(ZH, "temperature.symptom.ask", &[("temp", "36.5")]));
    assert!(buttons(&bot).contains(&Cb::NoSymptoms));
    bot.update(tap(HOME_ZH, "zh", Cb::NoSymptoms));
    bot.dispatch().await;
    assert_eq!(w.reports("morning").await, vec![(Some(HOME_ZH as i64), None, 365, 0)]);
    // Every other accepted form, each changing the same report.
    for (typed, tenths) in [
        ("36,6", 366),
        ("36.7度", 367),
        ("36.8℃", 368),
        ("36.9°C", 369),
        ("三十六点四", 364),
        ("三十七度", 370),
        ("37度2", 372),
        ("３６．３", 363),
        ("97.7°F", 365),
        ("97.9F", 366),
        ("华氏98.1", 367),
        ("98.6", 370),
    ] {
        report_typed(&mut bot, HOME_ZH, typed).await;
        assert_eq!(w.reports("morning").await, vec![(Some(HOME_ZH as i64), None, tenths, 0)], "{typed}");
    }
}

#[tokio::test]
async fn changing_a_report_within_the_slot_keeps_one_row() {
    let w = ward().await;
    w.clock.set(at("08:30"));
    let mut bot = w.bot(text(HOME_ZH, "zh", "/help"));
    report_tapped(&mut bot, HOME_ZH, 365, None).await;
    let name = w.name_of(HOME_ZH).await;
    let slot = slot_label(Lang::ZhCn, Slot::Morning);
    let none = tr(ZH, "temperature.symptom.none");
    let args = [("name", name.as_str()), ("slot", &slot), ("temp", "36.5℃"), ("symptoms", &none)];
    assert_eq!(last_text(&bot), trf(ZH, "temperature.recorded", &args));
    bot.update(tap(HOME_ZH, "zh", quick(Slot::Morning, 368)));
    bot.dispatch().await;
    use linli::health::temperature::model::Symptom;
    for s in [Symptom::Cough, Symptom::Fatigue, Symptom::Cough, Symptom::SoreThroat] {
        bot.update(tap(HOME_ZH, "zh", Cb::Toggle(s)));
        bot.dispatch().await;
    }
    bot.update(tap(HOME_ZH, "zh", Cb::SymptomsDone));
    bot.dispatch().await;
    let symptoms = format!("{}、{}", tr(ZH, "temperature.symptom.sore_throat"), tr(ZH, "temperature.symptom.fatigue"));
    let args = [("name", name.as_str()), ("slot", &slot), ("temp", "36.8℃"), ("symptoms", &symptoms)];
    assert_eq!(last_text(&bot), trf(ZH, "temperature.changed", &args));
    assert_eq!(w.reports("morning").await, vec![(Some(HOME_ZH as i64), None, 368, 6)]);
    // "Done" again after the report: the dialogue is over.
    bot.update(tap(HOME_ZH, "zh", Cb::SymptomsDone));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "common.stale_button")));
    // The afternoon is another slot: a second row.
    w.clock.set(at("14:05"));
    report_typed(&mut bot, HOME_ZH, "36.6").await;
    assert_eq!(w.reports("afternoon").await, vec![(Some(HOME_ZH as i64), None, 366, 0)]);
    assert_eq!(w.reports("morning").await.len(), 1);
}

#[tokio::test]
async fn a_button_from_an_earlier_slot_is_refused_politely() {
    let w = ward().await;
    w.clock.set(at("14:30"));
    let mut bot = w.bot(tap(HOME_EN, "en", quick(Slot::Morning, 365)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(EN, "temperature.slot_over")));
    // Yesterday's afternoon button, and "other" of this morning.
    let yesterday = Cb::Quick { day: slot_of(Slot::Afternoon).day_number() - 1, slot: Slot::Afternoon, tenths: 365 };
    for stale in [yesterday, Cb::Other { day: slot_of(Slot::Morning).day_number(), slot: Slot::Morning }] {
        bot.update(tap(HOME_EN, "en", stale));
        bot.dispatch().await;
        assert_eq!(alert(&bot), Some(tr(EN, "temperature.slot_over")), "{stale:?}");
    }
    // A slot that ends while the symptoms are being chosen: the value was saved in its slot
    // (nothing typed is lost); "done" after the end is refused.
    w.clock.set(at("13:59"));
    bot.update(tap(HOME_EN, "en", quick(Slot::Morning, 365)));
    bot.dispatch().await;
    w.clock.set(at("14:00"));
    bot.update(tap(HOME_EN, "en", Cb::NoSymptoms));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(EN, "temperature.slot_over")));
    assert_eq!(w.reports("morning").await.len(), 1);
    assert!(w.reports("afternoon").await.is_empty());
}

#[tokio::test]
async fn a_household_not_under_isolation_is_told_so_and_nothing_is_recorded() {
    let w = ward().await;
    w.clock.set(at("08:30"));
    let mut bot = w.bot(text(NEIGHBOUR, "zh", "/temp"));
    bot.dispatch().await;
    assert_eq!(texts(&bot), vec![tr(ZH, "temperature.not_isolated")]);
    bot.update(tap(NEIGHBOUR, "zh", quick(Slot::Morning, 365)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(ZH, "temperature.not_isolated")));
    // A volunteer with no address: no reporting, and no way to see anyone's temperature.
    bot.update(text(VOLUNTEER, "zh", "/temp"));
    bot.dispatch().await;
    assert_eq!(texts(&bot), vec![tr(ZH, "temperature.not_resident")]);
    bot.update(text(VOLUNTEER, "zh", "/family"));
    bot.dispatch().await;
    assert_eq!(texts(&bot), vec![tr(ZH, "temperature.not_resident")]);
    assert!(w.reports("morning").await.is_empty());
}

#[tokio::test]
async fn a_resident_reports_for_a_household_member() {
    let w = ward().await;
    let grandma = w.add_member("王奶奶").await;
    w.clock.set(at("08:30"));
    // The English housemate reports for the member her housemate added.
    let mut bot = w.bot(text(HOME_EN, "en", "/temp"));
    bot.dispatch().await;
    assert_eq!(last_text(&bot), trf(EN, "temperature.whom.ask", &[("slot", &slot_label(Lang::En, Slot::Morning))]));
    assert_eq!(buttons(&bot), vec![Cb::Whom(0), Cb::Whom(grandma)]);
    // Someone else's member (a forged button) is refused.
    bot.update(tap(HOME_EN, "en", Cb::Whom(grandma + 1)));
    bot.dispatch().await;
    assert_eq!(alert(&bot), Some(tr(EN, "common.stale_button")));
    bot.update(tap(HOME_EN, "en", Cb::Whom(grandma)));
    bot.dispatch().await;
    bot.update(text(HOME_EN, "en", "36.6"));
    bot.dispatch().await;
    bot.update(tap(HOME_EN, "en", Cb::NoSymptoms));
    bot.dispatch().await;
    let slot = slot_label(Lang::En, Slot::Morning);
    let none = tr(EN, "temperature.symptom.none");
    let args = [("name", "王奶奶"), ("slot", slot.as_str()), ("temp", "36.6℃"), ("symptoms", &none)];
    assert_eq!(last_text(&bot), trf(EN, "temperature.recorded", &args));
    assert_eq!(w.reports("morning").await, vec![(None, Some(grandma), 366, 0)]);
    let (by,): (i64,) =
        sqlx::query_as("SELECT reported_by FROM temperature_reports").fetch_one(w.world.pool()).await.unwrap();
    assert_eq!(by, HOME_EN as i64);
}
