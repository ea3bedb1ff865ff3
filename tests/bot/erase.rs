//! "Delete all my data" with things still open: the confirmation says what will happen,
//! open orders are cancelled with their stock back, held shift places are freed, the
//! officials are told, and every count stays true.

use chrono::{Duration, Utc};
use linli::community::{import, CommunityFile};
use linli::i18n::Lang;
use linli::orders::model::Status;
use linli::orders::store as orders;
use linli::people::buttons::Cb;
use linli::people::store::{self as people, NewResident};

use crate::roles::{make_member, queued_for};
use crate::*;

const RESIDENT: u64 = 9001;
const OFFICIAL: u64 = 9002;
const CARRIER: u64 = 9003;
const V1: u64 = 9011;
const V2: u64 = 9012;
const V3: u64 = 9013;

/// 学府社区 of the scope tests' town: 1号楼, the item 大米 (10 bags), and 学府南门 with
/// one 08:00–16:00 shift a day for two volunteers; an official and four volunteers.
struct Town {
    world: World,
    xuefu: i64,
    b1: i64,
}

async fn town() -> Town {
    let world = World::new().await;
    import(&world.app.writer, &CommunityFile::parse(crate::scope::TOWN).unwrap()).await.unwrap();
    let xuefu = world.community("学府社区").await;
    let b1 = world.building(xuefu, "1号楼").await;
    for (user, role) in
        [(OFFICIAL, "official"), (CARRIER, "volunteer"), (V1, "volunteer"), (V2, "volunteer"), (V3, "volunteer")]
    {
        make_member(&world, user, xuefu, role, "approved").await;
    }
    Town { world, xuefu, b1 }
}

async fn scalar(world: &World, sql: &str, id: i64) -> i64 {
    let (v,): (i64,) = sqlx::query_as(sql).bind(id).fetch_one(world.pool()).await.unwrap();
    v
}

/// Opens `/me`, asks to delete and returns the confirmation; confirms if `confirm`.
async fn delete_my_data(bot: &mut TestBot, user: u64) -> String {
    bot.update(text(user, "zh", "/me"));
    bot.dispatch().await;
    bot.update(tap(user, "zh", Cb::DeleteMyData));
    bot.dispatch().await;
    let confirmation = last_text(bot);
    bot.update(tap(user, "zh", Cb::ConfirmDeleteMyData));
    bot.dispatch().await;
    assert_eq!(last_text(bot), tr(ZH, "people.me.deleted"));
    confirmation
}

