//! Each table's CSV: header in the asker's language, rows matching the data, values the
//! product wrote (statuses, kinds) localized, the phone for the community's officials only.

use super::*;

fn row_of<'a>(rows: &'a [Vec<String>], needle: &str) -> &'a Vec<String> {
    rows.iter().find(|r| r.iter().any(|v| v == needle)).unwrap_or_else(|| panic!("no row with {needle}: {rows:?}"))
}

#[tokio::test]
async fn all_six_tables_come_as_csv_with_chinese_headers_and_the_rows_of_the_data() {
    let s = sheets().await;
    let id = s.export(OFFICIAL, ZH, Pick::All, Ok(Preset::Last7)).await;
    let docs = s.documents(OFFICIAL).await;
    assert_eq!(docs.len(), 6, "one document per table: {docs:?}");
    assert!(docs.iter().any(|(name, _, _)| name == "帝湖社区-orders-2026-11-23_2026-11-29.csv"), "{docs:?}");

    let (head, rows) = s.sheet(OFFICIAL, Table::Residents).await;
    let keys = ["building", "unit_room", "name", "household_size", "isolation", "phone", "registered_at"];
    assert_eq!(head, header(ZH, "residents", &keys));
    assert_eq!(rows.len(), 2, "学府社区's resident is not in 帝湖社区's file: {rows:?}");
    let r1 = row_of(&rows, R1_NAME);
    assert_eq!(r1[..6], ["3号楼", "2单元301", R1_NAME, "3", &value(ZH, "isolation.home"), R1_PHONE]);
    assert_eq!(row_of(&rows, "Alice Smith")[4], "", "not isolated");

    let (head, rows) = s.sheet(OFFICIAL, Table::Orders).await;
    let keys = [
        "order",
        "day",
        "placed_at",
        "status",
        "building",
        "unit_room",
        "resident",
        "order_total",
        "item",
        "quantity",
        "price",
        "line_total",
    ];
    assert_eq!(head, header(ZH, "orders", &keys));
    let placed = value(ZH, "order_status.placed");
    let line = |item: &str, qty: &str, price: &str, total: &str| {
        vec![
            "901",
            "2026-11-29",
            "2026-11-29 09:00",
            &placed,
            "3号楼",
            "2单元301",
            R1_NAME,
            "19.00",
            item,
            qty,
            price,
            total,
        ]
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>()
    };
    assert_eq!(
        rows,
        vec![line("大白菜", "2", "3.50", "7.00"), line("鸡蛋", "1", "12.00", "12.00")],
        "one row per line"
    );

    let (head, rows) = s.sheet(OFFICIAL, Table::Errands).await;
    assert_eq!(head[..5], header(ZH, "errands", &["errand", "asked_at", "kind", "urgent", "status"]));
    assert_eq!(rows.len(), 1, "the errand of 10 Nov is outside the last 7 days");
    assert_eq!(rows[0][2..5], [value(ZH, "errand_kind.medicine"), value(ZH, "no"), value(ZH, "errand_status.open")]);
    assert_eq!(rows[0][7], R1_NAME);
    assert_eq!(rows[0][11], "布洛芬, \"退烧\"");

    let (head, rows) = s.sheet(OFFICIAL, Table::Temperatures).await;
    assert_eq!(
        head,
        header(
            ZH,
            "temperatures",
            &["day", "slot", "building", "household", "name", "temperature", "fever", "reported_at"]
        )
    );
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][..2], ["2026-11-29".to_owned(), value(ZH, "slot.morning")]);
    assert_eq!(rows[0][4..7], [R1_NAME.to_owned(), "37.5".to_owned(), value(ZH, "yes")]);

    let (head, rows) = s.sheet(OFFICIAL, Table::Shifts).await;
    let keys =
        ["day", "checkpoint", "starts_at", "ends_at", "person", "checked_in_at", "checked_out_at", "no_show", "hours"];
    assert_eq!(head, header(ZH, "shifts", &keys));
    let came = row_of(&rows, &format!("User{VOLUNTEER}"));
    assert_eq!(
        came[1..],
        [
            "东门",
            "2026-11-29 08:00",
            "2026-11-29 12:00",
            &format!("User{VOLUNTEER}"),
            "2026-11-29 08:00",
            "2026-11-29 10:30",
            &value(ZH, "no"),
            "2.50"
        ]
    );
    let missed = row_of(&rows, &format!("User{NO_SHOW}"));
    assert_eq!(missed[5..], ["", "", &value(ZH, "yes"), ""]);

    let (head, rows) = s.sheet(OFFICIAL, Table::Notices).await;
    assert_eq!(head, header(ZH, "notices", &["notice", "sent_at", "text", "recipient", "confirmed_at"]));
    assert_eq!(rows.len(), 2, "one row per recipient");
    assert_eq!(row_of(&rows, R1_NAME)[4], "2026-11-29 09:30");
    assert_eq!(row_of(&rows, "Alice Smith")[4], "", "not confirmed");

    let (who, community, tables, from, to, rows, bytes): (i64, i64, String, String, String, i64, i64) =
        sqlx::query_as("SELECT user_id, community_id, tables, from_day, to_day, rows, bytes FROM exports WHERE id = ?")
            .bind(id)
            .fetch_one(s.pool())
            .await
            .unwrap();
    assert_eq!(
        (who, community, tables.as_str()),
        (OFFICIAL as i64, s.dihu, "residents,orders,errands,temperatures,shifts,notices")
    );
    assert_eq!((from.as_str(), to.as_str()), ("2026-11-23", "2026-11-29"));
    assert_eq!(rows, 2 + 2 + 1 + 1 + 2 + 2, "the export is recorded with its rows");
    let on_disk: u64 = docs.iter().map(|(_, p, _)| std::fs::metadata(p).unwrap().len()).sum();
    assert_eq!(bytes as u64, on_disk);
}

