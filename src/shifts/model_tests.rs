use chrono_tz::{Asia::Shanghai, Europe::Berlin};

use super::*;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn template(start: &str, end: &str) -> ShiftTemplate {
    let minute = |s: &str| crate::community::parse_hhmm(s).unwrap();
    ShiftTemplate::new(minute(start), minute(end), 2, 1).unwrap()
}

/// 帝湖花园西王府门口, 2026-05-04 08:00–16:00 Shanghai: two places, one for a senior.
fn shift() -> ShiftState {
    ShiftState {
        id: 7,
        community_id: 1,
        start: utc("2026-05-04T00:00:00Z"),
        end: utc("2026-05-04T08:00:00Z"),
        capacity: 2,
        min_senior: 1,
        taken: 0,
        seniors_taken: 0,
        held_by_volunteer: false,
    }
}

fn filled(capacity: u8, min_senior: u8, taken: u8, seniors_taken: u8) -> ShiftState {
    ShiftState { capacity, min_senior, taken, seniors_taken, ..shift() }
}

const PLAIN: Volunteer = Volunteer { community_id: 1, approved: true, party_member: false, experienced: false };
const PARTY: Volunteer = Volunteer { party_member: true, ..PLAIN };
const EXPERIENCED: Volunteer = Volunteer { experienced: true, ..PLAIN };

const BEFORE: &str = "2026-05-03T12:00:00Z";

fn claim(shift: &ShiftState, volunteer: &Volunteer) -> Result<(), ClaimRefusal> {
    check_claim(shift, volunteer, &[], utc(BEFORE))
}

fn held(id: i64, start: &str, end: &str) -> HeldShift {
    HeldShift::from((id, utc(start), utc(end)))
}

// --- templates and occurrences ---

#[test]
fn day_shift_in_shanghai_is_eight_hours_earlier_in_utc() {
    let (start, end) = template("08:00", "16:00").occurrence(day("2026-05-04"), Shanghai);
    assert_eq!((start, end), (utc("2026-05-04T00:00:00Z"), utc("2026-05-04T08:00:00Z")));
}

#[test]
fn overnight_shift_ends_next_day() {
    let evening = template("16:00", "00:00");
    assert!(evening.is_overnight());
    let (start, end) = evening.occurrence(day("2026-05-04"), Shanghai);
    assert_eq!((start, end), (utc("2026-05-04T08:00:00Z"), utc("2026-05-04T16:00:00Z")), "16:00 → midnight, 8 h");

    let (start, end) = template("22:00", "06:00").occurrence(day("2026-05-04"), Shanghai);
    assert_eq!(end - start, Duration::hours(8));
    assert_eq!(end.with_timezone(&Shanghai).date_naive(), day("2026-05-05"));
}

#[test]
fn equal_start_and_end_make_a_whole_day_shift() {
    let (start, end) = template("08:00", "08:00").occurrence(day("2026-05-04"), Shanghai);
    assert_eq!(end - start, Duration::hours(24));
}

#[test]
fn the_seed_shifts_cover_the_day_without_gaps() {
    let date = day("2026-05-04");
    let shifts: Vec<_> = [("00:00", "08:00"), ("08:00", "16:00"), ("16:00", "00:00")]
        .iter()
        .map(|(s, e)| template(s, e).occurrence(date, Shanghai))
        .collect();
    assert_eq!(shifts[0].1, shifts[1].0);
    assert_eq!(shifts[1].1, shifts[2].0);
    assert_eq!(shifts[2].1, template("00:00", "08:00").occurrence(date.succ_opt().unwrap(), Shanghai).0);
}

#[test]
fn night_shift_loses_an_hour_when_berlin_springs_forward() {
    // Berlin skips 02:00–03:00 on 2026-03-29.
    let (start, end) = template("00:00", "08:00").occurrence(day("2026-03-29"), Berlin);
    assert_eq!((start, end), (utc("2026-03-28T23:00:00Z"), utc("2026-03-29T06:00:00Z")));
    assert_eq!(end - start, Duration::hours(7));

    let (start, end) = template("22:00", "06:00").occurrence(day("2026-03-28"), Berlin);
    assert_eq!(end - start, Duration::hours(7), "overnight across the change");
}

