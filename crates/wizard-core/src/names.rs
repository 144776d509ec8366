//! The string forms of the wizard's enums.
//!
//! Every public enum with a string form derives it with strum
//! (`IntoStaticStr`, `Display`, `VariantArray`), with `serialize_all` equal
//! to its serde `rename_all`, so `as_str`, `Display`, serde, the lists of
//! allowed values in error messages and (with the `clap` feature) the CLI's
//! `--help` all come from the variant names. Each enum has a unit test that
//! its strings equal its serde JSON strings ([`assert_matches_serde`]).

use strum::VariantArray;

/// The string forms of an enum, for the helpers below.
pub(crate) trait Named: VariantArray + Copy + Into<&'static str> + 'static {}

impl<T: VariantArray + Copy + Into<&'static str> + 'static> Named for T {}

/// The variant whose name is `s` (trimmed, any case).
pub(crate) fn parse<T: Named>(s: &str) -> Option<T> {
    let wanted = s.trim();
    T::VARIANTS
        .iter()
        .copied()
        .find(|v| Into::<&'static str>::into(*v).eq_ignore_ascii_case(wanted))
}

/// Every name, in declaration order: `a, b, c`.
pub(crate) fn list<T: Named>() -> String {
    T::VARIANTS
        .iter()
        .map(|v| Into::<&'static str>::into(*v))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every name, quoted, for a sentence: `"a", "b" or "c"`.
pub(crate) fn either<T: Named>() -> String {
    let names: Vec<String> = T::VARIANTS
        .iter()
        .map(|v| format!("\"{}\"", Into::<&'static str>::into(*v)))
        .collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.concat(),
    }
}

/// `VARIANTS` as an array, for `ALL` constants that are iterated by value.
pub(crate) const fn array<T: Copy, const N: usize>(variants: &[T]) -> [T; N] {
    assert!(variants.len() == N, "N must be the number of variants");
    let mut out = [variants[0]; N];
    let mut i = 1;
    while i < N {
        out[i] = variants[i];
        i += 1;
    }
    out
}

/// Every variant's string form equals its serde JSON string, and the JSON
/// string deserialises back to the variant.
#[cfg(test)]
pub(crate) fn assert_matches_serde<T>()
where
    T: Named + serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    assert!(!T::VARIANTS.is_empty());
    for v in T::VARIANTS {
        let name: &'static str = (*v).into();
        assert_eq!(serde_json::to_value(v).unwrap(), name, "{v:?}");
        assert_eq!(
            serde_json::from_value::<T>(serde_json::Value::from(name)).unwrap(),
            *v,
            "{name}"
        );
        assert_eq!(parse::<T>(name), Some(*v), "{name}");
        assert_eq!(parse::<T>(&format!(" {} ", name.to_uppercase())), Some(*v));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, strum::IntoStaticStr, strum::VariantArray)]
    #[strum(serialize_all = "kebab-case")]
    enum Sample {
        One,
        TwoWords,
        Three,
    }

    #[test]
    fn helpers() {
        assert_eq!(parse::<Sample>(" Two-Words "), Some(Sample::TwoWords));
        assert_eq!(parse::<Sample>("two_words"), None);
        assert_eq!(list::<Sample>(), "one, two-words, three");
        assert_eq!(either::<Sample>(), "\"one\", \"two-words\" or \"three\"");
        const ALL: [Sample; 3] = array(Sample::VARIANTS);
        assert_eq!(ALL, [Sample::One, Sample::TwoWords, Sample::Three]);
    }
}
