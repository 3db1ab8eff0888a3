//! What may appear in logs: phone numbers are masked, tokens never appear.

/// A digit as people write one: ASCII or full-width (`１３９…`).
fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

/// Separators people put inside a phone number: `-`, space, `.`, and their
/// full-width forms.
fn is_separator(c: char) -> bool {
    matches!(c, '-' | ' ' | '.' | '－' | '．' | '\u{3000}')
}

/// Masks every run of 7 or more digits (ASCII or full-width, allowing a
/// leading `+` and `-`, spaces or dots inside a number) down to its first 3
/// and last 2 digits: `138****78` style.
pub fn mask_phone_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let plus = matches!(chars[i], '+' | '＋');
        if is_digit(chars[i]) || (plus && chars.get(i + 1).is_some_and(|c| is_digit(*c))) {
            // Take the longest phone-like run.
            let start = i;
            let mut j = if plus { i + 1 } else { i };
            let mut digits = 0;
            while j < chars.len() {
                let c = chars[j];
                if is_digit(c) {
                    digits += 1;
                } else if !(is_separator(c)
                    && chars.get(j + 1).is_some_and(|n| is_digit(*n))
                    && digits > 0)
                {
                    break;
                }
                j += 1;
            }
            if digits >= 7 {
                let ds: Vec<char> = chars[start..j]
                    .iter()
                    .copied()
                    .filter(|c| is_digit(*c))
                    .collect();
                out.extend(ds.iter().take(3));
                out.push_str("****");
                out.extend(ds.iter().skip(ds.len().saturating_sub(2)));
            } else {
                out.extend(&chars[start..j]);
            }
            i = j;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_mobiles() {
        assert_eq!(
            mask_phone_numbers("call 13800138000 now"),
            "call 138****00 now"
        );
        assert_eq!(mask_phone_numbers("+86 138-0013-8000"), "861****00");
        assert_eq!(
            mask_phone_numbers("两个号码 13800138000,13900139000"),
            "两个号码 138****00,139****00"
        );
    }

    #[test]
    fn leaves_short_numbers() {
        assert_eq!(
            mask_phone_numbers("attempt 3 of 12, status 503"),
            "attempt 3 of 12, status 503"
        );
        assert_eq!(mask_phone_numbers("id 123456"), "id 123456");
        assert_eq!(mask_phone_numbers(""), "");
        assert_eq!(
            mask_phone_numbers("WeCom 4.1.36, base 3.4.0"),
            "WeCom 4.1.36, base 3.4.0"
        );
    }

    #[test]
    fn masks_numbers_written_with_dots_and_full_width_digits() {
        assert_eq!(mask_phone_numbers("tel 139.1234.5678."), "tel 139****78.");
        assert_eq!(
            mask_phone_numbers("电话１３９１２３４５６７８"),
            "电话１３９****７８"
        );
        assert_eq!(
            mask_phone_numbers("＋８６ １３９－１２３４－５６７８"),
            "８６１****７８"
        );
        assert!(!mask_phone_numbers("139 1234 5678").contains("1234"));
    }
}