#[test]
fn night_shift_gains_an_hour_when_berlin_falls_back() {
    // Berlin repeats 02:00–03:00 on 2026-10-25.
    let (start, end) = template("00:00", "08:00").occurrence(day("2026-10-25"), Berlin);
    assert_eq!((start, end), (utc("2026-10-24T22:00:00Z"), utc("2026-10-25T07:00:00Z")));
    assert_eq!(end - start, Duration::hours(9));
}

#[test]
fn start_in_a_dst_gap_moves_an_hour_later_and_a_repeated_start_takes_the_first() {
    let (start, _) = template("02:30", "10:30").occurrence(day("2026-03-29"), Berlin);
    assert_eq!(start, utc("2026-03-29T01:30:00Z"), "03:30 CEST");
    let (start, _) = template("02:30", "10:30").occurrence(day("2026-10-25"), Berlin);
    assert_eq!(start, utc("2026-10-25T00:30:00Z"), "02:30 CEST, not CET");
}

#[test]
fn template_accepts_only_stored_values_that_make_sense() {
    assert_eq!(
        ShiftTemplate::new(480, 960, 2, 1),
        Some(ShiftTemplate { start_minute: 480, end_minute: 960, capacity: 2, min_senior: 1 })
    );
    assert!(ShiftTemplate::new(0, 1439, 255, 255).is_some());
    for (start, end, capacity, min_senior) in [
        (1440, 0, 2, 1),
        (0, 1440, 2, 1),
        (-1, 0, 2, 1),
        (0, 480, 0, 0),
        (0, 480, 256, 0),
        (0, 480, 2, 3),
        (0, 480, 2, -1),
    ] {
        assert_eq!(ShiftTemplate::new(start, end, capacity, min_senior), None, "{start} {end} {capacity} {min_senior}");
    }
}

#[test]
fn templates_round_trip_through_json() {
    let t = template("16:00", "00:00");
    let json = serde_json::to_string(&t).unwrap();
    assert_eq!(serde_json::from_str::<ShiftTemplate>(&json).unwrap(), t);
}

// --- claims ---

#[test]
fn party_member_or_experienced_volunteer_is_senior() {
    assert!(!PLAIN.is_senior());
    assert!(PARTY.is_senior());
    assert!(EXPERIENCED.is_senior());
}

#[test]
fn first_claim_on_an_empty_shift_is_accepted() {
    assert_eq!(claim(&shift(), &PLAIN), Ok(()));
    assert_eq!(claim(&shift(), &PARTY), Ok(()));
}

#[test]
fn second_claim_on_full_shift_is_refused() {
    assert_eq!(claim(&filled(2, 1, 2, 1), &PLAIN), Err(ClaimRefusal::Full));
    assert_eq!(claim(&filled(2, 1, 2, 1), &PARTY), Err(ClaimRefusal::Full), "seniors are not exempt from capacity");
}

#[test]
fn last_place_is_kept_for_a_party_member() {
    let one_plain_on_shift = filled(2, 1, 1, 0);
    assert_eq!(claim(&one_plain_on_shift, &PLAIN), Err(ClaimRefusal::NeedsSenior { missing: 1 }));
    assert_eq!(claim(&one_plain_on_shift, &PARTY), Ok(()));
    assert_eq!(claim(&one_plain_on_shift, &EXPERIENCED), Ok(()));
}

#[test]
fn last_place_is_open_to_anyone_once_a_senior_is_on_shift() {
    assert_eq!(claim(&filled(2, 1, 1, 1), &PLAIN), Ok(()));
}