#[tokio::test]
async fn deleting_your_data_cancels_your_open_orders_and_returns_their_stock() {
    let t = town().await;
    let pool = t.world.pool();
    t.world.add_user(RESIDENT, "居民", Lang::ZhCn).await;
    let mut conn = pool.acquire().await.unwrap();
    let now = Utc::now();
    let home =
        NewResident { community_id: t.xuefu, building_id: t.b1, unit_room: "1-101", household_size: 2, phone: None };
    assert!(people::save_resident(&mut conn, now, RESIDENT as i64, &home).await.unwrap());
    let (rice,): (i64,) = sqlx::query_as("SELECT id FROM catalog_items WHERE community_id = ? AND name = '大米'")
        .bind(t.xuefu)
        .fetch_one(pool)
        .await
        .unwrap();
    let place = |quantity: i64, day: &'static str| {
        let pool = pool.clone();
        let (xuefu, b1) = (t.xuefu, t.b1);
        async move {
            let mut conn = pool.acquire().await.unwrap();
            orders::set_cart(&mut conn, RESIDENT as i64, rice, quantity).await.unwrap();
            let today = Utc::now().format("%Y-%m-%d").to_string();
            let day = if day.is_empty() { today.as_str() } else { day };
            let placement = orders::Placement {
                resident: RESIDENT as i64,
                community_id: xuefu,
                placed_by: RESIDENT as i64,
                note: "请放门口，电话13800138000",
                household: orders::Household { building_id: b1, key: "1-101", day },
                now: Utc::now(),
            };
            let (id, _) = orders::place(&mut conn, &placement).await.unwrap().unwrap();
            orders::advance_all(&mut conn, Utc::now(), xuefu, Status::Placed, Status::Accepted).await.unwrap();
            orders::advance_all(&mut conn, Utc::now(), xuefu, Status::Accepted, Status::Packed).await.unwrap();
            id
        }
    };
    // One order delivered already, one on its way (yesterday's), one packed and waiting.
    let delivered = place(1, "").await;
    orders::claim_building(&mut conn, now, t.xuefu, t.b1, CARRIER as i64).await.unwrap();
    assert!(orders::delivered(&mut conn, now, delivered, CARRIER as i64).await.unwrap().is_some());
    let carried = place(1, "2000-01-01").await;
    orders::claim_building(&mut conn, now, t.xuefu, t.b1, CARRIER as i64).await.unwrap();
    let packed = place(2, "").await;
    orders::set_cart(&mut conn, RESIDENT as i64, rice, 1).await.unwrap();
    drop(conn);
    let stock = "SELECT stock FROM catalog_items WHERE id = ?";
    assert_eq!(scalar(&t.world, stock, rice).await, 6);

    let mut bot = t.world.bot(text(RESIDENT, "zh", "/help"));
    bot.dispatch().await;
    let confirmation = delete_my_data(&mut bot, RESIDENT).await;
    assert!(confirmation.starts_with(&tr(ZH, "people.me.delete_confirm")), "{confirmation}");
    assert!(confirmation.contains(&trf(ZH, "people.erase.count_orders", &[("count", "2")])), "{confirmation}");

    // The packed order and the one on its way are cancelled and their three bags are back;
    // the delivered one stays.
    let status = "SELECT status = 'cancelled' FROM orders WHERE id = ?";
    assert_eq!(scalar(&t.world, status, packed).await, 1);
    assert_eq!(scalar(&t.world, status, carried).await, 1);
    assert_eq!(scalar(&t.world, status, delivered).await, 0);
    assert_eq!(scalar(&t.world, stock, rice).await, 9);
    let pipeline = orders::pipeline(pool, linli::i18n::Lang::ZhCn, t.xuefu).await.unwrap();
    assert_eq!(pipeline, vec![(Status::Delivered, "1号楼".to_owned(), 1)], "the officials' figures are true");
    // The orders stay in the figures, with nothing left that leads back to the resident.
    let (kept, anonymous, notes): (i64, i64, i64) =
        sqlx::query_as("SELECT count(*), sum(resident_id < 0 AND placed_by = resident_id), sum(note = '') FROM orders")
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!((kept, anonymous, notes), (3, 3, 3));
    for gone in ["SELECT count(*) FROM users WHERE id = ?", "SELECT count(*) FROM cart_lines WHERE user_id = ?"] {
        assert_eq!(scalar(&t.world, gone, RESIDENT as i64).await, 0, "{gone}");
    }
    // The officials are told which orders to unpack or call back, in one message; the
    // volunteer on the way, that they need not go on.
    let told = queued_for(&t.world, OFFICIAL).await;
    assert_eq!(told.len(), 1);
    let line = |id: i64, status: &str| {
        let status = tr(ZH, &format!("orders.status.{status}"));
        trf(ZH, "people.erase.order_cancelled", &[("id", &id.to_string()), ("building", "1号楼"), ("status", &status)])
    };
    let expected = [tr(ZH, "people.erase.officials_header"), line(carried, "out_for_delivery"), line(packed, "packed")];
    assert_eq!(told[0].0, expected.join("\n"));
    let carrier = queued_for(&t.world, CARRIER).await;
    assert_eq!(carrier, vec![(trf(ZH, "people.erase.delivery_cancelled", &[("id", &carried.to_string())]), false)]);
}

