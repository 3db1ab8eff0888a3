//! WeCom's callback crypto (WXBizMsgCrypt), built on the `aes`, `cbc`,
//! `sha1` and `base64` crates.
//!
//! - `msg_signature` = hex SHA1 of the lexicographically sorted
//!   `[token, timestamp, nonce, encrypt]`, concatenated;
//! - the key is base64(EncodingAESKey + "="), 32 bytes, decoded leniently
//!   (WeCom's own sample key has non-zero trailing bits); the IV is the key's
//!   first 16 bytes; AES-256-CBC with PKCS#7 padding to 32-byte blocks;
//! - the plaintext is 16 random bytes, the message length (4 bytes, big
//!   endian), the message, then the receive id (the corp id).

use aes::cipher::{block_padding::NoPadding, BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use base64::alphabet::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;
use sha1::{Digest, Sha1};
use std::fmt;

type Dec = cbc::Decryptor<aes::Aes256>;
type Enc = cbc::Encryptor<aes::Aes256>;

/// The callback AES key. Debug never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct CallbackKey([u8; 32]);

impl fmt::Debug for CallbackKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CallbackKey(<redacted>)")
    }
}

const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Why a callback cannot be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CryptoError {
    BadSignature,
    BadBase64,
    BadLength,
    BadPadding,
    BadReceiveId,
    NotUtf8,
}

impl CryptoError {
    pub fn code(self) -> &'static str {
        match self {
            CryptoError::BadSignature => "bad_signature",
            CryptoError::BadBase64 => "bad_base64",
            CryptoError::BadLength => "bad_length",
            CryptoError::BadPadding => "bad_padding",
            CryptoError::BadReceiveId => "bad_receive_id",
            CryptoError::NotUtf8 => "not_utf8",
        }
    }
}

impl CallbackKey {
    /// From the 43-character EncodingAESKey of the admin console.
    pub fn from_encoding_aes_key(s: &str) -> Result<CallbackKey, &'static str> {
        if s.len() != 43
            || !s
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
        {
            return Err("expected the 43-character EncodingAESKey (letters and digits)");
        }
        let bytes = LENIENT.decode(format!("{s}=")).map_err(|_| "not base64")?;
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|_| "does not decode to 32 bytes")?;
        Ok(CallbackKey(key))
    }

    fn iv(&self) -> [u8; 16] {
        let mut iv = [0u8; 16];
        iv.copy_from_slice(&self.0[..16]);
        iv
    }

    /// Decrypts `encrypt` (base64) and checks the receive id. Returns the
    /// message.
    pub fn decrypt(&self, encrypt: &str, receive_id: &str) -> Result<String, CryptoError> {
        let mut buf = base64::engine::general_purpose::STANDARD
            .decode(encrypt.trim())
            .map_err(|_| CryptoError::BadBase64)?;
        if buf.len() < 32 || buf.len() % 16 != 0 {
            return Err(CryptoError::BadLength);
        }
        let plain = Dec::new(&self.0.into(), &self.iv().into())
            .decrypt_padded_mut::<NoPadding>(&mut buf)
            .map_err(|_| CryptoError::BadLength)?;
        let pad = *plain.last().ok_or(CryptoError::BadPadding)? as usize;
        if pad == 0
            || pad > 32
            || pad > plain.len()
            || !plain[plain.len() - pad..]
                .iter()
                .all(|&b| b as usize == pad)
        {
            return Err(CryptoError::BadPadding);
        }
        let plain = &plain[..plain.len() - pad];
        if plain.len() < 20 {
            return Err(CryptoError::BadLength);
        }
        let len = u32::from_be_bytes([plain[16], plain[17], plain[18], plain[19]]) as usize;
        let rest = &plain[20..];
        if len > rest.len() {
            return Err(CryptoError::BadLength);
        }
        let (msg, rid) = rest.split_at(len);
        if rid != receive_id.as_bytes() {
            return Err(CryptoError::BadReceiveId);
        }
        String::from_utf8(msg.to_vec()).map_err(|_| CryptoError::NotUtf8)
    }

    /// Encrypts `msg` as WeCom does (for tests, the double and replies).
    pub fn encrypt(&self, random16: &[u8; 16], msg: &str, receive_id: &str) -> String {
        let mut plain = Vec::with_capacity(20 + msg.len() + receive_id.len() + 32);
        plain.extend_from_slice(random16);
        plain.extend_from_slice(&(msg.len() as u32).to_be_bytes());
        plain.extend_from_slice(msg.as_bytes());
        plain.extend_from_slice(receive_id.as_bytes());
        let pad = 32 - plain.len() % 32;
        plain.extend(std::iter::repeat_n(pad as u8, pad));
        let n = plain.len();
        let out = Enc::new(&self.0.into(), &self.iv().into())
            .encrypt_padded_mut::<NoPadding>(&mut plain, n)
            .expect("a whole number of blocks");
        base64::engine::general_purpose::STANDARD.encode(out)
    }
}

