use super::*;

fn t(raw: &str) -> Result<u16, TempError> {
    Temperature::parse(raw).map(Temperature::tenths)
}

#[test]
fn typed_temperatures_in_every_form_we_accept() {
    for raw in [
        "36.5",
        "36,5",
        "36.5度",
        "36.5℃",
        "36.5°C",
        "36.5 °c",
        "36.5°",
        "三十六度五",
        "三十六点五",
        "３６．５",
        "３６.５度",
        " 36.5 ",
        "摄氏36.5度",
        "36.50",
    ] {
        assert_eq!(t(raw), Ok(365), "{raw}");
    }
    assert_eq!(t("三十七度"), Ok(370));
    assert_eq!(t("37度2"), Ok(372));
    assert_eq!(t("37"), Ok(370));
    assert_eq!(t("38.46"), Ok(385), "rounded to a tenth");
}

#[test]
fn fahrenheit_is_converted_and_a_bare_number_in_its_range_is_fahrenheit() {
    for raw in ["97.7°F", "97.7F", "97.7 f", "华氏97.7", "97.7℉", "97.7", "九十七点七", "９７.７Ｆ"] {
        assert_eq!(t(raw), Ok(365), "{raw}");
    }
    assert_eq!(t("100.4F"), Ok(380));
    assert_eq!(t("98.6"), Ok(370));
    // Said to be Celsius, a Fahrenheit number is out of range, not converted.
    assert_eq!(t("97.7℃"), Err(TempError::TooHigh));
}

#[test]
fn nonsense_and_impossible_readings_are_refused_with_a_reason() {
    for raw in ["", "abc", "发烧", "36.5.1", ".5", "36个", "三三", "36.5555", "-36.5", "度"] {
        assert_eq!(t(raw), Err(TempError::NotANumber), "{raw}");
    }
    assert_eq!(t("33.9"), Err(TempError::TooLow));
    assert_eq!(t("3.65"), Err(TempError::TooLow));
    assert_eq!(t("42.6"), Err(TempError::TooHigh));
    assert_eq!(t("365"), Err(TempError::TooHigh), "tenths typed without the point");
    assert_eq!(t("34"), Ok(340));
    assert_eq!(t("42.5"), Ok(425));
}

#[test]
fn fever_is_at_or_above_the_setting() {
    let at = |x| Temperature::from_tenths(x).unwrap();
    assert!(!is_fever(at(372), 373));
    assert!(is_fever(at(373), 373));
    assert!(is_fever(at(390), 373));
    assert_eq!(at(365).celsius(), "36.5");
    assert_eq!(at(370).celsius(), "37.0");
}

#[test]
fn a_moment_before_the_afternoon_prompt_is_the_morning() {
    let afternoon = hhmm("14:00");
    assert_eq!(Slot::at(hhmm("00:00"), afternoon), Slot::Morning);
    assert_eq!(Slot::at(hhmm("13:59"), afternoon), Slot::Morning);
    assert_eq!(Slot::at(hhmm("14:00"), afternoon), Slot::Afternoon);
    assert_eq!(prompts_passed(hhmm("07:59"), hhmm("08:00"), afternoon), 0);
    assert_eq!(prompts_passed(hhmm("08:00"), hhmm("08:00"), afternoon), 1);
    assert_eq!(prompts_passed(hhmm("23:00"), hhmm("08:00"), afternoon), 2);
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-29T06:30:00Z").unwrap().with_timezone(&Utc);
    let s = slot_at(now, chrono_tz::Asia::Shanghai, afternoon);
    assert_eq!((s.day, s.slot), (NaiveDate::from_ymd_opt(2026, 11, 29).unwrap(), Slot::Afternoon));
    assert_eq!(SlotOf::from_day_number(s.day_number(), s.slot), Some(s));
}

#[test]
fn symptoms_toggle_and_none_is_empty() {
    let s = Symptoms::NONE.toggled(Symptom::Cough).toggled(Symptom::Fatigue);
    assert!(s.has(Symptom::Cough) && !s.has(Symptom::SoreThroat) && s.has(Symptom::Fatigue));
    assert_eq!(s.list().collect::<Vec<_>>(), vec![Symptom::Cough, Symptom::Fatigue]);
    assert!(s.toggled(Symptom::Cough).toggled(Symptom::Fatigue).is_empty());
    assert_eq!(Symptoms::from_bits(i64::from(s.bits())), s);
}

#[test]
fn member_names_are_short_and_not_commands() {
    assert_eq!(member_name("  王  小明 "), Ok("王 小明".to_owned()));
    assert_eq!(member_name("   "), Err(NameError::Empty));
    assert_eq!(member_name("/cancel"), Err(NameError::NotAName));
    assert_eq!(member_name(&"名".repeat(21)), Err(NameError::TooLong));
    assert_eq!(member_name(&"名".repeat(20)).map(|n| n.chars().count()), Ok(20));
}
