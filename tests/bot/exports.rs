//! Exports for Excel: each table's CSV opened with the `csv` crate (header in the asker's
//! language, rows matching the data made here, a name with a comma and a quote), who gets
//! the phone, the date range, who may not export, a forged button, the record, a restart
//! in the middle, parts under the size limit, the outbox streaming a file from disk, the
//! nightly prune and an erasure.

mod dialogue;
mod files;
mod tables;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use linli::clock::{millis, ManualClock};
use linli::exports::buttons::Cb;
use linli::exports::model::{Pick, Preset, Table};
use linli::i18n::Lang;
use linli::outbox::{Content, FileSource, OutMessage};
use linli::people::store as people;

use crate::roles::make_member;
use crate::*;

const OFFICIAL: u64 = 7300;
/// An official of 帝湖社区 who reads English.
const OFFICIAL_EN: u64 = 7302;
/// An official of 学府社区 only.
const XUEFU_OFFICIAL: u64 = 7301;
const VOLUNTEER: u64 = 7350;
const NO_SHOW: u64 = 7351;
/// 3号楼 2单元301, named `王, "小二"`, isolated.
const R1: u64 = 7401;
/// 3号楼 2单元302, English.
const R2: u64 = 7402;
/// Of 学府社区: never in 帝湖社区's files.
const R_XUEFU: u64 = 7403;

pub const R1_NAME: &str = "王, \"小二\"";
pub const R1_PHONE: &str = "13800000001";

pub struct Sheets {
    pub world: World,
    pub app: Arc<linli::App>,
    pub clock: Arc<ManualClock>,
    pub dihu: i64,
    pub xuefu: i64,
    pub dir: tempfile::TempDir,
}

pub fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn ms(s: &str) -> i64 {
    millis(utc(s))
}

/// 帝湖社区 on Sunday 2026-11-29, 10:00 in Shanghai, with a week of everything.
pub async fn sheets() -> Sheets {
    sheets_with(45 * 1024 * 1024).await
}

pub async fn sheets_with(part_bytes: u64) -> Sheets {
    let world = World::new().await;
    let dihu = world.community("帝湖社区").await;
    let xuefu = world.community("学府社区").await;
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(utc("2026-11-29T02:00:00Z"));
    let mut settings = world.app.settings.clone();
    settings.exports.dir = Some(dir.path().to_path_buf());
    settings.exports.part_bytes = part_bytes;
    let app = linli::App::with_clock(world.app.db(), settings, clock.clone());
    make_member(&world, OFFICIAL, dihu, "official", "approved").await;
    make_member(&world, OFFICIAL_EN, dihu, "official", "approved").await;
    sqlx::query("UPDATE users SET lang = 'en' WHERE id = ?")
        .bind(OFFICIAL_EN as i64)
        .execute(world.pool())
        .await
        .unwrap();
    make_member(&world, XUEFU_OFFICIAL, xuefu, "official", "approved").await;
    make_member(&world, VOLUNTEER, dihu, "volunteer", "approved").await;
    make_member(&world, NO_SHOW, dihu, "volunteer", "approved").await;
    let s = Sheets { world, app, clock, dihu, xuefu, dir };
    s.data().await;
    s
}

impl Sheets {
    pub fn pool(&self) -> &sqlx::SqlitePool {
        self.world.pool()
    }

    /// A mock bot (its update ids start again at 42: those seen so far are forgotten).
    pub async fn bot(&self, first: impl teloxide_tests::IntoUpdate) -> TestBot {
        self.world.forget_update_ids().await;
        let mut bot = teloxide_tests::MockBot::new(first, linli::bot::schema());
        bot.dependencies(teloxide::dptree::deps![self.app.clone()]);
        bot
    }

    async fn resident(&self, id: u64, name: &str, lang: Lang, community: i64, unit_room: &str, phone: &str) {
        people::upsert_user(&mut self.pool().acquire().await.unwrap(), Utc::now(), id as i64, name, lang, true)
            .await
            .unwrap();
        let building = self.world.building(community, if community == self.dihu { "3号楼" } else { "1号楼" }).await;
        let mut conn = self.pool().acquire().await.unwrap();
        let new = people::NewResident {
            community_id: community,
            building_id: building,
            unit_room,
            household_size: 3,
            phone: Some(phone),
        };
        assert!(people::save_resident(&mut conn, Utc::now(), id as i64, &new).await.unwrap());
    }

    async fn exec(&self, sql: &str) {
        sqlx::raw_sql(sql).execute(self.pool()).await.unwrap();
    }