#[test]
fn capacity_one_with_min_senior_one_takes_only_seniors() {
    assert_eq!(claim(&filled(1, 1, 0, 0), &PLAIN), Err(ClaimRefusal::NeedsSenior { missing: 1 }));
    assert_eq!(claim(&filled(1, 1, 0, 0), &EXPERIENCED), Ok(()));
}

#[test]
fn min_senior_above_capacity_counts_as_capacity() {
    assert_eq!(claim(&filled(2, 5, 0, 0), &PLAIN), Err(ClaimRefusal::NeedsSenior { missing: 2 }));
    assert_eq!(claim(&filled(2, 5, 0, 0), &PARTY), Ok(()));
    assert_eq!(claim(&filled(2, 5, 1, 1), &PLAIN), Err(ClaimRefusal::NeedsSenior { missing: 1 }));
}

#[test]
fn village_shift_of_four_keeps_two_places_for_two_seniors() {
    assert_eq!(claim(&filled(4, 2, 0, 0), &PLAIN), Ok(()));
    assert_eq!(claim(&filled(4, 2, 1, 0), &PLAIN), Ok(()), "two places still left for two seniors");
    assert_eq!(claim(&filled(4, 2, 2, 0), &PLAIN), Err(ClaimRefusal::NeedsSenior { missing: 2 }));
    assert_eq!(claim(&filled(4, 2, 2, 1), &PLAIN), Ok(()));
    assert_eq!(claim(&filled(4, 2, 3, 1), &PLAIN), Err(ClaimRefusal::NeedsSenior { missing: 1 }));
}

#[test]
fn shift_without_composition_rule_takes_anyone() {
    assert_eq!(claim(&filled(2, 0, 1, 0), &PLAIN), Ok(()));
}

#[test]
fn same_volunteer_cannot_claim_twice() {
    let mine = ShiftState { held_by_volunteer: true, ..shift() };
    assert_eq!(claim(&mine, &PARTY), Err(ClaimRefusal::AlreadyClaimed));
    let listed = [held(7, "2026-05-04T00:00:00Z", "2026-05-04T08:00:00Z")];
    assert_eq!(
        check_claim(&filled(2, 1, 2, 1), &PARTY, &listed, utc(BEFORE)),
        Err(ClaimRefusal::AlreadyClaimed),
        "not Full, and not an overlap with itself"
    );
}

#[test]
fn overlapping_shift_is_refused_naming_the_other() {
    let held_shifts = [
        held(9, "2026-05-04T06:00:00Z", "2026-05-04T14:00:00Z"),
        held(8, "2026-05-03T20:00:00Z", "2026-05-04T04:00:00Z"),
    ];
    assert_eq!(
        check_claim(&shift(), &PLAIN, &held_shifts, utc(BEFORE)),
        Err(ClaimRefusal::Overlaps { other_shift_id: 8 }),
        "the earliest clash"
    );
    let inside = [held(3, "2026-05-04T02:00:00Z", "2026-05-04T03:00:00Z")];
    assert_eq!(check_claim(&shift(), &PLAIN, &inside, utc(BEFORE)), Err(ClaimRefusal::Overlaps { other_shift_id: 3 }));
}

#[test]
fn exactly_adjacent_shifts_do_not_overlap() {
    let before_and_after = [
        held(6, "2026-05-03T16:00:00Z", "2026-05-04T00:00:00Z"),
        held(8, "2026-05-04T08:00:00Z", "2026-05-04T16:00:00Z"),
    ];
    assert_eq!(check_claim(&shift(), &PLAIN, &before_and_after, utc(BEFORE)), Ok(()));
    let (a, b) = (utc("2026-05-04T00:00:00Z"), utc("2026-05-04T08:00:00Z"));
    assert!(!overlaps(a, b, b, utc("2026-05-04T16:00:00Z")));
    assert!(overlaps(a, b, b - Duration::seconds(1), utc("2026-05-04T16:00:00Z")));
}

