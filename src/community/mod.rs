//! The community file (`linli setup FILE`): a subdistrict, its communities with buildings
//! and checkpoints (with shift templates), and a default catalog imported into every
//! community. Import is idempotent: running it again updates what changed by name and
//! adds what is new; it never deletes (people may already refer to a building).
//! See `examples/community.toml` and `docs/community-file.md`.

use std::collections::HashSet;

use serde::Deserialize;

use crate::{Error, Result};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommunityFile {
    pub subdistrict: Subdistrict,
    #[serde(default, rename = "category")]
    pub categories: Vec<Category>,
    #[serde(default, rename = "item")]
    pub items: Vec<Item>,
    #[serde(rename = "community")]
    pub communities: Vec<Community>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subdistrict {
    pub name: String,
    pub name_en: String,
    pub timezone: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub key: String,
    pub name: String,
    pub name_en: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub category: String,
    pub name: String,
    pub name_en: String,
    pub unit: String,
    pub unit_en: String,
    pub price_fen: i64,
    pub stock: i64,
    pub limit_per_order: i64,
    pub limit_per_day: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Community {
    pub name: String,
    pub name_en: String,
    pub buildings: Vec<Building>,
    #[serde(default, rename = "checkpoint")]
    pub checkpoints: Vec<Checkpoint>,
}

/// A building: `"3号楼"`, or `{ name = "凯田花园1号楼", name_en = "Kaitian Garden, Bldg 1" }`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Building {
    Name(String),
    Named { name: String, name_en: String },
}

impl Building {
    pub fn name(&self) -> &str {
        match self {
            Building::Name(name) | Building::Named { name, .. } => name.trim(),
        }
    }

    /// The English name given, else the one the common "N号楼" form reads as.
    pub fn name_en(&self) -> Option<String> {
        match self {
            Building::Named { name_en, .. } => Some(name_en.trim().to_string()),
            Building::Name(name) => english_building(name.trim()),
        }
    }
}

/// "12号楼" → "Building 12"; any other name has no English form of its own.
pub fn english_building(name: &str) -> Option<String> {
    let number = name.strip_suffix("号楼")?;
    (!number.is_empty() && number.chars().all(|c| c.is_ascii_digit())).then(|| format!("Building {number}"))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    pub name: String,
    pub name_en: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub radius_m: Option<i64>,
    #[serde(default, rename = "shift")]
    pub shifts: Vec<ShiftTemplate>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShiftTemplate {
    pub start: String,
    pub end: String,
    pub capacity: i64,
    #[serde(default)]
    pub min_senior: i64,
}

/// What an import did, for the operator.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub communities: usize,
    pub buildings: usize,
    pub checkpoints: usize,
    pub shift_templates: usize,
    pub catalog_items: usize,
}

/// "08:00" → 480.
pub fn parse_hhmm(s: &str) -> Option<i64> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    ((0..24).contains(&h) && (0..60).contains(&m)).then_some(h * 60 + m)
}

impl CommunityFile {
    pub fn parse(text: &str) -> Result<Self> {
        let file: CommunityFile = toml::from_str(text).map_err(|e| Error::CommunityFile(e.to_string()))?;
        file.validate()?;
        Ok(file)
    }

