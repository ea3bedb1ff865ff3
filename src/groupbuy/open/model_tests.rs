use super::*;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

const TZ: chrono_tz::Tz = chrono_tz::Asia::Shanghai;

fn item(name: &str, price_fen: i64, unit: &str) -> NewItem {
    NewItem { name: name.into(), unit: unit.into(), price_fen }
}

#[test]
fn a_title_is_one_line_of_at_most_forty_characters() {
    assert_eq!(parse_title("  蔬菜  套餐\n"), Ok("蔬菜 套餐".to_owned()));
    assert_eq!(parse_title("   "), Err(Mistake::TitleEmpty));
    assert_eq!(parse_title(&"菜".repeat(40)).map(|t| t.chars().count()), Ok(40));
    assert_eq!(parse_title(&"菜".repeat(41)), Err(Mistake::TitleTooLong));
}

#[test]
fn items_are_read_the_ways_leaders_write_them() {
    let typed = "蔬菜套餐 58 份\n蔬菜套餐 ¥58/份\n鸡蛋 15元/盒\nVeg box 58 box\n牛奶 ￥4.5 瓶\n\n  大米 ５０元 袋  ";
    assert_eq!(
        parse_items(typed),
        Ok(vec![
            item("蔬菜套餐", 5800, "份"),
            item("蔬菜套餐", 5800, "份"),
            item("鸡蛋", 1500, "盒"),
            item("Veg box", 5800, "box"),
            item("牛奶", 450, "瓶"),
            item("大米", 5000, "袋"),
        ])
    );
}

#[test]
fn digits_in_a_name_or_a_unit_are_not_taken_for_the_price() {
    assert_eq!(parse_items("5斤装大米 45 袋"), Ok(vec![item("5斤装大米", 4500, "袋")]));
    assert_eq!(parse_items("鸡蛋 15元/30枚"), Ok(vec![item("鸡蛋", 1500, "30枚")]));
    assert_eq!(parse_items("蔬菜套餐58元/份"), Ok(vec![item("蔬菜套餐", 5800, "份")]));
    assert_eq!(parse_items("Milk: ¥4.50 per bottle"), Ok(vec![item("Milk", 450, "bottle")]));
}

#[test]
fn a_bad_item_line_is_named_with_what_is_wrong() {
    let bad = |raw: &str, line: usize, text: &str, problem| {
        assert_eq!(parse_items(raw), Err(Mistake::ItemLine { line, text: text.to_owned(), problem }), "{raw}");
    };
    bad("蔬菜套餐 58 份\n鸡蛋一盒", 2, "鸡蛋一盒", LineProblem::NoPrice);
    bad("¥58/份", 1, "¥58/份", LineProblem::NoName);
    bad("鸡蛋 15", 1, "鸡蛋 15", LineProblem::NoUnit);
    bad("鸡蛋 1.555元/盒", 1, "鸡蛋 1.555元/盒", LineProblem::Price);
    bad("鸡蛋 0 盒", 1, "鸡蛋 0 盒", LineProblem::Price);
    bad("鸡蛋 20000 盒", 1, "鸡蛋 20000 盒", LineProblem::Price);
    bad(&format!("{} 5 盒", "菜".repeat(31)), 1, &format!("{} 5 盒", "菜".repeat(31)), LineProblem::NameTooLong);
    assert_eq!(parse_items(" \n "), Err(Mistake::NoItems));
    let eleven = (1..=11).map(|i| format!("菜{i} 5 份")).collect::<Vec<_>>().join("\n");
    assert_eq!(parse_items(&eleven), Err(Mistake::TooManyItems { count: 11 }));
}

#[test]
fn caps_are_whole_numbers_in_range_and_the_total_holds_a_household() {
    assert_eq!(parse_household_cap("３份"), Ok(3));
    assert_eq!(parse_household_cap("三"), Ok(3));
    assert_eq!(parse_household_cap("0"), Err(Mistake::HouseholdCap));
    assert_eq!(parse_household_cap("100"), Err(Mistake::HouseholdCap));
    assert_eq!(parse_household_cap("a few"), Err(Mistake::HouseholdCap));
    assert_eq!(parse_total_cap("200份", 3), Ok(Some(200)));
    assert_eq!(parse_total_cap("不限", 3), Ok(None));
    assert_eq!(parse_total_cap("No limit", 3), Ok(None));
    assert_eq!(parse_total_cap("2", 3), Err(Mistake::TotalBelowHousehold { per: 3 }));
    assert_eq!(parse_total_cap("lots", 3), Err(Mistake::TotalCap));
}

