//! Urgent notices as Telegram paid broadcasts (`LINLI_RATE_PAID`): with the setting on, an
//! urgent notice's copies to people carry `allow_paid_broadcast` and go at the paid rate,
//! beyond the free ~30/s; group copies and non-urgent notices never pay; with the setting
//! off nothing carries it. Against the stub enforcing Telegram's limits (paid 1000/s, per
//! chat 1/s), so a send over any limit would be answered 429.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use linli::i18n::Lang;
use linli::notices::model::{Audience, RoleSel, Scope};
use linli::notices::{job, store};
use linli::outbox::{Limits, Sender};

use crate::botapi_stub::{Enforce, Received, StubApi};
use crate::*;

const FIRST: u64 = 7_000_001;
const GROUP: i64 = -100_777;

/// `n` residents of 帝湖社区 and one group linked to it.
async fn town(n: u64) -> (World, i64) {
    let world = World::new().await;
    let dihu = world.community("帝湖社区").await;
    let b1 = world.building(dihu, "1号楼").await;
    for id in FIRST..FIRST + n {
        let lang = if id % 4 == 0 { Lang::En } else { Lang::ZhCn };
        world.add_resident(id, &format!("居民{id}"), lang, b1, "1-101", None).await;
    }
    world.link_group(GROUP, dihu, None, "帝湖社区群", Lang::ZhCn).await;
    (world, dihu)
}

/// A notice to every resident of the community and its groups, sent now through the
/// notices' own path.
async fn notice(world: &World, community: i64, urgent: bool) {
    let audience =
        Audience { roles: RoleSel::Residents, scope: Scope::Community(community), isolated_only: false, groups: true };
    let now = chrono::Utc::now();
    let mut tx = world.pool().begin().await.unwrap();
    let new = store::NewNotice {
        author_id: 1,
        body: "今晚停水，请提前储水。",
        media: None,
        audience: &audience,
        urgent,
        send_at: now,
    };
    let id = store::create(&mut tx, now, &new).await.unwrap();
    job::send_now(&mut tx, id, now, now.date_naive()).await.unwrap();
    tx.commit().await.unwrap();
}

async fn drain(world: &World, stub: &StubApi, paid_per_sec: usize) -> Duration {
    let limits = Limits { paid_per_sec, idle_poll: Duration::from_millis(10), ..Limits::default() };
    let started = Instant::now();
    let sender = Sender::new(stub.bot(), world.app.db(), limits);
    tokio::time::timeout(Duration::from_secs(60), sender.drain()).await.expect("drain finishes").unwrap();
    started.elapsed()
}

/// Messages sent (not pins), as delivered.
fn sends(stub: &StubApi) -> Vec<Received> {
    stub.delivered().into_iter().filter(|r| r.method.starts_with("Send")).collect()
}

/// The most sends that arrived within any 1-second window.
fn most_in_a_second(sent: &[Received]) -> usize {
    let mut at: Vec<Instant> = sent.iter().map(|r| r.at).collect();
    at.sort();
    let mut start = 0;
    (0..at.len())
        .map(|end| {
            while at[end].duration_since(at[start]) >= Duration::from_secs(1) {
                start += 1;
            }
            end - start + 1
        })
        .max()
        .unwrap_or(0)
}

#[tokio::test]
async fn with_paid_sending_on_urgent_copies_to_people_pay_and_outrun_the_free_rate_within_each_chats_limit() {
    let people = 60;
    let (world, dihu) = town(people).await;
    // Two urgent notices: every person gets two copies, which must stay 1 s apart.
    notice(&world, dihu, true).await;
    notice(&world, dihu, true).await;
    let stub = StubApi::start_enforcing(Enforce::telegram()).await;
    let took = drain(&world, &stub, 1000).await;

    let sent = sends(&stub);
    assert_eq!(stub.count_status(429), 0, "no limit was exceeded");
    let (to_people, to_group): (Vec<_>, Vec<_>) = sent.iter().partition(|r| r.chat_id > 0);
    assert_eq!(to_people.len() as u64, 2 * people, "two copies each");
    assert!(to_people.iter().all(|r| r.paid), "every copy to a person went as a paid broadcast");
    assert_eq!(to_group.len(), 2);
    assert!(to_group.iter().all(|r| !r.paid), "group copies never pay");
    let mut per_chat: HashMap<i64, Vec<Instant>> = HashMap::new();
    for r in &to_people {
        per_chat.entry(r.chat_id).or_default().push(r.at);
    }
    assert_eq!(per_chat.len() as u64, people);
    for (chat, at) in &per_chat {
        assert!(at[1].duration_since(at[0]) >= Duration::from_secs(1), "chat {chat}: 1 per second, paid or not");
    }
    let peak = most_in_a_second(&sent);
    assert!(peak > 30, "not held to the free 30/s: {peak} in one second");
    // At the free rate 122 messages take at least 4 s; here the chats' own 1/s is the bound.
    assert!(took < Duration::from_millis(3500), "took {took:?}");
}

#[tokio::test]
async fn with_paid_sending_off_urgent_copies_go_free_and_never_carry_the_parameter() {
    // Fewer than the free 30/s: what is checked is the parameter, not the free window.
    let (world, dihu) = town(20).await;
    notice(&world, dihu, true).await;
    let stub = StubApi::start_enforcing(Enforce::telegram()).await;
    drain(&world, &stub, 0).await;
    let sent = sends(&stub);
    assert_eq!(sent.len(), 21);
    assert!(sent.iter().all(|r| !r.paid), "no paid broadcast unless the operator turned it on");
    assert_eq!(stub.count_status(429), 0);
}

#[tokio::test]
async fn a_non_urgent_notice_never_pays_even_with_paid_sending_on() {
    let (world, dihu) = town(20).await;
    notice(&world, dihu, false).await;
    let stub = StubApi::start_enforcing(Enforce::telegram()).await;
    drain(&world, &stub, 1000).await;
    let sent = sends(&stub);
    assert_eq!(sent.len(), 21);
    assert!(sent.iter().all(|r| !r.paid), "only urgent notices may cost Stars");
    assert_eq!(stub.count_status(429), 0);
}
