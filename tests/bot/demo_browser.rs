//! `linli demo` in a real browser: headless Chromium (Debian's, driven over WebDriver)
//! clicks through the page while the real bot answers through the demo's Bot API. What a
//! first visitor does: a resident registers and orders, the official accepts the order and
//! downloads the pick list, a resident confirms the notice the group also got, the
//! volunteer claims a shift, the clock moves to 20:00 and the nightly report arrives — with
//! no console error on the way.
//!
//! `LINLI_SCREENSHOTS=docs/screenshots cargo test --test bot demo_browser` also keeps the
//! screenshots of the main screens (the README shows them).

use std::path::PathBuf;
use std::time::Duration;

use linli::bot::CallbackData;
use linli::demo::world::{EMMA, GROUP, LIU_MIN, WANG_FANG, ZHANG_WEI};
use linli::demo::{self, Options};
use linli::i18n::Lang;
use linli::{notices, orders, people, shifts};

use crate::webdriver::{Browser, Element};
use crate::{tr, trf, EN, ZH};

const WAIT: Duration = Duration::from_secs(20);

struct Page {
    b: Browser,
    shots: Option<PathBuf>,
}

impl Page {
    async fn open(&self, chat: i64, title: &str) {
        self.click_newest(&format!("[data-chat=\"{chat}\"]")).await;
        self.b.wait_until_text("#chat-title", title, WAIT).await.unwrap();
    }

    /// Clicks the newest element matching `css`, waiting for one to appear. The page
    /// redraws the chat list when a message arrives, and a message when it is edited: an
    /// element found just before a redraw is gone ("stale") by the click, so it is found
    /// again.
    async fn click_newest(&self, css: &str) {
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            assert!(std::time::Instant::now() < deadline, "`{css}` kept being redrawn for {WAIT:?}");
            self.b.wait_for(css, WAIT).await.unwrap_or_else(|e| panic!("{e}"));
            let Some(newest) = self.b.find_all(css).await.unwrap().pop() else { continue };
            match self.b.click(&newest).await {
                Ok(()) => return,
                Err(e) if e.contains("stale element") && std::time::Instant::now() < deadline => continue,
                Err(e) => panic!("{e}"),
            }
        }
    }

    async fn say(&self, text: &str) {
        let input = self.b.find("#composer-input").await.unwrap();
        self.b.type_text(&input, text).await.unwrap();
        self.b.press_enter(&input).await.unwrap();
    }

    /// Waits for a message in the open chat containing `needle`.
    async fn expect(&self, needle: &str) -> Element {
        self.b.wait_until_text("#messages .msg", needle, WAIT).await.unwrap_or_else(|e| panic!("{needle:?}: {e}"))
    }

    /// Clicks the newest button carrying `cb`, waiting for it to appear.
    async fn tap(&self, cb: impl CallbackData) {
        self.click_newest(&format!("button.ikb[data-data=\"{}\"]", cb.encode())).await;
    }

    async fn shot(&self, name: &str) {
        if let Some(dir) = &self.shots {
            self.b.screenshot(&dir.join(name)).await.unwrap();
        }
    }

    async fn no_console_errors(&self, when: &str) {
        let errors = self.b.console_errors().await.unwrap();
        assert!(errors.is_empty(), "console errors {when}: {errors:?}");
    }
}

