//! What may appear in logs: phone numbers are masked, tokens never appear.

/// Masks every run of 7 or more digits (allowing `+`, `-` and spaces inside a
/// number) down to its first 3 and last 2 digits: `138****5678` style.
pub fn mask_phone_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit()
            || (chars[i] == '+' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            // Take the longest phone-like run.
            let start = i;
            let mut j = i;
            let mut digits = 0;
            while j < chars.len() {
                let c = chars[j];
                if c.is_ascii_digit() {
                    digits += 1;
                } else if !(c == '+' && j == start)
                    && !((c == '-' || c == ' ')
                        && chars.get(j + 1).is_some_and(char::is_ascii_digit)
                        && digits > 0)
                {
                    break;
                }
                j += 1;
            }
            let run: String = chars[start..j].iter().collect();
            if digits >= 7 {
                let ds: Vec<char> = run.chars().filter(char::is_ascii_digit).collect();
                let head: String = ds.iter().take(3).collect();
                let tail: String = ds.iter().skip(ds.len().saturating_sub(2)).collect();
                out.push_str(&head);
                out.push_str("****");
                out.push_str(&tail);
            } else {
                out.push_str(&run);
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
    }
}