#[tokio::test]
async fn deleting_your_data_frees_your_shift_place_for_another_volunteer() {
    let t = town().await;
    let pool = t.world.pool();
    let tz = chrono_tz::Asia::Shanghai;
    let today = Utc::now().with_timezone(&tz).date_naive();
    let mut conn = pool.acquire().await.unwrap();
    linli::shifts::store::generate(&mut conn, Utc::now(), today - Duration::days(1), 3, tz).await.unwrap();
    let shift_on = |day: chrono::NaiveDate| {
        let pool = pool.clone();
        let xuefu = t.xuefu;
        async move {
            let (id,): (i64,) = sqlx::query_as("SELECT id FROM shifts WHERE day = ? AND community_id = ?")
                .bind(day.to_string())
                .bind(xuefu)
                .fetch_one(&pool)
                .await
                .unwrap();
            id
        }
    };
    let (yesterday, tomorrow) = (shift_on(today - Duration::days(1)).await, shift_on(today + Duration::days(1)).await);
    let now = Utc::now();
    for v in [V1, V2] {
        linli::shifts::store::claim(&mut conn, tomorrow, v as i64, None, now).await.unwrap().unwrap();
    }
    assert!(linli::shifts::store::claim(&mut conn, tomorrow, V3 as i64, None, now).await.unwrap().is_err(), "full");
    // V1 also stood yesterday's shift (checked in).
    sqlx::query(
        "INSERT INTO shift_claims (shift_id, user_id, senior, claimed_at, checked_in_at) VALUES (?, ?, 0, 0, 1)",
    )
    .bind(yesterday)
    .bind(V1 as i64)
    .execute(&mut *conn)
    .await
    .unwrap();
    sqlx::query("UPDATE shifts SET taken = 1 WHERE id = ?").bind(yesterday).execute(&mut *conn).await.unwrap();
    drop(conn);
    let reminders = format!("remind:{tomorrow}:{V1}:%");
    let pending_reminders = "SELECT count(*) FROM jobs WHERE status = 'pending' AND unique_key LIKE ?";
    let count_reminders = || async {
        let (n,): (i64,) = sqlx::query_as(pending_reminders).bind(&reminders).fetch_one(pool).await.unwrap();
        n
    };
    assert!(count_reminders().await > 0);

    let mut bot = t.world.bot(text(V1, "zh", "/help"));
    bot.dispatch().await;
    let confirmation = delete_my_data(&mut bot, V1).await;
    assert!(confirmation.contains(&trf(ZH, "people.erase.count_shifts", &[("count", "1")])), "{confirmation}");

    let taken = "SELECT taken FROM shifts WHERE id = ?";
    let claims = "SELECT count(*) FROM shift_claims WHERE shift_id = ?";
    assert_eq!((scalar(&t.world, taken, tomorrow).await, scalar(&t.world, claims, tomorrow).await), (1, 1));
    assert_eq!(count_reminders().await, 0, "their reminders are cancelled");
    // The place can be filled again.
    let mut conn = pool.acquire().await.unwrap();
    linli::shifts::store::claim(&mut conn, tomorrow, V3 as i64, None, Utc::now()).await.unwrap().unwrap();
    drop(conn);
    assert_eq!(scalar(&t.world, taken, tomorrow).await, 2);
    // Yesterday's attendance stays, anonymous: one taken, one claim, checked in.
    let anonymous =
        "SELECT count(*) FROM shift_claims WHERE shift_id = ? AND user_id < 0 AND checked_in_at IS NOT NULL";
    assert_eq!((scalar(&t.world, taken, yesterday).await, scalar(&t.world, anonymous, yesterday).await), (1, 1));
    // The officials are told the place is free.
    let told = queued_for(&t.world, OFFICIAL).await;
    assert_eq!(told.len(), 1);
    assert!(told[0].0.starts_with(&tr(ZH, "people.erase.officials_header")), "{}", told[0].0);
    assert!(told[0].0.contains("学府南门") && told[0].0.contains("08:00–16:00"), "{}", told[0].0);
}