    /// Rules the schema cannot express, each failing with a message naming the place.
    fn validate(&self) -> Result<()> {
        let bad = |msg: String| Err(Error::CommunityFile(msg));
        if self.subdistrict.timezone.parse::<chrono_tz::Tz>().is_err() {
            return bad(format!("unknown timezone {:?}", self.subdistrict.timezone));
        }
        let keys: HashSet<&str> = self.categories.iter().map(|c| c.key.as_str()).collect();
        if keys.len() != self.categories.len() {
            return bad("category keys must be unique".into());
        }
        for item in &self.items {
            if !keys.contains(item.category.as_str()) {
                return bad(format!("item {:?}: unknown category {:?}", item.name, item.category));
            }
            if item.price_fen <= 0 || item.stock < 0 || item.limit_per_order < 1 {
                return bad(format!("item {:?}: price, stock and limits must be positive", item.name));
            }
            if item.limit_per_day < item.limit_per_order {
                return bad(format!("item {:?}: limit_per_day < limit_per_order", item.name));
            }
        }
        let mut names = HashSet::new();
        for c in &self.communities {
            if !names.insert(c.name.as_str()) {
                return bad(format!("community {:?} appears twice", c.name));
            }
            let buildings: HashSet<&str> = c.buildings.iter().map(Building::name).collect();
            if c.buildings.is_empty() || buildings.len() != c.buildings.len() {
                return bad(format!("community {:?}: buildings must be unique and not empty", c.name));
            }
            if let Some(b) = c.buildings.iter().map(Building::name).find(|b| b.is_empty() || b.chars().count() > 32) {
                return bad(format!("community {:?}: building name {b:?} is empty or too long", c.name));
            }
            for cp in &c.checkpoints {
                if cp.latitude.is_some() != cp.longitude.is_some() {
                    return bad(format!("checkpoint {:?}: give both latitude and longitude", cp.name));
                }
                for s in &cp.shifts {
                    if parse_hhmm(&s.start).is_none() || parse_hhmm(&s.end).is_none() {
                        return bad(format!("checkpoint {:?}: shift times must be HH:MM", cp.name));
                    }
                    if s.capacity < 1 || s.min_senior < 0 || s.min_senior > s.capacity {
                        return bad(format!("checkpoint {:?}: bad capacity or min_senior", cp.name));
                    }
                }
            }
        }
        Ok(())
    }
}