#[test]
fn a_minimum_counts_households_unless_units_are_said() {
    let m = |kind, count| Ok(Minimum { kind, count });
    assert_eq!(parse_minimum("10户"), m(MinKind::Households, 10));
    assert_eq!(parse_minimum("10 households"), m(MinKind::Households, 10));
    assert_eq!(parse_minimum("１０"), m(MinKind::Households, 10));
    assert_eq!(parse_minimum("三十份"), m(MinKind::Units, 30));
    assert_eq!(parse_minimum("30 Units"), m(MinKind::Units, 30));
    assert_eq!(parse_minimum("0户"), Err(Mistake::Minimum));
    assert_eq!(parse_minimum("many"), Err(Mistake::Minimum));
    let ten = Minimum { kind: MinKind::Households, count: 10 };
    assert_eq!(check_minimum(ten, Some(9)), Err(Mistake::MinimumOverTotal { total: 9 }));
    assert_eq!(check_minimum(ten, Some(10)), Ok(()));
    assert_eq!(check_minimum(ten, None), Ok(()));
}

#[test]
fn times_are_read_in_the_community_zone() {
    let now = utc("2026-11-29T02:00:00Z"); // Sunday 10:00 in Shanghai
    let at = |s| parse_at(s, now, TZ);
    assert_eq!(at("18:00"), Ok(utc("2026-11-29T10:00:00Z")));
    assert_eq!(at("１８：００"), Ok(utc("2026-11-29T10:00:00Z")));
    assert_eq!(at("今天18点"), Ok(utc("2026-11-29T10:00:00Z")));
    assert_eq!(at("晚上8点半"), Ok(utc("2026-11-29T12:30:00Z")));
    assert_eq!(at("明天 18:00"), Ok(utc("2026-11-30T10:00:00Z")));
    assert_eq!(at("tomorrow 6pm"), Ok(utc("2026-11-30T10:00:00Z")));
    assert_eq!(at("Tomorrow 6:30 PM"), Ok(utc("2026-11-30T10:30:00Z")));
    assert_eq!(at("后天 9点"), Ok(utc("2026-12-01T01:00:00Z")));
    assert_eq!(at("11-30 18:00"), Ok(utc("2026-11-30T10:00:00Z")));
    assert_eq!(at("11/30 18:00"), Ok(utc("2026-11-30T10:00:00Z")));
    assert_eq!(at("11月30日18点"), Ok(utc("2026-11-30T10:00:00Z")));
    assert_eq!(at("2026-12-02 08:00"), Ok(utc("2026-12-02T00:00:00Z")));
    assert_eq!(at("1-3 8:00"), Ok(utc("2027-01-03T00:00:00Z")), "a day passed this year is next year's");
    for wrong in ["soon", "18", "25:00", "11-31 18:00", "明天", ""] {
        assert_eq!(at(wrong), Err(Mistake::Time), "{wrong}");
    }
}

#[test]
fn a_deadline_is_ten_minutes_to_fourteen_days_ahead_and_a_pickup_after_it() {
    let now = utc("2026-11-29T02:00:00Z");
    assert_eq!(check_deadline(now + Duration::minutes(9), now), Err(Mistake::TooSoon));
    assert_eq!(check_deadline(now + Duration::minutes(10), now), Ok(()));
    assert_eq!(check_deadline(now + Duration::days(14), now), Ok(()));
    assert_eq!(check_deadline(now + Duration::days(14) + Duration::minutes(1), now), Err(Mistake::TooFar));
    let deadline = now + Duration::hours(8);
    assert_eq!(check_pickup(deadline, deadline), Err(Mistake::PickupBeforeDeadline));
    assert_eq!(check_pickup(deadline + Duration::hours(14), deadline), Ok(()));
    assert_eq!(check_pickup(deadline + Duration::days(15), deadline), Err(Mistake::TooFar));
}

#[test]
fn tonight_is_offered_only_while_it_is_ten_minutes_ahead() {
    let morning = deadline_choices(utc("2026-11-29T02:00:00Z"), TZ);
    assert_eq!(
        morning,
        vec![
            (Choice::Tonight, utc("2026-11-29T12:00:00Z")),
            (Choice::TomorrowNoon, utc("2026-11-30T04:00:00Z")),
            (Choice::TomorrowEvening, utc("2026-11-30T12:00:00Z")),
        ]
    );
    let late = deadline_choices(utc("2026-11-29T11:55:00Z"), TZ); // 19:55
    assert_eq!(late.iter().map(|(c, _)| *c).collect::<Vec<_>>(), [Choice::TomorrowNoon, Choice::TomorrowEvening]);
}

#[test]
fn a_pickup_place_is_one_short_line() {
    assert_eq!(parse_place(" 东门  快递柜旁 "), Ok("东门 快递柜旁".to_owned()));
    assert_eq!(parse_place(""), Err(Mistake::Place));
    assert_eq!(parse_place(&"门".repeat(61)), Err(Mistake::Place));
}