#[test]
fn volunteer_of_another_community_is_refused() {
    let elsewhere = Volunteer { community_id: 2, ..PARTY };
    assert_eq!(claim(&shift(), &elsewhere), Err(ClaimRefusal::OtherCommunity));
    let unapproved_elsewhere = Volunteer { approved: false, ..elsewhere };
    assert_eq!(claim(&shift(), &unapproved_elsewhere), Err(ClaimRefusal::OtherCommunity));
}

#[test]
fn unapproved_volunteer_is_refused() {
    assert_eq!(claim(&shift(), &Volunteer { approved: false, ..PARTY }), Err(ClaimRefusal::NotApproved));
}

#[test]
fn claim_is_refused_once_the_shift_has_started() {
    let s = shift();
    assert_eq!(check_claim(&s, &PARTY, &[], s.start - Duration::seconds(1)), Ok(()));
    assert_eq!(check_claim(&s, &PARTY, &[], s.start), Err(ClaimRefusal::Started));
    assert_eq!(check_claim(&s, &PARTY, &[], s.end), Err(ClaimRefusal::Started));
}

#[test]
fn counts_above_capacity_are_full_without_overflow() {
    assert_eq!(claim(&filled(2, 1, 3, 0), &PARTY), Err(ClaimRefusal::Full), "template shrunk after claims");
    assert_eq!(claim(&filled(255, 255, 255, 255), &PARTY), Err(ClaimRefusal::Full));
    assert_eq!(claim(&filled(255, 255, 254, 254), &PARTY), Ok(()));
}

// --- release, reminders ---

#[test]
fn volunteer_can_release_until_two_hours_before_start() {
    let s = shift();
    let deadline = s.start - RELEASE_CUTOFF;
    assert_eq!(can_release(s.start, s.end, deadline - Duration::seconds(1), RELEASE_CUTOFF, false), Ok(()));
    assert_eq!(
        can_release(s.start, s.end, deadline, RELEASE_CUTOFF, false),
        Err(ReleaseRefusal::PastCutoff { deadline: utc("2026-05-03T22:00:00Z") })
    );
}

#[test]
fn official_can_release_until_the_end() {
    let s = shift();
    assert_eq!(can_release(s.start, s.end, s.start + Duration::hours(1), RELEASE_CUTOFF, true), Ok(()));
    assert_eq!(can_release(s.start, s.end, s.end, RELEASE_CUTOFF, true), Err(ReleaseRefusal::Ended));
    assert_eq!(can_release(s.start, s.end, s.end, RELEASE_CUTOFF, false), Err(ReleaseRefusal::Ended));
}

#[test]
fn reminders_already_past_are_skipped() {
    let start = shift().start;
    let both = reminder_times(start, start - Duration::days(1), &REMINDERS_BEFORE);
    assert_eq!(both, vec![start - Duration::hours(12), start - Duration::hours(1)]);
    assert_eq!(reminder_times(start, start - Duration::hours(3), &REMINDERS_BEFORE), vec![start - Duration::hours(1)]);
    assert!(reminder_times(start, start - Duration::minutes(30), &REMINDERS_BEFORE).is_empty());
}

// --- attendance ---

#[test]
fn check_in_opens_fifteen_minutes_before_start_and_closes_at_the_end() {
    let s = shift();
    let opens_at = s.start - Duration::minutes(15);
    let window = |now| check_in_window(s.start, s.end, now, CHECK_IN_OPENS_BEFORE);
    assert_eq!(window(opens_at - Duration::seconds(1)), CheckIn::TooEarly { opens_at });
    assert_eq!(window(opens_at), CheckIn::Open);
    assert_eq!(window(s.start + Duration::hours(3)), CheckIn::Open, "late arrivals still check in");
    assert_eq!(window(s.end), CheckIn::Closed);
}

#[test]
fn no_show_fifteen_minutes_after_start_without_check_in() {
    let start = shift().start;
    assert!(!is_no_show(start, start + Duration::minutes(15) - Duration::seconds(1), false, NO_SHOW_GRACE));
    assert!(is_no_show(start, start + NO_SHOW_GRACE, false, NO_SHOW_GRACE));
    assert!(!is_no_show(start, start + Duration::hours(2), true, NO_SHOW_GRACE));
}