/// Imports the file in one transaction: all of it or nothing.
pub async fn import(writer: &crate::db::Writer, file: &CommunityFile) -> Result<ImportSummary> {
    let mut tx = writer.begin().await?;
    let sd = &file.subdistrict;
    let (subdistrict_id,): (i64,) = sqlx::query_as(
        "INSERT INTO subdistricts (name, name_en, timezone) VALUES (?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET name_en = excluded.name_en, timezone = excluded.timezone
         RETURNING id",
    )
    .bind(&sd.name)
    .bind(&sd.name_en)
    .bind(&sd.timezone)
    .fetch_one(&mut *tx)
    .await?;

    let mut summary = ImportSummary::default();
    for c in &file.communities {
        let (community_id,): (i64,) = sqlx::query_as(
            "INSERT INTO communities (subdistrict_id, name, name_en) VALUES (?, ?, ?)
             ON CONFLICT (name) DO UPDATE SET subdistrict_id = excluded.subdistrict_id,
                 name_en = excluded.name_en
             RETURNING id",
        )
        .bind(subdistrict_id)
        .bind(&c.name)
        .bind(&c.name_en)
        .fetch_one(&mut *tx)
        .await?;
        summary.communities += 1;

        for (position, b) in c.buildings.iter().enumerate() {
            sqlx::query(
                "INSERT INTO buildings (community_id, name, name_en, position) VALUES (?, ?, ?, ?)
                 ON CONFLICT (community_id, name) DO UPDATE SET name_en = excluded.name_en,
                     position = excluded.position",
            )
            .bind(community_id)
            .bind(b.name())
            .bind(b.name_en())
            .bind(position as i64)
            .execute(&mut *tx)
            .await?;
            summary.buildings += 1;
        }

        for cp in &c.checkpoints {
            let (checkpoint_id,): (i64,) = sqlx::query_as(
                "INSERT INTO checkpoints (community_id, name, name_en, latitude, longitude, radius_m)
                 VALUES (?, ?, ?, ?, ?, ?)
                 ON CONFLICT (community_id, name) DO UPDATE SET name_en = excluded.name_en,
                     latitude = excluded.latitude,
                     longitude = excluded.longitude, radius_m = excluded.radius_m
                 RETURNING id",
            )
            .bind(community_id)
            .bind(&cp.name)
            .bind(&cp.name_en)
            .bind(cp.latitude)
            .bind(cp.longitude)
            .bind(cp.radius_m.unwrap_or(200))
            .fetch_one(&mut *tx)
            .await?;
            summary.checkpoints += 1;
            for s in &cp.shifts {
                // validate() proved both times parse.
                let (start, end) = (parse_hhmm(&s.start).unwrap_or(0), parse_hhmm(&s.end).unwrap_or(0));
                sqlx::query(
                    "INSERT INTO shift_templates (checkpoint_id, start_minute, end_minute, capacity, min_senior)
                     VALUES (?, ?, ?, ?, ?)
                     ON CONFLICT (checkpoint_id, start_minute) DO UPDATE SET
                         end_minute = excluded.end_minute, capacity = excluded.capacity,
                         min_senior = excluded.min_senior",
                )
                .bind(checkpoint_id)
                .bind(start)
                .bind(end)
                .bind(s.capacity)
                .bind(s.min_senior)
                .execute(&mut *tx)
                .await?;
                summary.shift_templates += 1;
            }
        }

        for (position, cat) in file.categories.iter().enumerate() {
            sqlx::query(
                "INSERT INTO catalog_categories (community_id, key, name, name_en, position)
                 VALUES (?, ?, ?, ?, ?)
                 ON CONFLICT (community_id, key) DO UPDATE SET name = excluded.name,
                     name_en = excluded.name_en, position = excluded.position",
            )
            .bind(community_id)
            .bind(&cat.key)
            .bind(&cat.name)
            .bind(&cat.name_en)
            .bind(position as i64)
            .execute(&mut *tx)
            .await?;
        }
        for item in &file.items {
            // Stock is only set when the item is new: a re-import must not undo sales.
            sqlx::query(
                "INSERT INTO catalog_items (community_id, category_id, name, name_en, unit, unit_en,
                     price_fen, stock, limit_per_order, limit_per_day)
                 SELECT ?, id, ?, ?, ?, ?, ?, ?, ?, ? FROM catalog_categories
                 WHERE community_id = ? AND key = ?
                 ON CONFLICT (community_id, name) DO UPDATE SET category_id = excluded.category_id,
                     name_en = excluded.name_en, unit = excluded.unit, unit_en = excluded.unit_en,
                     price_fen = excluded.price_fen, limit_per_order = excluded.limit_per_order,
                     limit_per_day = excluded.limit_per_day",
            )
            .bind(community_id)
            .bind(&item.name)
            .bind(&item.name_en)
            .bind(&item.unit)
            .bind(&item.unit_en)
            .bind(item.price_fen)
            .bind(item.stock)
            .bind(item.limit_per_order)
            .bind(item.limit_per_day)
            .bind(community_id)
            .bind(&item.category)
            .execute(&mut *tx)
            .await?;
            summary.catalog_items += 1;
        }
    }
    tx.commit().await?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hhmm_parses_only_valid_times() {
        assert_eq!(parse_hhmm("00:00"), Some(0));
        assert_eq!(parse_hhmm("16:30"), Some(990));
        for bad in ["24:00", "8:00", "08:60", "ab:cd", "0800", ""] {
            assert_eq!(parse_hhmm(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_example_file_is_valid() {
        let text = include_str!("../../examples/community.toml");
        let file = CommunityFile::parse(text).unwrap();
        assert!(file.communities.len() >= 6);
        assert!(file.items.len() >= 25);
        assert!(file.communities.iter().all(|c| c.checkpoints.iter().all(|cp| cp.shifts.len() == 3)));
    }

    #[test]
    fn numbered_buildings_read_in_english() {
        assert_eq!(english_building("12号楼").as_deref(), Some("Building 12"));
        for other in ["号楼", "A号楼", "凯田花园1号楼", "12栋"] {
            assert_eq!(english_building(other), None, "{other}");
        }
        let named = Building::Named { name: "凯田花园1号楼".into(), name_en: "Kaitian Garden, Bldg 1".into() };
        assert_eq!(named.name_en().as_deref(), Some("Kaitian Garden, Bldg 1"));
    }

    #[test]
    fn unknown_category_is_named() {
        let text = r#"
            [subdistrict]
            name = "S"
            name_en = "S"
            timezone = "Asia/Shanghai"
            [[item]]
            category = "nope"
            name = "米"
            name_en = "Rice"
            unit = "袋"
            unit_en = "bag"
            price_fen = 100
            stock = 1
            limit_per_order = 1
            limit_per_day = 1
            [[community]]
            name = "C"
            name_en = "C"
            buildings = ["1号楼"]
        "#;
        let err = CommunityFile::parse(text).unwrap_err().to_string();
        assert!(err.contains("unknown category"), "{err}");
    }
}
