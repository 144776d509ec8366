//! Option values that name one of wizard-core's enums (`--path`, `--region`,
//! `--tenancy`, `--preset`, `--features`, `--format`): parsed by clap from
//! the enum's `ValueEnum` names, so `--help` lists the allowed values and a
//! wrong one is a usage error (exit 2) that lists them too. Values are
//! trimmed and matched in any case, so `--features "mail-read, mail-send"`
//! and `--region EU` work as before.

use std::ffi::OsStr;
use std::marker::PhantomData;

use clap::builder::{EnumValueParser, PossibleValue, TypedValueParser};
use clap::ValueEnum;

/// The parser for an enum option: trims, then clap's [`EnumValueParser`].
pub fn enum_value<E: ValueEnum + Clone + Send + Sync + 'static>() -> Trimmed<E> {
    Trimmed(PhantomData)
}

#[derive(Clone)]
pub struct Trimmed<E>(PhantomData<E>);

impl<E: ValueEnum + Clone + Send + Sync + 'static> TypedValueParser for Trimmed<E> {
    type Value = E;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<E, clap::Error> {
        let trimmed = value
            .to_str()
            .map(str::trim)
            .map(OsStr::new)
            .unwrap_or(value);
        EnumValueParser::<E>::new().parse_ref(cmd, arg, trimmed)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            E::value_variants()
                .iter()
                .filter_map(ValueEnum::to_possible_value),
        ))
    }
}
