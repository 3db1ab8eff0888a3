//! Member names as a slice may read them: the people slice owns the cache
//! and the app hands the card and chat views a `&dyn Names`, so no slice
//! imports another to show a colleague by name.

use crate::support::locale::Locale;
use crate::wecom::ids::UserId;
use crate::wecom::members::{person_view, MemberName, PersonView};

/// Looks up what is known of a member's name.
pub trait Names {
    fn member(&self, userid: &UserId) -> MemberName;

    /// The member as the page shows them (name, or words and the userid).
    fn person(&self, userid: &UserId, locale: Locale) -> PersonView {
        person_view(userid, &self.member(userid), locale)
    }
}

/// No names at all (tests, views built before any lookup): every member is
/// still loading.
pub struct NoNames;

impl Names for NoNames {
    fn member(&self, _: &UserId) -> MemberName {
        MemberName::Loading
    }
}
