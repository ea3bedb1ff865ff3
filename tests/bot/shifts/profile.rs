//! Before any shift: the volunteer's profile asks again when answered by typing.

use linli::people::buttons::Cb as PeopleCb;

use super::*;

const NEWCOMER: u64 = 6300;

/// The buttons under the last message, as the people slice's.
fn people_buttons(bot: &TestBot) -> Vec<PeopleCb> {
    use linli::bot::CallbackData;
    let responses = bot.get_responses();
    let Some(kb) = responses.sent_messages.last().and_then(|m| m.reply_markup().cloned()) else { return Vec::new() };
    kb.inline_keyboard
        .iter()
        .flatten()
        .filter_map(|b| match &b.kind {
            teloxide::types::InlineKeyboardButtonKind::CallbackData(data) => PeopleCb::decode(data),
            _ => None,
        })
        .collect()
}

// Needs the profile's typed answers routed to `people::volunteer::ask_again` in
// `people/mod.rs` (`on_flow_message`), which is outside this branch's files.
#[tokio::test]
async fn a_typed_answer_to_the_volunteer_profile_gets_the_same_question_again() {
    let d = duty().await;
    let mut bot = d.bot(text(OFFICIAL, "zh", "/invite volunteer"));
    bot.dispatch().await;
    let created = last_text(&bot);
    let start = created.find("?start=inv_").expect("an invite link") + "?start=inv_".len();
    let code = created[start..start + 16].to_owned();
    bot.update(text(NEWCOMER, "zh", &format!("/start inv_{code}")));
    bot.dispatch().await;
    assert!(last_text(&bot).ends_with(&tr(ZH, "people.volunteer.ask_party")));

    // Typed instead of tapped: told to use the buttons, and asked again, with them.
    bot.update(text(NEWCOMER, "zh", "是的"));
    bot.dispatch().await;
    let again = format!("{}\n\n{}", tr(ZH, "people.volunteer.tap_below"), tr(ZH, "people.volunteer.ask_party"));
    assert_eq!(last_text(&bot), again);
    assert!(people_buttons(&bot).contains(&PeopleCb::PartyMember(true)), "{:?}", people_buttons(&bot));
    // The next step, the same way.
    bot.update(tap(NEWCOMER, "zh", PeopleCb::PartyMember(true)));
    bot.dispatch().await;
    bot.update(text(NEWCOMER, "zh", "有"));
    bot.dispatch().await;
    let again = format!("{}\n\n{}", tr(ZH, "people.volunteer.tap_below"), tr(ZH, "people.volunteer.ask_experienced"));
    assert_eq!(last_text(&bot), again);
    assert!(people_buttons(&bot).contains(&PeopleCb::Experienced(false)), "{:?}", people_buttons(&bot));
}
