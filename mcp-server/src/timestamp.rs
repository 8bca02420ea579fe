//! The one clock format of the crate: RFC 3339 UTC to the microsecond.

/// Now, e.g. `2026-12-01T19:30:00.123456Z`: for manifest entries, stored sprites and screenshot
/// names alike. Fixed width, so the text sorts as the time does (the store lists newest first).
pub fn now() -> String {
    const FORMAT: &[time::format_description::FormatItem<'static>] = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
    );
    time::OffsetDateTime::now_utc()
        .format(FORMAT)
        .expect("a UTC time always formats")
}

#[cfg(test)]
mod tests {
    #[test]
    fn now_is_fixed_width_rfc3339_utc() {
        let now = super::now();
        assert_eq!(now.len(), 27, "{now}");
        assert!(now.ends_with('Z') && now.as_bytes()[10] == b'T', "{now}");
    }
}