async fn id(pool: &sqlx::SqlitePool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_visit_to_the_demo_in_a_real_browser() {
    let settings = linli::config::Settings::default();
    let mut running = demo::start(settings, Options { db: None, port: 0, populate: true }).await.unwrap();
    running.ready().await.unwrap();
    let pool = running.app.pool.clone();
    let dihu = id(&pool, "SELECT id FROM communities WHERE name = '帝湖社区'").await;
    let b3 = id(&pool, "SELECT id FROM buildings WHERE name = '3号楼' AND community_id = (SELECT id FROM communities WHERE name = '帝湖社区')").await;
    let vegetables =
        id(&pool, &format!("SELECT id FROM catalog_categories WHERE community_id = {dihu} AND key = 'vegetables'"))
            .await;
    let tomato =
        id(&pool, &format!("SELECT id FROM catalog_items WHERE category_id = {vegetables} ORDER BY id LIMIT 1")).await;

    let shots = std::env::var_os("LINLI_SCREENSHOTS").map(PathBuf::from);
    let page = Page { b: Browser::start().await.unwrap(), shots };
    page.b.goto(&running.url()).await.unwrap();

    // Emma, in English, registers by typing and clicking; a wrong answer is asked again.
    page.open(EMMA, "Emma Clark").await;
    page.say("/start").await;
    page.expect(&tr(EN, "people.welcome_register")).await;
    page.say("/register").await;
    page.expect(&tr(EN, "people.reg.ask_community")).await;
    page.tap(people::buttons::Cb::PickCommunity(dihu)).await;
    page.expect(&tr(EN, "people.reg.ask_building")).await;
    page.tap(people::buttons::Cb::PickBuilding(b3)).await;
    page.expect(&tr(EN, "people.reg.ask_unit_room")).await;
    page.say("Unit 4, 502").await;
    page.expect(&tr(EN, "people.reg.ask_household")).await;
    page.say("zero").await;
    page.expect(&tr(EN, "people.invalid.not_a_number")).await;
    page.say("2").await;
    page.expect(&tr(EN, "people.reg.ask_phone")).await;
    page.click_newest(".rkb[data-kind=contact]").await;
    page.expect("Unit 4, 502").await;
    page.tap(people::buttons::Cb::Confirm).await;
    page.expect(&tr(EN, "people.reg.done")).await;

    // … and orders tomatoes by clicking through the catalog and the cart.
    page.say("/order").await;
    page.expect(&tr(EN, "orders.choose_category")).await;
    page.tap(orders::buttons::Cb::OrderCategory(vegetables)).await;
    page.tap(orders::buttons::Cb::OrderItem(tomato)).await;
    page.tap(orders::buttons::Cb::OrderQty { item_id: tomato, qty: 2 }).await;
    page.expect("Added ").await;
    page.tap(orders::buttons::Cb::ShowCart).await;
    page.expect(&tr(EN, "orders.cart_header")).await;
    page.tap(orders::buttons::Cb::Checkout).await;
    page.tap(orders::buttons::Cb::NoNote).await;
    page.expect("Place the order?").await;
    page.tap(orders::buttons::Cb::Confirm).await;
    let placed = page.b.text(&page.expect("placed, total").await).await.unwrap();
    assert!(placed.contains("Order #"), "{placed}");
    page.shot("resident-en-order.png").await;
    page.no_console_errors("while Emma registered and ordered").await;

    // The official sees the open orders, accepts them all and downloads the pick list.
    page.open(LIU_MIN, "刘敏").await;
    page.say("/orders").await;
    page.tap(orders::buttons::Cb::AcceptAll).await;
    // The pick list counts accepted orders: wait for the acceptance (two presses in a row
    // are two requests from the page, which need not arrive in order).
    let advanced = tr(ZH, "orders.advanced");
    page.expect(advanced.rsplit('}').next().unwrap_or(&advanced)).await;
    page.tap(orders::buttons::Cb::PickList).await;
    let link = page.b.wait_for("a.doc", WAIT).await.unwrap();
    let href = page.b.prop(&link, "href").await.unwrap();
    let csv = reqwest::Client::builder().no_proxy().build().unwrap();
    let csv = csv.get(href.as_str().unwrap()).send().await.unwrap().bytes().await.unwrap();
    let mut rows = csv::Reader::from_reader(csv.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&csv));
    let lines: Vec<String> = rows.records().map(|r| r.unwrap().iter().collect::<Vec<_>>().join("|")).collect();
    // Tomatoes for building 3: Emma's 2, 王芳's 2 and 李秀英's 1 from the script.
    assert_eq!(lines, vec!["3号楼|西红柿|斤|5"], "the pick list sums every accepted order");
    page.shot("official-pick-list.png").await;

    // The notice reached the building's group; 王芳 confirms it and is counted.
    page.open(GROUP, "3号楼").await;
    page.expect("全员核酸检测").await;
    page.b.wait_until_text("#pinned:not([hidden])", "全员核酸检测", WAIT).await.unwrap();
    page.shot("group-notice.png").await;
    // In the group, 王芳 asks for her data: the bot keeps it out of the group and its button
    // opens her private chat with the bot, as Telegram's app would.
    let pick =
        "const s = document.getElementById('send-as'); s.value = arguments[0]; s.dispatchEvent(new Event('change'));";
    page.b.execute(pick, vec![serde_json::json!(WANG_FANG.to_string())]).await.unwrap();
    page.say("/me").await;
    page.expect(&tr(ZH, "people.group.go_private")).await;
    page.click_newest("a.ikb-url").await;
    page.b.wait_until_text("#chat-title", "王芳", WAIT).await.unwrap();
    page.expect(&trf(ZH, "people.me.header", &[("name", "王芳")])).await;
    let notice = id(&pool, "SELECT max(id) FROM notices").await;
    page.open(WANG_FANG, "王芳").await;
    page.tap(notices::buttons::Cb::Ack(notice)).await;
    page.b.wait_until_text("#alert-text", &tr(ZH, "notices.ack_recorded"), WAIT).await.unwrap();
    page.shot("resident-notice-confirmed.png").await;
    page.b.click(&page.b.find("#alert-ok").await.unwrap()).await.unwrap();
    let acked = id(&pool, &format!("SELECT count(*) FROM notice_acks WHERE notice_id = {notice}")).await;
    assert_eq!(acked, 1, "王芳's tap is counted once");
    page.open(LIU_MIN, "刘敏").await;
    page.say("/notices").await;
    page.expect("已确认 1/2").await;

    // The volunteer claims a shift from tomorrow's board.
    page.open(ZHANG_WEI, "张伟").await;
    page.say("/shifts").await;
    let tomorrow = shifts::board::today(&running.app) + chrono::Days::new(1);
    page.tap(shifts::buttons::Cb::ShiftDay { day: 1, page: 0 }).await;
    let claimed_before = id(&pool, &format!("SELECT count(*) FROM shift_claims WHERE user_id = {ZHANG_WEI}")).await;
    // Tomorrow's board (today's has claim buttons too: wait until tomorrow's is the newest),
    // then its last free shift (the script claimed the first one).
    let board = "#messages .msg:last-child";
    page.b.wait_until_text(board, &shifts::view::day_label(Lang::ZhCn, tomorrow), WAIT).await.unwrap();
    page.click_newest(&format!("{board} button.ikb[data-data^=\"1:sc:\"]")).await;
    let claimed = format!("SELECT count(*) FROM shift_claims WHERE user_id = {ZHANG_WEI}");
    let deadline = std::time::Instant::now() + WAIT;
    while id(&pool, &claimed).await == claimed_before && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(id(&pool, &claimed).await, claimed_before + 1, "the tap claims one more shift");
    page.b.wait_until_text("#toast:not([hidden]), #messages .msg:last-child", "已认领", WAIT).await.unwrap();
    page.shot("volunteer-shifts.png").await;

    // The clock moves to 20:00: the evening report reaches the official.
    page.open(LIU_MIN, "刘敏").await;
    let before = page.b.text(&page.b.find("#clock-now").await.unwrap()).await.unwrap();
    page.b.click(&page.b.find("#clock-evening").await.unwrap()).await.unwrap();
    page.b.wait_until_text("#clock-now", "20:0", WAIT).await.unwrap_or_else(|e| panic!("clock was {before}: {e}"));
    page.expect(&trf(ZH, "shifts.nightly_header", &[("community", "帝湖社区")])).await;
    page.shot("official-evening.png").await;
    page.no_console_errors("after the whole visit").await;
}