    /// Residents, orders (today's and one of 10 Nov), errands, temperatures, a shift with
    /// attendance and a notice with one confirmation; and an order in 学府社区.
    async fn data(&self) {
        self.resident(R1, R1_NAME, Lang::ZhCn, self.dihu, "2单元301", R1_PHONE).await;
        self.resident(R2, "Alice Smith", Lang::En, self.dihu, "2单元302", "13800000002").await;
        self.resident(R_XUEFU, "学府居民", Lang::ZhCn, self.xuefu, "1单元101", "13800000003").await;
        let (d, x) = (self.dihu, self.xuefu);
        let b3 = self.world.building(d, "3号楼").await;
        let bx = self.world.building(x, "1号楼").await;
        let today = ms("2026-11-29T01:00:00Z");
        let nov10 = ms("2026-11-10T01:00:00Z");
        let sql = format!(
            "INSERT INTO isolations (community_id, building_id, household, unit_room, kind, starts_on, ends_on, status, created_at)
               SELECT {d}, {b3}, household, unit_room, 'home', '2026-11-29', '2026-12-12', 'active', {today}
               FROM residents WHERE user_id = {R1};
             INSERT INTO catalog_categories (id, community_id, key, name, name_en) VALUES (801, {d}, 'veg', '蔬菜', 'Vegetables'),
               (802, {x}, 'veg', '蔬菜', 'Vegetables');
             INSERT INTO catalog_items (id, community_id, category_id, name, name_en, unit, unit_en, price_fen, stock,
                                        limit_per_order, limit_per_day)
               VALUES (811, {d}, 801, '大白菜', 'Chinese cabbage', '棵', 'head', 350, 100, 5, 10),
                      (812, {d}, 801, '鸡蛋', 'Eggs', '盒', 'box', 1200, 100, 5, 10),
                      (813, {x}, 802, '土豆', 'Potatoes', '斤', 'jin', 200, 100, 5, 10);
             INSERT INTO orders (id, resident_id, community_id, building_id, placed_by, status, total_fen, day,
                                 placed_at, updated_at, household)
               VALUES (901, {R1}, {d}, {b3}, {R1}, 'placed', 1900, '2026-11-29', {today}, {today}, '2-301'),
                      (902, {R2}, {d}, {b3}, {R2}, 'delivered', 350, '2026-11-10', {nov10}, {nov10}, '2-302'),
                      (903, {R_XUEFU}, {x}, {bx}, {R_XUEFU}, 'placed', 200, '2026-11-29', {today}, {today}, '1-101');
             INSERT INTO order_lines (order_id, item_id, quantity, price_fen)
               VALUES (901, 811, 2, 350), (901, 812, 1, 1200), (902, 811, 1, 350), (903, 813, 1, 200);
             INSERT INTO errands (community_id, building_id, household, unit_room, requester, opened_by, kind, note,
                                  urgent, status, created_at)
               VALUES ({d}, {b3}, '2-301', '2单元301', {R1}, {R1}, 'medicine', '布洛芬, \"退烧\"', 0, 'open', {today}),
                      ({d}, {b3}, '2-302', '2单元302', {R2}, {R2}, 'garbage', '', 0, 'done', {nov10});
             INSERT INTO temperature_reports (community_id, building_id, household, user_id, day, slot, tenths, fever,
                                              reported_by, reported_at)
               VALUES ({d}, {b3}, '2-301', {R1}, '2026-11-29', 'morning', 375, 1, {R1}, {today}),
                      ({d}, {b3}, '2-301', {R1}, '2026-11-10', 'morning', 365, 0, {R1}, {nov10});
             INSERT INTO checkpoints (id, community_id, name, name_en) VALUES (821, {d}, '东门', 'East gate');
             INSERT INTO shift_templates (id, checkpoint_id, start_minute, end_minute, capacity) VALUES (822, 821, 480, 720, 4);
             INSERT INTO shifts (id, template_id, checkpoint_id, community_id, day, start_at, end_at, capacity, taken)
               VALUES (823, 822, 821, {d}, '2026-11-29', {s}, {e}, 4, 2);
             INSERT INTO shift_claims (shift_id, user_id, senior, claimed_at, checked_in_at, checked_out_at, no_show)
               VALUES (823, {VOLUNTEER}, 0, {nov10}, {s}, {out}, 0), (823, {NO_SHOW}, 0, {nov10}, NULL, NULL, 1);
             INSERT INTO notices (id, community_id, author_id, body, audience, status, send_at, sent_at, recipients, created_at)
               VALUES (831, {d}, {OFFICIAL}, '今晚8点核酸检测', '\"All\"', 'sent', {today}, {today}, 2, {today});
             INSERT INTO notice_recipients (notice_id, user_id) VALUES (831, {R1}), (831, {R2});
             INSERT INTO notice_acks (notice_id, user_id, acked_at) VALUES (831, {R1}, {ack});",
            s = ms("2026-11-29T00:00:00Z"),
            e = ms("2026-11-29T04:00:00Z"),
            out = ms("2026-11-29T02:30:00Z"),
            ack = ms("2026-11-29T01:30:00Z"),
        );
        self.exec(&sql).await;
    }

