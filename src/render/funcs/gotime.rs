//! Go `time` formatting for Sprig's date functions: a civil UTC-offset time, conversion from
//! Unix seconds and from Go's `Time.String()` text, and `Time.Format` with Go's reference
//! layout (`2006-01-02 15:04:05.000 -0700 MST`, month/day names, 12-hour clock, zones).
//! The engine has no clock: `now` is a fixed instant ([`PLACEHOLDER_NOW`]) so output stays
//! deterministic; this module only makes every layout print that instant as Go would.
//! Must not: read the system clock or time zone database, or panic on any layout.

/// `now`: 2024-01-01 00:00:00 UTC (Unix 1704067200).
pub const PLACEHOLDER_NOW: i64 = 1_704_067_200;

/// A moment with the fields Go's formatter needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub nanos: u32,
    /// Seconds east of UTC (the engine only ever uses UTC).
    pub offset: i32,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

impl Civil {
    /// The UTC time of a Unix timestamp (seconds), clamped to years Go can print.
    pub fn from_unix(secs: i64) -> Civil {
        let secs = secs.clamp(-62_135_596_800, 253_402_300_799);
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400) as u32;
        let (year, month, day) = civil_from_days(days);
        Civil {
            year,
            month,
            day,
            hour: rem / 3600,
            minute: rem / 60 % 60,
            second: rem % 60,
            nanos: 0,
            offset: 0,
        }
    }

    pub fn unix(&self) -> i64 {
        days_from_civil(self.year, self.month, self.day) * 86_400
            + i64::from(self.hour * 3600 + self.minute * 60 + self.second)
            - i64::from(self.offset)
    }

    /// Reads Go's `Time.String()` form (`2024-01-01 00:00:00 +0000 UTC`, optionally with
    /// fractional seconds and a monotonic `m=...` suffix).
    pub fn parse_go_string(s: &str) -> Option<Civil> {
        let mut parts = s.split_whitespace();
        let date = parts.next()?;
        let time = parts.next()?;
        let zone = parts.next()?;
        let mut d = date.splitn(3, '-');
        let year: i64 = d.next()?.parse().ok()?;
        let month: u32 = d.next()?.parse().ok()?;
        let day: u32 = d.next()?.parse().ok()?;
        let (hms, frac) = time.split_once('.').unwrap_or((time, ""));
        let mut t = hms.splitn(3, ':');
        let hour: u32 = t.next()?.parse().ok()?;
        let minute: u32 = t.next()?.parse().ok()?;
        let second: u32 = t.next()?.parse().ok()?;
        let nanos = if frac.is_empty() {
            0
        } else {
            format!("{:0<9}", frac.get(..frac.len().min(9))?)
                .parse()
                .ok()?
        };
        let sign = match zone.as_bytes().first()? {
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        let zh: i32 = zone.get(1..3)?.parse().ok()?;
        let zm: i32 = zone.get(3..5)?.parse().ok()?;
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
            return None;
        }
        Some(Civil {
            year,
            month,
            day,
            hour,
            minute,
            second: second.min(60),
            nanos,
            offset: sign * (zh * 3600 + zm * 60),
        })
    }

    fn weekday(&self) -> usize {
        // 1970-01-01 was a Thursday.
        (days_from_civil(self.year, self.month, self.day) + 4).rem_euclid(7) as usize
    }

    fn year_day(&self) -> i64 {
        days_from_civil(self.year, self.month, self.day) - days_from_civil(self.year, 1, 1) + 1
    }

    /// Go's `Time.String()`.
    pub fn go_string(&self) -> String {
        self.format("2006-01-02 15:04:05.999999999 -0700 MST")
    }

    /// Go's `Time.Format(layout)`.
    pub fn format(&self, layout: &str) -> String {
        let mut out = String::with_capacity(layout.len() + 8);
        let mut rest = layout;
        while !rest.is_empty() {
            let Some((len, chunk)) = next_chunk(rest) else {
                let c = rest.chars().next().unwrap_or(' ');
                out.push(c);
                rest = &rest[c.len_utf8()..];
                continue;
            };
            self.push_chunk(chunk, &mut out);
            rest = &rest[len..];
        }
        out
    }

    fn push_chunk(&self, chunk: Chunk, out: &mut String) {
        let month = MONTHS[(self.month.clamp(1, 12) - 1) as usize];
        let hour12 = match self.hour % 12 {
            0 => 12,
            h => h,
        };
        match chunk {
            Chunk::LongMonth => out.push_str(month),
            Chunk::Month => out.push_str(&month[..3]),
            Chunk::NumMonth => out.push_str(&self.month.to_string()),
            Chunk::ZeroMonth => out.push_str(&format!("{:02}", self.month)),
            Chunk::LongWeekDay => out.push_str(DAYS[self.weekday()]),
            Chunk::WeekDay => out.push_str(&DAYS[self.weekday()][..3]),
            Chunk::Day => out.push_str(&self.day.to_string()),
            Chunk::UnderDay => out.push_str(&format!("{:>2}", self.day)),
            Chunk::ZeroDay => out.push_str(&format!("{:02}", self.day)),
            Chunk::UnderYearDay => out.push_str(&format!("{:>3}", self.year_day())),
            Chunk::ZeroYearDay => out.push_str(&format!("{:03}", self.year_day())),
            Chunk::Hour => out.push_str(&format!("{:02}", self.hour)),
            Chunk::Hour12 => out.push_str(&hour12.to_string()),
            Chunk::ZeroHour12 => out.push_str(&format!("{:02}", hour12)),
            Chunk::Minute => out.push_str(&self.minute.to_string()),
            Chunk::ZeroMinute => out.push_str(&format!("{:02}", self.minute)),
            Chunk::Second => out.push_str(&self.second.to_string()),
            Chunk::ZeroSecond => out.push_str(&format!("{:02}", self.second)),
            Chunk::LongYear => out.push_str(&format!("{:04}", self.year)),
            Chunk::Year => out.push_str(&format!("{:02}", self.year.rem_euclid(100))),
            Chunk::PM => out.push_str(if self.hour >= 12 { "PM" } else { "AM" }),
            Chunk::Pm => out.push_str(if self.hour >= 12 { "pm" } else { "am" }),
            Chunk::TZ => {
                if self.offset == 0 {
                    out.push_str("UTC");
                } else {
                    self.push_offset(out, false, false, false);
                }
            }
            Chunk::Offset {
                z,
                colon,
                seconds,
                hours_only,
            } => {
                if z && self.offset == 0 {
                    out.push('Z');
                } else if hours_only {
                    let sign = if self.offset < 0 { '-' } else { '+' };
                    out.push_str(&format!("{}{:02}", sign, self.offset.abs() / 3600));
                } else {
                    self.push_offset(out, colon, seconds, true);
                }
            }
            Chunk::Frac { digits, trim, sep } => {
                let s = format!("{:09}", self.nanos);
                let s = &s[..digits.min(9)];
                let s = if trim { s.trim_end_matches('0') } else { s };
                if !s.is_empty() {
                    out.push(sep);
                    out.push_str(s);
                }
            }
        }
    }

    fn push_offset(&self, out: &mut String, colon: bool, seconds: bool, _full: bool) {
        let sign = if self.offset < 0 { '-' } else { '+' };
        let a = self.offset.abs();
        let sep = if colon { ":" } else { "" };
        out.push_str(&format!("{}{:02}{}{:02}", sign, a / 3600, sep, a / 60 % 60));
        if seconds {
            out.push_str(&format!("{}{:02}", sep, a % 60));
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Chunk {
    LongMonth,
    Month,
    NumMonth,
    ZeroMonth,
    LongWeekDay,
    WeekDay,
    Day,
    UnderDay,
    ZeroDay,
    UnderYearDay,
    ZeroYearDay,
    Hour,
    Hour12,
    ZeroHour12,
    Minute,
    ZeroMinute,
    Second,
    ZeroSecond,
    LongYear,
    Year,
    PM,
    Pm,
    TZ,
    Offset {
        z: bool,
        colon: bool,
        seconds: bool,
        hours_only: bool,
    },
    Frac {
        digits: usize,
        trim: bool,
        sep: char,
    },
}

/// Go's `nextStdChunk`, restricted to the start of `s`: the length and kind of the layout
/// element `s` begins with, if any.
fn next_chunk(s: &str) -> Option<(usize, Chunk)> {
    let b = s.as_bytes();
    let starts = |p: &str| s.starts_with(p);
    let lower_next = |i: usize| b.get(i).is_some_and(|c| c.is_ascii_lowercase());
    match b.first()? {
        b'J' if starts("January") => Some((7, Chunk::LongMonth)),
        b'J' if starts("Jan") => Some((3, Chunk::Month)),
        b'M' if starts("Monday") => Some((6, Chunk::LongWeekDay)),
        b'M' if starts("Mon") && !lower_next(3) => Some((3, Chunk::WeekDay)),
        b'M' if starts("MST") => Some((3, Chunk::TZ)),
        b'0' => match b.get(1) {
            Some(b'1') => Some((2, Chunk::ZeroMonth)),
            Some(b'2') if starts("002") => Some((3, Chunk::ZeroYearDay)),
            Some(b'2') => Some((2, Chunk::ZeroDay)),
            Some(b'3') => Some((2, Chunk::ZeroHour12)),
            Some(b'4') => Some((2, Chunk::ZeroMinute)),
            Some(b'5') => Some((2, Chunk::ZeroSecond)),
            Some(b'6') => Some((2, Chunk::Year)),
            _ => None,
        },
        b'1' if starts("15") => Some((2, Chunk::Hour)),
        b'1' => Some((1, Chunk::NumMonth)),
        b'2' if starts("2006") => Some((4, Chunk::LongYear)),
        b'2' => Some((1, Chunk::Day)),
        b'_' if starts("__2") => Some((3, Chunk::UnderYearDay)),
        b'_' if starts("_2") && !starts("_2006") => Some((2, Chunk::UnderDay)),
        b'3' => Some((1, Chunk::Hour12)),
        b'4' => Some((1, Chunk::Minute)),
        b'5' => Some((1, Chunk::Second)),
        b'P' if starts("PM") => Some((2, Chunk::PM)),
        b'p' if starts("pm") => Some((2, Chunk::Pm)),
        b'-' | b'Z' => {
            let z = b[0] == b'Z';
            let body = &s[1..];
            for (pat, colon, seconds, hours_only) in [
                ("070000", false, true, false),
                ("07:00:00", true, true, false),
                ("0700", false, false, false),
                ("07:00", true, false, false),
                ("07", false, false, true),
            ] {
                if body.starts_with(pat) {
                    return Some((
                        1 + pat.len(),
                        Chunk::Offset {
                            z,
                            colon,
                            seconds,
                            hours_only,
                        },
                    ));
                }
            }
            None
        }
        c @ (b'.' | b',') => {
            let d = *b.get(1)?;
            if d != b'0' && d != b'9' {
                return None;
            }
            let n = b[1..].iter().take_while(|&&x| x == d).count();
            // Go: a fractional run counts only when not followed by another digit.
            if b.get(1 + n).is_some_and(|x| x.is_ascii_digit()) {
                return None;
            }
            Some((
                1 + n,
                Chunk::Frac {
                    digits: n,
                    trim: d == b'9',
                    sep: *c as char,
                },
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_go() {
        let t = Civil::from_unix(PLACEHOLDER_NOW + 13 * 3600 + 4 * 60 + 5);
        assert_eq!(
            t.format("2006-01-02T15:04:05Z07:00"),
            "2024-01-01T13:04:05Z"
        );
        assert_eq!(t.format("20060102150405"), "20240101130405");
        assert_eq!(
            t.format("Mon Jan _2 3:04PM 2006 MST"),
            "Mon Jan  1 1:04PM 2024 UTC"
        );
        assert_eq!(
            t.format("Monday, 02-Jan-06 -0700"),
            "Monday, 01-Jan-24 +0000"
        );
        assert_eq!(t.go_string(), "2024-01-01 13:04:05 +0000 UTC");
        assert_eq!(
            t.format("2006-01-02 15:04:05.000"),
            "2024-01-01 13:04:05.000"
        );
        let p = Civil::parse_go_string("2024-01-01 13:04:05.5 +0000 UTC m=+0.1").unwrap();
        assert_eq!(p.unix(), t.unix());
        assert_eq!(p.format(".999"), ".5");
        assert_eq!(
            Civil::from_unix(0).format("January 2, 2006"),
            "January 1, 1970"
        );
        assert_eq!(
            Civil::from_unix(951_782_400).format("2006-01-02 Mon"),
            "2000-02-29 Tue"
        );
    }
}
