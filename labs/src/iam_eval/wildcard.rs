//! Wildcard matching for policy documents: actions, resource ARNs, `StringLike` and `ArnLike`.
//!
//! AWS documents two wildcards, `*` (any run of characters, including none) and `?` (exactly one
//! character). This module owns the three places they are read differently: action names are
//! case-insensitive ("IAM JSON policy elements: Action"); in a `Resource` ARN a wildcard stays
//! inside its colon-separated segment unless a `*` ends the segment ("IAM JSON policy elements:
//! Resource"); and `ArnLike` checks each of the six colon-delimited parts of an ARN separately
//! ("IAM JSON policy elements: Condition operators", ARN condition operators).
//!
//! Every matcher uses memory linear in its inputs and never builds a pattern × text table: a
//! 64 KiB pattern against a 64 KiB ARN must not ask for four gigabytes. The core is the classic
//! two-pointer glob match, which remembers only the last `*` seen; the ARN rule is reduced to it
//! by cutting the pattern at the stars that may cross colons (see [`resource_matches`]). It knows
//! nothing about policies or requests.

/// Whether an action pattern matches a request action, ignoring case.
pub(super) fn action_matches(pattern: &str, action: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().flat_map(char::to_lowercase).collect();
    let action: Vec<char> = action.chars().flat_map(char::to_lowercase).collect();
    glob(&pattern, &action, false)
}

/// Whether a `StringLike` value matches a request value (case-sensitive, wildcards anywhere).
pub(super) fn string_like(pattern: &str, value: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let value: Vec<char> = value.chars().collect();
    glob(&pattern, &value, false)
}

/// Whether an `ArnLike`/`ArnEquals` value matches a request ARN: both are cut into their six
/// colon-delimited parts (the last part keeps any further colons) and each part is matched on
/// its own, case-sensitively. A request value that is not a six-part ARN does not match.
pub(super) fn arn_like(pattern: &str, arn: &str) -> bool {
    let pattern_parts: Vec<&str> = pattern.splitn(6, ':').collect();
    let arn_parts: Vec<&str> = arn.splitn(6, ':').collect();
    pattern_parts.len() == 6
        && arn_parts.len() == 6
        && pattern_parts
            .iter()
            .zip(&arn_parts)
            .all(|(p, a)| string_like(p, a))
}

/// Whether a `Resource` pattern matches a request ARN.
///
/// The documented rule: wildcards match within one colon-separated segment, but a `*` that is
/// the last character of a segment (followed by `:` or the end of the pattern) may expand past
/// colons. Call those stars *crossing*. Cutting the pattern at its crossing stars leaves chunks in
/// which every wildcard stays inside a segment, so each chunk covers a fixed number of the ARN's
/// segments: the first chunk is anchored at the start, the last at the end, and each chunk in
/// between begins with `:` and may start at any later colon. Taking every middle chunk at the
/// earliest colon where it fits is optimal — a later start only leaves less room for the chunks
/// after it — so one left-to-right pass decides, with the segment matches done by [`glob`].
pub(super) fn resource_matches(pattern: &str, resource: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = resource.chars().collect();
    let segments: Vec<&[char]> = text.split(|c| *c == ':').collect();
    let mut chunks: Vec<&[char]> = Vec::new();
    let mut start = 0;
    for i in 0..pattern.len() {
        if pattern[i] == '*' && (i + 1 == pattern.len() || pattern[i + 1] == ':') {
            chunks.push(&pattern[start..i]);
            start = i + 1;
        }
    }
    let last = &pattern[start..];
    // Pieces of a chunk: its colon-separated parts, each matched against one whole segment,
    // except that a chunk followed by a crossing star only needs to match a segment's start.
    let pieces = |chunk: &[char]| -> Vec<Vec<char>> {
        chunk.split(|c| *c == ':').map(<[char]>::to_vec).collect()
    };
    if chunks.is_empty() {
        let pieces = pieces(last);
        return pieces.len() == segments.len()
            && pieces.iter().zip(&segments).all(|(p, s)| glob(p, s, false));
    }
    // The first chunk, anchored at the start: `landing` is the segment its last piece begins.
    let first = pieces(chunks[0]);
    let Some(mut landing) = fits_at(&first, &segments, 0, true) else {
        return false;
    };
    for chunk in &chunks[1..] {
        // A middle chunk starts with `:`: its first piece is empty and stands for the colon
        // before the segment where the chunk begins, which must come after the landing segment.
        let chunk_pieces = pieces(chunk);
        let rest = &chunk_pieces[1..];
        let found = (landing + 1..segments.len()).find_map(|c| fits_at(rest, &segments, c, true));
        match found {
            Some(next) => landing = next,
            None => return false,
        }
    }
    if last.is_empty() {
        // The pattern ends with a crossing star: it takes whatever is left.
        return true;
    }
    // The last chunk also starts with `:` and is anchored at the end of the ARN.
    let last_pieces = pieces(last);
    let rest = &last_pieces[1..];
    let Some(begin) = segments.len().checked_sub(rest.len()) else {
        return false;
    };
    begin > landing && fits_at(rest, &segments, begin, false).is_some()
}

/// Whether `pieces` match the segments from `at` on, each piece one whole segment, except that
/// with `open_end` the last piece only needs to match the start of its segment. Returns the
/// index of the last piece's segment.
fn fits_at(pieces: &[Vec<char>], segments: &[&[char]], at: usize, open_end: bool) -> Option<usize> {
    let end = at + pieces.len();
    if pieces.is_empty() || end > segments.len() || (!open_end && end != segments.len()) {
        return None;
    }
    let (last, whole) = pieces.split_last()?;
    let whole_ok = whole
        .iter()
        .zip(&segments[at..])
        .all(|(p, s)| glob(p, s, false));
    (whole_ok && glob(last, segments[end - 1], open_end)).then_some(end - 1)
}