    /// The number of exports recorded.
    pub async fn recorded(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM exports").fetch_one(self.pool()).await.unwrap()
    }

    /// Waits until export `id` is no longer running; its status.
    pub async fn finished(&self, id: i64) -> String {
        for _ in 0..500 {
            let status: String = sqlx::query_scalar("SELECT status FROM exports WHERE id = ?")
                .bind(id)
                .fetch_one(self.pool())
                .await
                .unwrap();
            if status != "running" {
                return status;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("export {id} still running after 10 s");
    }

    pub async fn last_export(&self) -> i64 {
        sqlx::query_scalar("SELECT max(id) FROM exports").fetch_one(self.pool()).await.unwrap()
    }

    /// The documents queued for `chat`: (file name, path, caption).
    pub async fn documents(&self, chat: u64) -> Vec<(String, PathBuf, String)> {
        let rows: Vec<String> = sqlx::query_scalar("SELECT message FROM outbox WHERE chat_id = ? ORDER BY id")
            .bind(chat as i64)
            .fetch_all(self.pool())
            .await
            .unwrap();
        rows.iter()
            .filter_map(|json| {
                let m: OutMessage = serde_json::from_str(json).unwrap();
                match m.content {
                    Content::Document { file: FileSource::Path { name, path }, caption } => {
                        Some((name, path, caption.unwrap_or_default()))
                    }
                    _ => None,
                }
            })
            .collect()
    }

    /// Runs the export dialogue to the end: `/export`, the table, the range (a preset or
    /// typed), confirm; waits for the file(s). Returns the export's id.
    pub async fn export(&self, who: u64, lang: &str, pick: Pick, range: Result<Preset, &str>) -> i64 {
        let mut bot = self.bot(text(who, lang, "/export")).await;
        bot.dispatch().await;
        let community = last_buttons::<Cb>(&bot)
            .into_iter()
            .find_map(|cb| match cb {
                Cb::Table { community, .. } => Some(community),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no table buttons: {:?}", texts(&bot)));
        bot.update(tap(who, lang, Cb::Table { community, pick }));
        bot.dispatch().await;
        match range {
            Ok(preset) => bot.update(tap(who, lang, Cb::Range(preset))),
            Err(typed) => bot.update(text(who, lang, typed)),
        };
        bot.dispatch().await;
        assert_eq!(last_buttons::<Cb>(&bot), vec![Cb::Confirm], "{:?}", texts(&bot));
        bot.update(tap(who, lang, Cb::Confirm));
        bot.dispatch().await;
        assert_eq!(last_text(&bot), tr(lang, "exports.preparing"));
        let id = self.last_export().await;
        assert_eq!(self.finished(id).await, "done");
        id
    }

    /// The CSV of `table` queued for `chat` by the last export: header and rows.
    pub async fn sheet(&self, chat: u64, table: Table) -> (Vec<String>, Vec<Vec<String>>) {
        let id = self.last_export().await;
        let doc = self
            .documents(chat)
            .await
            .into_iter()
            .rev()
            .find(|(_, path, _)| {
                path.file_name().unwrap().to_string_lossy().starts_with(&format!("{id}-{}-", table.code()))
            })
            .unwrap_or_else(|| panic!("no {table:?} file"));
        read_csv(&doc.1)
    }
}

/// A CSV file as Excel would see it: the BOM, then RFC 4180.
pub fn read_csv(path: &std::path::Path) -> (Vec<String>, Vec<Vec<String>>) {
    let bytes = std::fs::read(path).unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "a BOM for Excel");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
    (header, rows)
}

/// The header of `table` in `lang`, from the locale files.
pub fn header(lang: &str, table: &str, keys: &[&str]) -> Vec<String> {
    keys.iter().map(|k| tr(lang, &format!("exports.columns.{table}.{k}"))).collect()
}

pub fn value(lang: &str, key: &str) -> String {
    tr(lang, &format!("exports.values.{key}"))
}
