//! The dialogue state of one private chat: idle, or one slice's flow. Each slice owns the
//! type of its own flow (states hold ids and small typed values, never whole database
//! rows) and declares it with [`SliceFlow`]; the glue stores it without knowing it, so a
//! new slice adds no variant here.
//!
//! Stored as JSON: `"Idle"`, or `{"<slice>": <flow>}` — the same shape the first release
//! wrote (an enum with a variant per slice), so dialogues in progress survive the upgrade.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// A slice's dialogue type.
pub trait SliceFlow: Serialize + DeserializeOwned {
    /// The key under which this flow is stored (the slice's name, e.g. `"Orders"`).
    const SLICE: &'static str;
}

#[derive(Debug, Clone, PartialEq, Default)]
pub enum State {
    #[default]
    Idle,
    /// A slice's flow, kept as JSON until that slice reads it.
    Flow { slice: String, flow: Value },
}

impl State {
    pub fn of<F: SliceFlow>(flow: &F) -> State {
        match serde_json::to_value(flow) {
            Ok(flow) => State::Flow { slice: F::SLICE.to_owned(), flow },
            // A flow is plain data; it always serialises. Should it not, idle is safe.
            Err(_) => State::Idle,
        }
    }

    /// This slice's flow, if the chat is in one.
    pub fn flow<F: SliceFlow>(&self) -> Option<F> {
        match self {
            State::Flow { slice, flow } if slice == F::SLICE => serde_json::from_value(flow.clone()).ok(),
            _ => None,
        }
    }

    /// The chat is in a flow of this slice (readable or not).
    pub fn is_in<F: SliceFlow>(&self) -> bool {
        matches!(self, State::Flow { slice, .. } if slice == F::SLICE)
    }

    pub fn slice(&self) -> Option<&str> {
        match self {
            State::Flow { slice, .. } => Some(slice),
            State::Idle => None,
        }
    }
}

impl Serialize for State {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            State::Idle => s.serialize_str("Idle"),
            State::Flow { slice, flow } => {
                let mut map = serde_json::Map::new();
                map.insert(slice.clone(), flow.clone());
                Value::Object(map).serialize(s)
            }
        }
    }
}

impl<'de> Deserialize<'de> for State {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::String(s) if s == "Idle" => Ok(State::Idle),
            Value::Object(map) if map.len() == 1 => {
                let (slice, flow) = map.into_iter().next().ok_or_else(|| serde::de::Error::custom("empty state"))?;
                Ok(State::Flow { slice, flow })
            }
            other => Err(serde::de::Error::custom(format!("not a dialogue state: {other}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    enum Probe {
        Step { n: i64 },
    }
    impl SliceFlow for Probe {
        const SLICE: &'static str = "Probe";
    }

    #[test]
    fn a_flow_round_trips_in_the_first_releases_shape() {
        let state = State::of(&Probe::Step { n: 3 });
        let json = serde_json::to_string(&state).unwrap();
        assert_eq!(json, r#"{"Probe":{"Step":{"n":3}}}"#);
        let back: State = serde_json::from_str(&json).unwrap();
        assert_eq!(back.flow::<Probe>(), Some(Probe::Step { n: 3 }));
        assert!(back.is_in::<Probe>());
        assert_eq!(serde_json::to_string(&State::Idle).unwrap(), r#""Idle""#);
        assert!(serde_json::from_str::<State>("42").is_err());
    }
}
