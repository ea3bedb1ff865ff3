use super::*;
use crate::groupbuy::lead::files;
use crate::groupbuy::lead::store::SlipRow;
use crate::groupbuy::model::{BuyStatus, Delivery, MinKind};

fn buy(title: &str) -> Buy {
    Buy {
        id: 7,
        community_id: 1,
        leader_id: 100,
        title: title.into(),
        household_cap: 5,
        total_cap: None,
        min_kind: MinKind::Households,
        min_count: 1,
        deadline: 0,
        delivery: Delivery::Door,
        pickup_place: None,
        pickup_at: None,
        status: BuyStatus::Closed,
        taken: 0,
        households: 0,
        tally_at: None,
        arrived_at: None,
        join_url: String::new(),
    }
}

fn items() -> Vec<Item> {
    vec![
        Item { id: 1, name: "蔬菜套餐".into(), unit: "份".into(), price_fen: 5800 },
        Item { id: 2, name: "鸡蛋".into(), unit: "盒".into(), price_fen: 1250 },
    ]
}

/// A line of a household: (join, building id, position, building, room, name, phone, item, qty).
#[allow(clippy::too_many_arguments)]
fn row(
    join: i64,
    building: i64,
    position: i64,
    name_b: &str,
    room: &str,
    name: &str,
    phone: Option<&str>,
    item: i64,
    q: i64,
) -> SlipRow {
    SlipRow {
        join_id: join,
        building_id: building,
        building_position: position,
        building: name_b.into(),
        unit_room: room.into(),
        name: name.into(),
        phone: phone.map(str::to_owned),
        item_id: item,
        quantity: q,
    }
}

/// Three buildings; rooms that sort wrongly as text; one household with two items.
fn sheet(title: &str) -> Sheet {
    let rows = vec![
        row(1, 10, 0, "1号楼", "2单元10", "王阿姨", Some("13800000001"), 1, 2),
        row(1, 10, 0, "1号楼", "2单元10", "王阿姨", Some("13800000001"), 2, 1),
        row(2, 30, 2, "3号楼", "1-201", "老李", None, 1, 1),
        row(3, 10, 0, "1号楼", "2单元9", "小张", Some("13800000003"), 2, 3),
        row(4, 20, 1, "2号楼", "10-101", "赵", Some("13800000004"), 1, 1),
        row(5, 20, 1, "2号楼", "9-101", "钱", Some("13800000005"), 1, 1),
        row(6, 10, 0, "1号楼", "1-1201", "孙", Some("13800000006"), 1, 1),
    ];
    Sheet::new(&buy(title), items(), rows)
}

fn addresses(sheet: &Sheet) -> Vec<String> {
    sheet.households.iter().map(|h| format!("{} {}", h.building, h.unit_room)).collect()
}

#[test]
fn slips_go_building_by_building_then_unit_then_room() {
    let sheet = sheet("蔬菜");
    assert_eq!(
        addresses(&sheet),
        ["1号楼 1-1201", "1号楼 2单元9", "1号楼 2单元10", "2号楼 9-101", "2号楼 10-101", "3号楼 1-201"]
    );
    assert_eq!(sheet.households[2].lines, [(1, 2), (2, 1)], "a household's lines stay together");
    let text = slips_text(Lang::ZhCn, &sheet, false);
    let order: Vec<usize> =
        ["1号楼 1-1201", "1号楼 2单元9", "1号楼 2单元10", "2号楼 9-101", "2号楼 10-101", "3号楼 1-201"]
            .iter()
            .map(|a| text.find(a).unwrap_or(usize::MAX))
            .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
    assert_eq!(text.matches(CUT).count(), 6 + 3, "a cut line above each household and below each building");
}

#[test]
fn the_supplier_order_has_each_items_units_and_subtotal_and_the_total() {
    let sheet = sheet("蔬菜");
    let text = supplier_text(Lang::ZhCn, &sheet);
    let l = "zh-CN";
    let veg = t!(
        "groupbuy_lead.slips.supplier_line",
        locale = l,
        name = "蔬菜套餐",
        price = "¥58.00",
        unit = "份",
        units = 6,
        subtotal = "¥348.00"
    );
    let eggs = t!(
        "groupbuy_lead.slips.supplier_line",
        locale = l,
        name = "鸡蛋",
        price = "¥12.50",
        unit = "盒",
        units = 4,
        subtotal = "¥50.00"
    );
    let total = t!("groupbuy_lead.slips.supplier_total", locale = l, total = "¥398.00", households = 6, units = 10);
    assert!(text.contains(&*veg) && text.contains(&*eggs) && text.contains(&*total), "{text}");
}

