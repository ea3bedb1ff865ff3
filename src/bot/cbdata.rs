//! Typed inline-button data, owned by each slice. A slice declares its buttons once with
//! [`callbacks!`]; that one definition yields the enum, its encoding, its decoding and the
//! list of every variant with extreme field values that the round-trip test walks.
//!
//! Wire format (unchanged since the first release, so buttons already in chats keep
//! working): `1:<tag>:<field>:<field>…` — a version, a short tag unique across slices, and
//! the fields. Telegram allows 64 bytes; the test checks every variant of every slice with
//! `i64::MIN` in every id. Anything that does not decode — an old version, a forged tag, a
//! field out of range, too many or too few fields — is `None`, and the tap is answered
//! politely. Decoding proves only the *shape*: whether this person may do this to that id
//! is decided on the server by the handler, every time.

pub const VERSION: &str = "1";
pub const MAX_LEN: usize = 64;

/// One field of a button's data.
pub trait Field: Sized + Copy {
    fn put(&self) -> String;
    fn take(s: &str) -> Option<Self>;
    /// Extreme and typical values, for the round-trip test.
    fn samples() -> Vec<Self>;
}

impl Field for i64 {
    fn put(&self) -> String {
        self.to_string()
    }
    fn take(s: &str) -> Option<Self> {
        s.parse().ok()
    }
    fn samples() -> Vec<Self> {
        vec![i64::MIN, -1, 0, 1, i64::MAX]
    }
}

impl Field for u16 {
    fn put(&self) -> String {
        self.to_string()
    }
    fn take(s: &str) -> Option<Self> {
        s.parse().ok()
    }
    fn samples() -> Vec<Self> {
        vec![0, 1, u16::MAX]
    }
}

impl Field for bool {
    fn put(&self) -> String {
        if *self { "1" } else { "0" }.to_owned()
    }
    fn take(s: &str) -> Option<Self> {
        match s {
            "0" => Some(false),
            "1" => Some(true),
            _ => None,
        }
    }
    fn samples() -> Vec<Self> {
        vec![false, true]
    }
}

/// A slice's button enum (implemented by [`callbacks!`]).
pub trait CallbackData: Sized + Copy + std::fmt::Debug + PartialEq {
    /// The tags this enum owns; no two slices share one.
    const TAGS: &'static [&'static str];
    fn encode(&self) -> String;
    fn decode(data: &str) -> Option<Self>;
    /// Every variant, each with extreme values in its fields.
    fn samples() -> Vec<Self>;
}

/// Splits `1:<tag>:<fields…>`; `None` for another version or oversized data.
pub fn split(data: &str) -> Option<(&str, Vec<&str>)> {
    if data.len() > MAX_LEN {
        return None;
    }
    let mut parts = data.split(':');
    if parts.next()? != VERSION {
        return None;
    }
    let tag = parts.next()?;
    Some((tag, parts.collect()))
}