// --- roster ---

#[test]
fn empty_shift_shows_its_gap_and_missing_senior() {
    let c = Coverage::of(2, 1, 0, 0);
    assert_eq!(c, Coverage { gap: 2, seniors_missing: 1 });
    assert!(c.lacks_senior());
    assert_eq!(c.status(), CoverageStatus::NeedsSenior { missing: 1, free: 2 });
}

#[test]
fn coverage_is_complete_open_or_short_of_a_senior() {
    assert_eq!(Coverage::of(2, 1, 2, 1).status(), CoverageStatus::Complete);
    assert!(!Coverage::of(2, 1, 2, 1).lacks_senior());
    assert_eq!(Coverage::of(4, 1, 1, 1).status(), CoverageStatus::Open { free: 3 });
    assert_eq!(Coverage::of(2, 0, 0, 0).status(), CoverageStatus::Open { free: 2 });
    assert_eq!(
        Coverage::of(2, 1, 2, 0).status(),
        CoverageStatus::NeedsSenior { missing: 1, free: 0 },
        "full of non-seniors: an official must swap someone"
    );
}

#[test]
fn coverage_saturates_odd_counts() {
    assert_eq!(Coverage::of(2, 5, 0, 0), Coverage { gap: 2, seniors_missing: 2 }, "min_senior above capacity");
    assert_eq!(Coverage::of(2, 1, 3, 2), Coverage { gap: 0, seniors_missing: 0 }, "taken above capacity");
}

// --- hours ---

#[test]
fn worked_minutes_count_only_time_inside_the_shift() {
    let s = shift();
    let m = |check_in: DateTime<Utc>, check_out: DateTime<Utc>| worked_minutes(check_in, check_out, s.start, s.end);
    assert_eq!(m(s.start - Duration::minutes(15), s.end + Duration::minutes(30)), 480, "early and late add nothing");
    assert_eq!(m(s.start + Duration::minutes(20), s.end), 460);
    assert_eq!(m(s.start, s.start + Duration::seconds(119)), 1, "whole minutes");
    assert_eq!(m(s.end + Duration::hours(1), s.end + Duration::hours(2)), 0, "outside the shift");
    assert_eq!(m(s.start + Duration::hours(2), s.start + Duration::hours(1)), 0, "check-out before check-in");
}

#[test]
fn an_official_assigns_until_the_end_a_volunteer_claims_until_the_start() {
    let s = shift();
    let running = s.start + Duration::hours(1);
    assert_eq!(check_claim(&s, &PARTY, &[], running), Err(ClaimRefusal::Started));
    assert_eq!(check_assign(&s, &PARTY, &[], running), Ok(()), "replacing a no-show while the shift runs");
    assert_eq!(check_assign(&s, &PARTY, &[], s.end), Err(ClaimRefusal::Ended));
    assert_eq!(check_claim(&s, &PARTY, &[], s.end), Err(ClaimRefusal::Started));
}

#[test]
fn a_shift_is_upcoming_started_or_ended() {
    let s = shift();
    assert_eq!(phase(s.start, s.end, s.start - Duration::seconds(1)), Phase::Upcoming);
    assert_eq!(phase(s.start, s.end, s.start), Phase::Started);
    assert_eq!(phase(s.start, s.end, s.end), Phase::Ended);
}

#[test]
fn a_release_deadline_is_offered_only_while_it_is_ahead() {
    let s = shift();
    let cutoff = Duration::hours(2);
    assert_eq!(release_deadline(s.start, s.start - Duration::hours(3), cutoff), Some(s.start - cutoff));
    assert_eq!(release_deadline(s.start, s.start - cutoff, cutoff), None, "the deadline itself has passed");
    assert_eq!(release_deadline(s.start, s.start - Duration::hours(1), cutoff), None);
}
