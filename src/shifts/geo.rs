//! Where check-in by location counts: the distance between a shared location and the
//! checkpoint, and the coordinates and radius an official types for a checkpoint. Pure
//! functions, like `model`.

/// Mean Earth radius (IUGG), metres.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Great-circle distance in metres (haversine; well under a metre off at checkpoint scale).
pub fn distance_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (phi1, phi2) = (lat1.to_radians(), lat2.to_radians());
    let d_phi = (lat2 - lat1).to_radians();
    let d_lambda = (lon2 - lon1).to_radians();
    let a = (d_phi / 2.0).sin().powi(2) + phi1.cos() * phi2.cos() * (d_lambda / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * a.sqrt().min(1.0).asin()
}

/// Whether a shared location counts as being at the checkpoint.
pub fn within_radius(lat1: f64, lon1: f64, lat2: f64, lon2: f64, radius_m: f64) -> bool {
    distance_m(lat1, lon1, lat2, lon2) <= radius_m
}

/// A check-in radius officials may set, metres: tighter than GPS error indoors is
/// unusable, wider than a neighbourhood means nothing.
pub const RADIUS_M: std::ops::RangeInclusive<i64> = 20..=2000;

/// A checkpoint's location typed by an official: "34.7566, 113.5937" or with a radius,
/// "34.7566, 113.5937, 150" (commas, full-width commas or spaces between). `None` when
/// it is not two coordinates on Earth and an optional radius in `RADIUS_M`.
pub fn parse_location(text: &str) -> Option<(f64, f64, Option<i64>)> {
    let parts: Vec<&str> = text.split([',', '，', ' ', '\t']).filter(|p| !p.is_empty()).collect();
    let (lat, lon, radius) = match parts.as_slice() {
        [lat, lon] => (lat, lon, None),
        [lat, lon, radius] => (lat, lon, Some(parse_radius(radius)?)),
        _ => return None,
    };
    let (lat, lon): (f64, f64) = (lat.parse().ok()?, lon.parse().ok()?);
    let valid = lat.is_finite() && lon.is_finite() && (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon);
    valid.then_some((lat, lon, radius))
}

/// A radius in whole metres within `RADIUS_M` ("150", "150m", "150 米").
pub fn parse_radius(text: &str) -> Option<i64> {
    let digits = text.trim().trim_end_matches(['m', 'M', '米']).trim();
    digits.parse::<i64>().ok().filter(|r| RADIUS_M.contains(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Two checkpoints of 观澜社区 from examples/community.toml (~144 m apart), and
    // 帝湖花园西王府门口 to 儿童公园社区东门 (~2 km).
    const GUANLAN_GATE: (f64, f64) = (34.7395, 113.5781);
    const GUANLAN_SHOP_DOOR: (f64, f64) = (34.7391, 113.5796);
    const DIHU_WEST_GATE: (f64, f64) = (34.7566, 113.5937);
    const PARK_EAST_GATE: (f64, f64) = (34.7538, 113.6152);

    #[test]
    fn distance_between_zhengzhou_checkpoints_matches_the_map() {
        let near = distance_m(GUANLAN_GATE.0, GUANLAN_GATE.1, GUANLAN_SHOP_DOOR.0, GUANLAN_SHOP_DOOR.1);
        assert!((near - 144.1).abs() < 1.0, "{near}");
        let far = distance_m(DIHU_WEST_GATE.0, DIHU_WEST_GATE.1, PARK_EAST_GATE.0, PARK_EAST_GATE.1);
        assert!((far - 1988.7).abs() < 5.0, "{far}");
        assert_eq!(distance_m(DIHU_WEST_GATE.0, DIHU_WEST_GATE.1, DIHU_WEST_GATE.0, DIHU_WEST_GATE.1), 0.0);
    }

    #[test]
    fn location_inside_the_radius_checks_in_and_outside_does_not() {
        let (a, b, c) = (GUANLAN_GATE, GUANLAN_SHOP_DOOR, PARK_EAST_GATE);
        assert!(within_radius(a.0, a.1, b.0, b.1, 150.0));
        assert!(!within_radius(a.0, a.1, b.0, b.1, 100.0));
        assert!(!within_radius(DIHU_WEST_GATE.0, DIHU_WEST_GATE.1, c.0, c.1, 150.0));
        assert!(within_radius(DIHU_WEST_GATE.0, DIHU_WEST_GATE.1, c.0, c.1, 2500.0));
        assert!(within_radius(a.0, a.1, a.0, a.1, 0.0));
    }

    #[test]
    fn checkpoint_locations_typed_by_officials() {
        assert_eq!(parse_location("34.7566, 113.5937"), Some((34.7566, 113.5937, None)));
        assert_eq!(parse_location("34.7566，113.5937，150"), Some((34.7566, 113.5937, Some(150))), "full-width commas");
        assert_eq!(parse_location(" 34.7566 113.5937 150m "), Some((34.7566, 113.5937, Some(150))));
        for bad in
            ["", "34.7566", "north gate", "91, 113", "34, 181", "34, 113, 5", "34, 113, 9000", "NaN, 1", "1, 2, 3, 4"]
        {
            assert_eq!(parse_location(bad), None, "{bad:?}");
        }
        assert_eq!(parse_radius("150 米"), Some(150));
        assert_eq!(parse_radius("19"), None);
        assert_eq!(parse_radius("2001"), None);
        assert_eq!(parse_radius("abc"), None);
    }
}