/// Declares a slice's buttons:
///
/// ```ignore
/// callbacks! {
///     pub enum Cb {
///         /// A category of the catalog.
///         OrderCategory(id: i64) = "oc",
///         ItemsPage { category: i64, page: u16 } = "ip",
///         ShowCart = "ov",
///     }
/// }
/// ```
#[macro_export]
macro_rules! callbacks {
    (
        $(#[$meta:meta])*
        $vis:vis enum $Name:ident {
            $(
                $(#[$vmeta:meta])*
                $Variant:ident
                    $( ( $($tf:ident : $tt:ty),* $(,)? ) )?
                    $( { $($sf:ident : $st:ty),* $(,)? } )?
                = $tag:literal
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq)]
        $vis enum $Name {
            $(
                $(#[$vmeta])*
                $Variant $( ( $($tt),* ) )? $( { $($sf: $st),* } )?
            ),*
        }

        impl $crate::bot::cbdata::CallbackData for $Name {
            const TAGS: &'static [&'static str] = &[$($tag),*];

            #[allow(unused_mut, unused_imports)]
            fn encode(&self) -> String {
                use $crate::bot::cbdata::Field as _;
                match self {
                    $(
                        Self::$Variant $( ( $($tf),* ) )? $( { $($sf),* } )? => {
                            let mut out = format!("{}:{}", $crate::bot::cbdata::VERSION, $tag);
                            $( $( out.push(':'); out.push_str(&$tf.put()); )* )?
                            $( $( out.push(':'); out.push_str(&$sf.put()); )* )?
                            out
                        }
                    )*
                }
            }

            #[allow(unused_mut, unused_variables, unused_imports)]
            fn decode(data: &str) -> Option<Self> {
                use $crate::bot::cbdata::Field;
                let (tag, fields) = $crate::bot::cbdata::split(data)?;
                let mut it = fields.into_iter();
                let decoded = match tag {
                    $(
                        $tag => Self::$Variant
                            $( ( $( <$tt as Field>::take(it.next()?)? ),* ) )?
                            $( { $( $sf: <$st as Field>::take(it.next()?)? ),* } )?,
                    )*
                    _ => return None,
                };
                if it.next().is_some() {
                    return None;
                }
                Some(decoded)
            }

            #[allow(unused_mut, unused_variables, unused_imports)]
            fn samples() -> Vec<Self> {
                use $crate::bot::cbdata::Field;
                let mut all = Vec::new();
                $(
                    {
                        let n: usize = 1
                            $( $( .max(<$tt as Field>::samples().len()) )* )?
                            $( $( .max(<$st as Field>::samples().len()) )* )?;
                        for i in 0..n {
                            all.push(Self::$Variant
                                $( ( $( { let s = <$tt as Field>::samples(); s[i % s.len()] } ),* ) )?
                                $( { $( $sf: { let s = <$st as Field>::samples(); s[i % s.len()] } ),* } )?
                            );
                        }
                    }
                )*
                all
            }
        }
    };
}

/// Implements [`Field`] for a small enum with `code()`, `from_code(&str)` and `ALL`.
#[macro_export]
macro_rules! coded_field {
    ($T:ty) => {
        impl $crate::bot::cbdata::Field for $T {
            fn put(&self) -> String {
                self.code().to_string()
            }
            fn take(s: &str) -> Option<Self> {
                <$T>::from_code(s)
            }
            fn samples() -> Vec<Self> {
                <$T>::ALL.to_vec()
            }
        }
    };
}

/// Every button of every slice, encoded: what the round-trip test walks.
pub fn samples_of<C: CallbackData>() -> Vec<(String, bool)> {
    C::samples().into_iter().map(|cb| (cb.encode(), C::decode(&cb.encode()) == Some(cb))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::callbacks! {
        enum Probe {
            Unit = "u",
            One(id: i64) = "o",
            Two { id: i64, page: u16 } = "t",
            Flag(on: bool, id: i64) = "f",
        }
    }

    #[test]
    fn the_macro_round_trips_every_shape_within_the_limit() {
        let all = Probe::samples();
        assert!(all.contains(&Probe::Unit));
        assert!(all.contains(&Probe::Two { id: i64::MIN, page: 0 }));
        assert!(all.contains(&Probe::Flag(false, i64::MAX)));
        for cb in all {
            let data = cb.encode();
            assert!(data.len() <= MAX_LEN, "{data}");
            assert_eq!(Probe::decode(&data), Some(cb), "{data}");
        }
        assert_eq!(Probe::One(42).encode(), "1:o:42");
        assert_eq!(Probe::Two { id: 7, page: 3 }.encode(), "1:t:7:3");
    }

    #[test]
    fn wrong_shapes_do_not_decode() {
        for data in ["", "1", "1:", "2:o:1", "1:o", "1:o:", "1:o:x", "1:o:1:2", "1:u:1", "1:t:1", "1:f:2:1", "1:zz"] {
            assert_eq!(Probe::decode(data), None, "{data:?}");
        }
        assert_eq!(Probe::decode(&format!("1:o:{}", "1".repeat(80))), None);
    }
}