#[tokio::test]
async fn an_english_reader_gets_english_headers_statuses_and_item_names() {
    let s = sheets().await;
    s.export(OFFICIAL_EN, EN, Pick::One(Table::Orders), Ok(Preset::Today)).await;
    let docs = s.documents(OFFICIAL_EN).await;
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].0, "DihuCommunity-orders-2026-11-29_2026-11-29.csv");
    let (head, rows) = s.sheet(OFFICIAL_EN, Table::Orders).await;
    assert_eq!(head[..4], header(EN, "orders", &["order", "day", "placed_at", "status"]));
    assert_eq!(rows[0][3], value(EN, "order_status.placed"));
    assert_eq!(rows[0][8], "Chinese cabbage");
    assert_ne!(value(EN, "order_status.placed"), value(ZH, "order_status.placed"));
}

#[tokio::test]
async fn the_phone_goes_to_the_communitys_officials_and_not_to_an_administrator() {
    let s = sheets().await;
    s.export(OFFICIAL, ZH, Pick::One(Table::Residents), Ok(Preset::Today)).await;
    let (head, rows) = s.sheet(OFFICIAL, Table::Residents).await;
    assert!(head.contains(&tr(ZH, "exports.columns.residents.phone")));
    assert!(rows.iter().flatten().any(|v| v == R1_PHONE));

    // An administrator who is no official of 帝湖社区 chooses it, then exports.
    let mut bot = s.bot(tap(ADMIN, ZH, linli::people::buttons::Cb::UseCommunity(s.dihu))).await;
    bot.dispatch().await;
    drop(bot); // one mock bot at a time (teloxide_tests' lock)
    s.export(ADMIN, ZH, Pick::One(Table::Residents), Ok(Preset::Today)).await;
    let (head, rows) = s.sheet(ADMIN, Table::Residents).await;
    assert!(!head.contains(&tr(ZH, "exports.columns.residents.phone")), "{head:?}");
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().flatten().all(|v| !v.contains("138000")), "no phone anywhere: {rows:?}");
    let with_phone: Vec<bool> =
        sqlx::query_scalar("SELECT with_phone FROM exports ORDER BY id").fetch_all(s.pool()).await.unwrap();
    assert_eq!(with_phone, vec![true, false], "recorded");
}