/// The two-pointer glob match: `*` matches any run, `?` one character, everything else itself.
/// With `open_end` the pattern only has to match a prefix of `text` (as if it ended with `*`).
///
/// It keeps two indices and the position of the last `*`; on a mismatch it lets that star
/// swallow one more character and retries. Earlier stars never need revisiting, because the last
/// star can absorb anything they could. Memory O(1); time O(pattern × text) at worst.
fn glob(pattern: &[char], text: &[char], open_end: bool) -> bool {
    let (mut p, mut t) = (0, 0);
    // (pattern index just after the last `*`, text index that star has swallowed up to)
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if open_end && p == pattern.len() {
            return true;
        }
        match pattern.get(p) {
            Some('*') => {
                star = Some((p + 1, t));
                p += 1;
            }
            Some(&c) if c == '?' || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((after, swallowed)) => {
                    p = after;
                    t = swallowed + 1;
                    star = Some((after, swallowed + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The matcher this module replaced: dynamic programming over (pattern position, text
    /// position), kept here as the oracle the linear matcher is checked against.
    fn table_glob(pattern: &[char], text: &[char], arn: bool) -> bool {
        let (p, t) = (pattern.len(), text.len());
        let mut matches = vec![vec![false; t + 1]; p + 1];
        matches[p][t] = true;
        for i in (0..p).rev() {
            for j in (0..=t).rev() {
                matches[i][j] = match pattern[i] {
                    '*' => {
                        let may_cross = !arn || i + 1 == p || pattern[i + 1] == ':';
                        matches[i + 1][j]
                            || (j < t && (may_cross || text[j] != ':') && matches[i][j + 1])
                    }
                    '?' => j < t && (!arn || text[j] != ':') && matches[i + 1][j + 1],
                    c => j < t && text[j] == c && matches[i + 1][j + 1],
                };
            }
        }
        matches[0][0]
    }

    fn all_strings(alphabet: &[char], max_len: usize) -> Vec<String> {
        let mut out = vec![String::new()];
        let mut layer = vec![String::new()];
        for _ in 0..max_len {
            layer = layer
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            out.extend(layer.iter().cloned());
        }
        out
    }

    // Every pattern over {a, :, *, ?} and every text over {a, b, :} up to five characters: the
    // linear matchers agree with the table on all of them, for plain globs and for ARNs.
    #[test]
    fn linear_matchers_agree_with_the_table_on_every_small_case() {
        let patterns = all_strings(&['a', ':', '*', '?'], 5);
        let texts = all_strings(&['a', 'b', ':'], 5);
        for pattern in &patterns {
            let pc: Vec<char> = pattern.chars().collect();
            for text in &texts {
                let tc: Vec<char> = text.chars().collect();
                assert_eq!(
                    string_like(pattern, text),
                    table_glob(&pc, &tc, false),
                    "glob {pattern:?} {text:?}"
                );
                assert_eq!(
                    resource_matches(pattern, text),
                    table_glob(&pc, &tc, true),
                    "arn {pattern:?} {text:?}"
                );
            }
        }
    }

    // Issue 16: "no lab's memory grows faster than its input (iam-eval's wildcard matcher is
    // pattern × resource today)". The table would need 200,001² booleans (40 GB) here.
    #[test]
    fn a_long_pattern_against_a_long_arn_needs_no_table() {
        let body = "x".repeat(200_000);
        let resource = format!("arn:aws:s3:::bucket/{body}");
        assert!(resource_matches(
            &format!("arn:aws:s3:::bucket/{}*", &body[..100_000]),
            &resource
        ));
        assert!(!resource_matches(
            &format!("arn:aws:s3:::bucket/{body}y"),
            &resource
        ));
        assert!(string_like(
            &format!("{}*y", &body[..100_000]),
            &format!("{body}y")
        ));
        assert!(action_matches(
            &format!("s3:{}*", "?".repeat(100_000)),
            &format!("S3:{body}")
        ));
    }

    // "IAM JSON policy elements: Resource": a `*` or `?` inside a segment does not cross a
    // colon; a `*` that ends a segment does.
    #[test]
    fn resource_wildcards_respect_segments() {
        let instance = "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc";
        assert!(resource_matches(
            "arn:aws:ec2:*:123456789012:instance/*",
            instance
        ));
        assert!(resource_matches("arn:aws:ec2:*", instance));
        assert!(resource_matches("arn:aws:*:*:*:*", instance));
        assert!(!resource_matches(
            "arn:aws:ec2:us-*1:1:x",
            "arn:aws:ec2:us-east:1:1:x"
        ));
        assert!(!resource_matches(
            "arn:aws:ec2:us-east-?",
            "arn:aws:ec2:us-east-:1"
        ));
        assert!(resource_matches(
            "arn:aws:s3:::reports/*",
            "arn:aws:s3:::reports/2025/a:b.csv"
        ));
    }

    // "Condition operators", ARN condition operators: each of the six parts separately.
    #[test]
    fn arn_like_matches_part_by_part() {
        let role = "arn:aws:iam::111122223333:role/ops/Deployer";
        assert!(arn_like("arn:aws:iam::111122223333:role/*", role));
        assert!(arn_like("arn:aws:iam::*:role/ops/Deploy?r", role));
        assert!(!arn_like("arn:aws:iam::*", role));
        assert!(!arn_like("arn:aws:iam::111122223333:role/*", "not-an-arn"));
        assert!(arn_like(
            "arn:aws:logs:*:*:log-group:*",
            "arn:aws:logs:us-east-1:111122223333:log-group:app:*"
        ));
    }
}