/// `msg_signature`: hex SHA1 of the sorted parts, concatenated.
pub fn signature(token: &str, timestamp: &str, nonce: &str, encrypt: &str) -> String {
    let mut parts = [token, timestamp, nonce, encrypt];
    parts.sort_unstable();
    let mut h = Sha1::new();
    for p in parts {
        h.update(p.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Compares a received signature with the expected one in constant time.
pub fn signature_matches(expected: &str, received: &str) -> bool {
    let (a, b) = (
        expected.as_bytes(),
        received.trim().to_ascii_lowercase().into_bytes(),
    );
    a.len() == b.len()
        && a.iter()
            .zip(b.iter())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    // WeCom's published WXBizMsgCrypt sample (shared/wecom-facts.md §6).
    const TOKEN: &str = "QDG6eK";
    const CORP: &str = "wx5823bf96d3bd56c7";
    const AES_KEY: &str = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    pub const VERIFY_SIG: &str = "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3";
    pub const VERIFY_TS: &str = "1409659589";
    pub const VERIFY_NONCE: &str = "263014780";
    pub const VERIFY_ECHO: &str =
        "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==";
    const MSG_SIG: &str = "477715d11cdb4164915debcba66cb864d751f3e6";
    const MSG_TS: &str = "1409659813";
    const MSG_NONCE: &str = "1372623149";
    const MSG_ENCRYPT: &str = "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==";

    fn key() -> CallbackKey {
        CallbackKey::from_encoding_aes_key(AES_KEY).unwrap()
    }

    #[test]
    fn wecom_sample_verify_url() {
        assert_eq!(
            signature(TOKEN, VERIFY_TS, VERIFY_NONCE, VERIFY_ECHO),
            VERIFY_SIG
        );
        assert_eq!(
            key().decrypt(VERIFY_ECHO, CORP).unwrap(),
            "1616140317555161061"
        );
    }

    #[test]
    fn wecom_sample_decrypt_msg() {
        assert_eq!(signature(TOKEN, MSG_TS, MSG_NONCE, MSG_ENCRYPT), MSG_SIG);
        let msg = key().decrypt(MSG_ENCRYPT, CORP).unwrap();
        assert!(
            msg.starts_with("<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>"),
            "{msg}"
        );
        assert!(msg.contains("<AgentID>218</AgentID>"), "{msg}");
    }

    #[test]
    fn the_sample_key_needs_lenient_base64() {
        let strict = base64::engine::general_purpose::STANDARD.decode(format!("{AES_KEY}="));
        assert!(
            strict.is_err(),
            "the official key has non-zero trailing bits"
        );
        assert!(CallbackKey::from_encoding_aes_key(AES_KEY).is_ok());
        assert!(CallbackKey::from_encoding_aes_key("short").is_err());
        assert!(CallbackKey::from_encoding_aes_key(&"!".repeat(43)).is_err());
    }

    #[test]
    fn round_trip_and_refusals() {
        let k = key();
        for msg in ["", "x", &"中".repeat(100), &"a".repeat(12)] {
            let enc = k.encrypt(&[7; 16], msg, CORP);
            assert_eq!(k.decrypt(&enc, CORP).unwrap(), msg);
            assert_eq!(
                k.decrypt(&enc, "wwsomeoneelse").unwrap_err(),
                CryptoError::BadReceiveId
            );
        }
        assert_eq!(
            k.decrypt("not base64!!", CORP).unwrap_err(),
            CryptoError::BadBase64
        );
        assert_eq!(k.decrypt("AAAA", CORP).unwrap_err(), CryptoError::BadLength);
        let garbage = base64::engine::general_purpose::STANDARD.encode([0u8; 64]);
        assert!(k.decrypt(&garbage, CORP).is_err());
        let other = CallbackKey::from_encoding_aes_key(&"a".repeat(43)).unwrap();
        assert!(other.decrypt(VERIFY_ECHO, CORP).is_err());
    }

    #[test]
    fn signature_comparison() {
        assert!(signature_matches(VERIFY_SIG, VERIFY_SIG));
        assert!(signature_matches(VERIFY_SIG, &VERIFY_SIG.to_uppercase()));
        assert!(!signature_matches(VERIFY_SIG, &VERIFY_SIG[1..]));
        assert!(!signature_matches(
            VERIFY_SIG,
            "0000000000000000000000000000000000000000"
        ));
    }
}