#[test]
fn phones_are_hidden_unless_the_leader_asks() {
    let sheet = sheet("蔬菜");
    let hidden = slips_text(Lang::ZhCn, &sheet, false);
    assert!(!hidden.contains("138000000"), "{hidden}");
    assert_eq!(hidden.matches(&*t!("groupbuy_lead.slips.phone_hidden", locale = "zh-CN")).count(), 6);
    let shown = slips_text(Lang::ZhCn, &sheet, true);
    assert!(shown.contains("13800000001") && shown.contains(&*t!("groupbuy_lead.slips.no_phone", locale = "zh-CN")));
    for with_phones in [false, true] {
        let csv = String::from_utf8(files::csv(Lang::ZhCn, &sheet, with_phones).unwrap()).unwrap();
        let html = files::html(Lang::ZhCn, &sheet, with_phones);
        assert_eq!(csv.contains("13800000001"), with_phones);
        assert_eq!(html.contains("13800000001"), with_phones);
    }
}

#[test]
fn the_csv_has_a_column_per_item_and_opens_in_excel() {
    let csv = files::csv(Lang::ZhCn, &sheet("蔬菜"), true).unwrap();
    assert_eq!(&csv[..3], b"\xEF\xBB\xBF", "UTF-8 byte-order mark");
    let mut reader = csv::Reader::from_reader(&csv[3..]);
    assert_eq!(
        reader.headers().unwrap(),
        vec!["序号", "楼栋", "单元门牌", "称呼", "电话", "蔬菜套餐（份）", "鸡蛋（盒）", "金额（元）"]
    );
    let rows: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
    assert_eq!(rows.len(), 6);
    assert_eq!(rows[2], ["3", "1号楼", "2单元10", "王阿姨", "13800000001", "2", "1", "128.50"]);
    let en = String::from_utf8(files::csv(Lang::En, &sheet("veg"), false).unwrap()).unwrap();
    assert!(en.starts_with("\u{feff}No.,Building,Unit/room,Name,Phone,"), "{en}");
}

#[test]
fn the_printable_page_escapes_every_value_and_breaks_pages_by_building() {
    let mut rows = vec![row(1, 10, 0, "1号楼", "2单元<b>9</b>", "Tom & \"Jerry\"", Some("1'3"), 1, 1)];
    rows.push(row(2, 20, 1, "2号楼", "1-101", "钱", None, 2, 1));
    let sheet = Sheet::new(&buy("<script>alert(1)</script>"), items(), rows);
    let html = files::html(Lang::ZhCn, &sheet, true);
    assert!(!html.contains("<script>") && html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
    assert!(html.contains("2单元&lt;b&gt;9&lt;/b&gt;") && html.contains("Tom &amp; &quot;Jerry&quot;"));
    assert!(html.contains("1&#39;3"));
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<meta charset=\"utf-8\">"));
    assert_eq!(html.matches("<section class=\"building\">").count(), 2);
    assert_eq!(html.matches("<div class=\"slip\">").count(), 2);
    assert!(html.contains("break-before:page") && html.contains("dashed"));
    assert!(!html.contains("http"), "self-contained: nothing to fetch");
}

#[test]
fn escape_covers_the_five_characters() {
    assert_eq!(files::escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    assert_eq!(files::escape("3号楼 2单元301"), "3号楼 2单元301");
}

#[test]
fn a_long_list_of_slips_stops_after_a_whole_household_and_points_to_the_files() {
    let text = format!("title\n{CUT}\nA 1\n{CUT}\nB 2\n{CUT}\nC 3\n{CUT}");
    assert_eq!(within(text.clone(), 1000, "more"), text, "short: unchanged");
    // 60 characters end inside the third cut line: the slip of B does not fit whole.
    let cut = within(text, 60, "more");
    assert_eq!(cut, format!("title\n{CUT}\nA 1\n{CUT}\nmore"));
}
