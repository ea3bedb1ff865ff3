//! Personal commands sent in a group chat: the bot answers with a button to the private
//! chat (never the personal data itself), in the group's language, whether or not the
//! command names the bot; a command for another bot and plain talk stay unanswered.

use teloxide_tests::{MockGroupChat, MockMessageText};

use crate::*;

const GROUP: i64 = -100_888;
const ZH_PERSON: u64 = 6001;
const EN_PERSON: u64 = 6002;

/// The commands that concern one person (or one official's communities).
const PERSONAL: [&str; 23] = [
    "/deliveries",
    "/groupbuys",
    "/order",
    "/myorders",
    "/shifts",
    "/myshifts",
    "/roster",
    "/me",
    "/isolation",
    "/isolated",
    "/isolate",
    "/temp",
    "/family",
    "/errand",
    "/myerrands",
    "/errands",
    "/report",
    "/reports",
    "/round",
    "/export",
    "/buys",
    "/groupbuy",
    "/leaders",
];

fn group_text(id: u64, lang: &str, text: &str) -> MockMessageText {
    MockMessageText::new().text(text).from(user(id, lang)).chat(MockGroupChat::new().id(GROUP).build())
}

/// Sends `text` in the group and returns the replies: (text, keyboard as text).
async fn replies(bot: &mut TestBot, id: u64, lang: &str, text: &str) -> Vec<(String, String)> {
    bot.update(group_text(id, lang, text));
    bot.dispatch().await;
    bot.get_responses()
        .sent_messages_text
        .iter()
        .map(|m| (m.message.text().unwrap_or_default().to_owned(), format!("{:?}", m.bot_request.reply_markup)))
        .collect()
}

#[tokio::test]
async fn personal_commands_in_a_group_answer_with_a_button_to_the_private_chat() {
    let world = World::new().await;
    let mut bot = world.bot(group_text(ZH_PERSON, "zh", "大家好"));
    bot.dispatch().await;
    // The group speaks its own language (an unbound group: the default, Chinese), whoever
    // writes in it.
    let lang = ZH;
    for person in [ZH_PERSON, EN_PERSON] {
        for command in PERSONAL {
            for sent in [command.to_owned(), format!("{command}@test_bot")] {
                let got = replies(&mut bot, person, if person == EN_PERSON { EN } else { ZH }, &sent).await;
                assert_eq!(got.len(), 1, "{lang} {sent}: {got:?}");
                let (text, keyboard) = &got[0];
                assert_eq!(*text, tr(lang, "people.group.go_private"), "{lang} {sent}");
                assert!(keyboard.contains(r#"path: "/test_bot""#), "{lang} {sent}: {keyboard}");
                assert!(keyboard.contains(&tr(lang, "people.group.open_private")), "{lang} {sent}: {keyboard}");
            }
        }
    }
    let (orders,): (i64,) = sqlx::query_as("SELECT count(*) FROM orders").fetch_one(world.pool()).await.unwrap();
    assert_eq!(orders, 0, "nothing is done from a group");
}

#[tokio::test]
async fn a_command_for_another_bot_and_plain_talk_stay_unanswered() {
    let world = World::new().await;
    let mut bot = world.bot(group_text(ZH_PERSON, "zh", "大家好"));
    bot.dispatch().await;
    assert!(texts(&bot).is_empty());
    for (person, lang) in [(ZH_PERSON, ZH), (EN_PERSON, EN)] {
        for sent in ["/order@other_bot", "/me@other_bot", "/myshifts@some_other_bot", "大家好", "good morning all"] {
            assert!(replies(&mut bot, person, lang, sent).await.is_empty(), "{lang} {sent}");
        }
    }
}
