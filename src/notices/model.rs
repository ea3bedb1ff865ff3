//! Who a notice is for, and the rules of composing one. No IO.

use serde::{Deserialize, Serialize};

use crate::outbox::message::{CAPTION_LIMIT, TEXT_LIMIT};

/// Which people, by role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RoleSel {
    Everyone,
    Residents,
    Volunteers,
    Officials,
}

impl RoleSel {
    pub const ALL: [RoleSel; 4] = [RoleSel::Everyone, RoleSel::Residents, RoleSel::Volunteers, RoleSel::Officials];

    pub fn code(self) -> u8 {
        match self {
            RoleSel::Everyone => 0,
            RoleSel::Residents => 1,
            RoleSel::Volunteers => 2,
            RoleSel::Officials => 3,
        }
    }

    pub fn from_code(code: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn residents(self) -> bool {
        matches!(self, RoleSel::Everyone | RoleSel::Residents)
    }
}

/// Where. A building scope reaches the residents of those buildings only (volunteers and
/// officials belong to a community, not a building).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    /// Every community (administrators only).
    Subdistrict,
    Community(i64),
    Buildings {
        community_id: i64,
        buildings: Vec<i64>,
    },
}

impl Scope {
    pub fn community_id(&self) -> Option<i64> {
        match self {
            Scope::Subdistrict => None,
            Scope::Community(id) | Scope::Buildings { community_id: id, .. } => Some(*id),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Audience {
    pub roles: RoleSel,
    pub scope: Scope,
    /// Only households marked isolated (residents only).
    pub isolated_only: bool,
    /// Also post in the group chats linked to the scope.
    pub groups: bool,
}

impl Audience {
    /// Group chats are read by residents: a notice goes there only when it is for
    /// everyone or for residents, and not only for isolated households.
    pub fn posts_to_groups(&self) -> bool {
        self.groups && self.roles.residents() && !self.isolated_only
    }

    /// Whether the group question means anything for this audience.
    pub fn may_post_to_groups(roles: RoleSel, isolated_only: bool) -> bool {
        roles.residents() && !isolated_only
    }

    /// Whether a person with these facts is in the audience (used to show late joiners
    /// the notices they would have received).
    pub fn includes(&self, who: &Person) -> bool {
        let in_community = |c: i64| match &self.scope {
            Scope::Subdistrict => true,
            Scope::Community(id) => *id == c,
            Scope::Buildings { .. } => false,
        };
        let as_resident = who.resident.is_some_and(|(community, building, isolated)| {
            let place = match &self.scope {
                Scope::Buildings { buildings, .. } => buildings.contains(&building),
                _ => in_community(community),
            };
            self.roles.residents() && place && (isolated || !self.isolated_only)
        });
        let by_role = |role: RoleSel, communities: &[i64]| {
            !self.isolated_only
                && (self.roles == RoleSel::Everyone || self.roles == role)
                && communities.iter().any(|c| in_community(*c))
        };
        as_resident || by_role(RoleSel::Volunteers, &who.volunteer_of) || by_role(RoleSel::Officials, &who.official_of)
    }
}

/// The facts about one person that targeting looks at.
#[derive(Debug, Clone, Default)]
pub struct Person {
    /// (community, building, isolated)
    pub resident: Option<(i64, i64, bool)>,
    pub volunteer_of: Vec<i64>,
    pub official_of: Vec<i64>,
}

/// The text must fit Telegram's limit together with the header every recipient sees.
pub fn check_length(body: &str, header: &str, media: bool) -> Result<(), (usize, usize)> {
    let limit = if media { CAPTION_LIMIT } else { TEXT_LIMIT };
    let max = limit.saturating_sub(header.chars().count());
    let len = body.chars().count();
    if len > max {
        Err((len, max))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resident(community: i64, building: i64, isolated: bool) -> Person {
        Person { resident: Some((community, building, isolated)), ..Person::default() }
    }

    fn audience(roles: RoleSel, scope: Scope) -> Audience {
        Audience { roles, scope, isolated_only: false, groups: false }
    }

    #[test]
    fn a_building_scope_never_reaches_another_building_or_volunteers() {
        let a = audience(RoleSel::Everyone, Scope::Buildings { community_id: 1, buildings: vec![10, 11] });
        assert!(a.includes(&resident(1, 10, false)));
        assert!(!a.includes(&resident(1, 12, false)));
        let volunteer = Person { volunteer_of: vec![1], ..Person::default() };
        assert!(!a.includes(&volunteer));
    }

    #[test]
    fn a_community_scope_never_reaches_another_community() {
        let a = audience(RoleSel::Everyone, Scope::Community(1));
        assert!(a.includes(&resident(1, 10, false)));
        assert!(!a.includes(&resident(2, 20, false)));
        assert!(a.includes(&Person { official_of: vec![1], ..Person::default() }));
        assert!(!a.includes(&Person { official_of: vec![2], ..Person::default() }));
        assert!(audience(RoleSel::Everyone, Scope::Subdistrict).includes(&resident(2, 20, false)));
    }

    #[test]
    fn roles_and_the_isolated_filter_select_people() {
        let vols = audience(RoleSel::Volunteers, Scope::Community(1));
        assert!(!vols.includes(&resident(1, 10, false)));
        assert!(vols.includes(&Person { volunteer_of: vec![1], ..Person::default() }));
        let isolated = Audience { isolated_only: true, ..audience(RoleSel::Everyone, Scope::Community(1)) };
        assert!(isolated.includes(&resident(1, 10, true)));
        assert!(!isolated.includes(&resident(1, 10, false)));
        assert!(!isolated.includes(&Person { volunteer_of: vec![1], ..Person::default() }));
    }

    #[test]
    fn groups_only_get_notices_meant_for_residents() {
        let with = |roles, isolated_only| Audience { roles, scope: Scope::Community(1), isolated_only, groups: true };
        assert!(with(RoleSel::Everyone, false).posts_to_groups());
        assert!(with(RoleSel::Residents, false).posts_to_groups());
        assert!(!with(RoleSel::Officials, false).posts_to_groups(), "an officials-only notice stays out of groups");
        assert!(!with(RoleSel::Volunteers, false).posts_to_groups());
        assert!(!with(RoleSel::Residents, true).posts_to_groups(), "isolated-only stays out of groups");
    }

    #[test]
    fn length_counts_the_header_and_media_captions() {
        assert_eq!(check_length(&"字".repeat(4000), "📢 帝湖社区通知\n\n", false), Ok(()));
        let header = "📢 帝湖社区通知\n\n";
        assert_eq!(check_length(&"字".repeat(4090), header, false), Err((4090, 4096 - header.chars().count())));
        let short = "📢 x\n\n";
        assert_eq!(check_length(&"字".repeat(1020), short, true), Err((1020, 1024 - short.chars().count())));
    }
}
