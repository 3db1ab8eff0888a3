//! A map kept as a vector sorted by key: for the small maps the core keeps
//! (each slice's pending calls, drafts, cached names).
//!
//! It behaves like the `BTreeMap` it replaces (ordered iteration, the same
//! JSON shape) but its code is a binary search and a `Vec` insert or remove.
//! A `BTreeMap` costs a few kilobytes of wasm for each key and value type
//! it holds; with a dozen such maps that was a fifth of the core (`make
//! size`). Lookups are O(log n) and inserts O(n): fine for the sizes held
//! (a few pending calls; at most a few hundred names).

use std::borrow::Borrow;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::stored::{at_key, object, Stored, StoredKey};

#[derive(Clone, PartialEq)]
pub struct SortedMap<K, V> {
    items: Vec<(K, V)>,
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        SortedMap { items: Vec::new() }
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    pub fn new() -> Self {
        Self::default()
    }

    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.items.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    /// Sets `key` to `value`; the value it had, if any.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.items[i].1, value)),
            Err(i) => {
                self.items.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| self.items.remove(i).1)
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.items[i].1)
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &mut self.items[i].1)
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }
}

impl<K, V> SortedMap<K, V> {
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn clear(&mut self) {
        self.items.clear();
    }

    /// Keeps the entries `keep` says yes to.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.items.retain_mut(|(k, v)| keep(k, v));
    }

    /// The entries in key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> + ExactSizeIterator {
        self.items.iter().map(|(k, v)| (k, v))
    }

    pub fn iter_mut(
        &mut self,
    ) -> impl DoubleEndedIterator<Item = (&K, &mut V)> + ExactSizeIterator {
        self.items.iter_mut().map(|(k, v)| (&*k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator {
        self.items.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.items.iter().map(|(_, v)| v)
    }

    pub fn into_values(self) -> impl DoubleEndedIterator<Item = V> + ExactSizeIterator {
        self.items.into_iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator {
        self.items.iter_mut().map(|(_, v)| v)
    }
}

/// `map[key]`; panics when the key is missing, as `BTreeMap` does.
impl<K: Ord + Borrow<Q>, Q: Ord + ?Sized, V> std::ops::Index<&Q> for SortedMap<K, V> {
    type Output = V;

    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("no entry for the key")
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for SortedMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut map = SortedMap::new();
        for (k, v) in iter {
            map.insert(k, v);
        }
        map
    }
}

impl<K, V> IntoIterator for SortedMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for SortedMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// Written as a JSON object, as a `BTreeMap` is.
impl<K: Serialize, V: Serialize> Serialize for SortedMap<K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

/// For the derived readers the native tests compare with (not in the wasm).
impl<'de, K: Deserialize<'de> + Ord, V: Deserialize<'de>> Deserialize<'de> for SortedMap<K, V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = std::collections::BTreeMap::<K, V>::deserialize(deserializer)?;
        Ok(map.into_iter().collect())
    }
}

impl<K: StoredKey + Ord, V: Stored> Stored for SortedMap<K, V> {
    fn read_stored(v: Value) -> Result<Self, String> {
        let mut out = SortedMap::new();
        for (k, item) in object(v, "a map")? {
            let value = match V::read_stored(item) {
                Ok(t) => t,
                Err(e) => return Err(at_key(&k, e)),
            };
            out.insert(K::read_key(k)?, value);
        }
        Ok(out)
    }
}

/// A set kept as a sorted vector: [`SortedMap`] without values.
#[derive(Clone, PartialEq, Eq)]
pub struct SortedSet<T> {
    items: Vec<T>,
}

impl<T> Default for SortedSet<T> {
    fn default() -> Self {
        SortedSet { items: Vec::new() }
    }
}

impl<'a, T> IntoIterator for &'a SortedSet<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<T: Ord> SortedSet<T> {
    pub fn new() -> Self {
        SortedSet { items: Vec::new() }
    }

    fn find<Q: Ord + ?Sized>(&self, item: &Q) -> Result<usize, usize>
    where
        T: Borrow<Q>,
    {
        self.items.binary_search_by(|t| t.borrow().cmp(item))
    }

    /// Adds `item`; false when it was there already.
    pub fn insert(&mut self, item: T) -> bool {
        match self.find(&item) {
            Ok(_) => false,
            Err(i) => {
                self.items.insert(i, item);
                true
            }
        }
    }

    /// Takes `item` out; false when it was not there.
    pub fn remove<Q: Ord + ?Sized>(&mut self, item: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        match self.find(item) {
            Ok(i) => {
                self.items.remove(i);
                true
            }
            Err(_) => false,
        }
    }

    pub fn contains<Q: Ord + ?Sized>(&self, item: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.find(item).is_ok()
    }
}

impl<T> SortedSet<T> {
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The items in order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }
}

impl<T: Ord> FromIterator<T> for SortedSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut items: Vec<T> = iter.into_iter().collect();
        super::sorting::sort(&mut items);
        items.dedup();
        SortedSet { items }
    }
}

impl<T> IntoIterator for SortedSet<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<T: fmt::Debug> fmt::Debug for SortedSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    #[derive(Debug, Clone)]
    enum Op {
        Insert(u8, u16),
        Remove(u8),
        Retain(u8),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (any::<u8>(), any::<u16>()).prop_map(|(k, v)| Op::Insert(k % 32, v)),
            any::<u8>().prop_map(|k| Op::Remove(k % 32)),
            any::<u8>().prop_map(|m| Op::Retain(m % 4 + 1)),
        ]
    }

    proptest! {
        /// Any sequence of inserts, removals and retains leaves it as a
        /// `BTreeMap` would be: the same answers, the same order, the same
        /// JSON.
        #[test]
        fn it_behaves_as_a_btree_map(ops in proptest::collection::vec(op(), 0..60)) {
            let mut ours: SortedMap<u32, u16> = SortedMap::new();
            let mut theirs: BTreeMap<u32, u16> = BTreeMap::new();
            for op in ops {
                match op {
                    Op::Insert(k, v) => prop_assert_eq!(ours.insert(k.into(), v), theirs.insert(k.into(), v)),
                    Op::Remove(k) => prop_assert_eq!(ours.remove(&u32::from(k)), theirs.remove(&u32::from(k))),
                    Op::Retain(m) => {
                        let m = u16::from(m);
                        ours.retain(|_, v| *v % m == 0);
                        theirs.retain(|_, v| *v % m == 0);
                    }
                }
                prop_assert_eq!(ours.len(), theirs.len());
                prop_assert!(ours.iter().eq(theirs.iter()));
                for k in 0..32u32 {
                    prop_assert_eq!(ours.get(&k), theirs.get(&k));
                    prop_assert_eq!(ours.contains_key(&k), theirs.contains_key(&k));
                }
            }
            prop_assert_eq!(serde_json::to_string(&ours).unwrap(), serde_json::to_string(&theirs).unwrap());
            let back: SortedMap<u32, u16> = crate::support::stored::read_text(&serde_json::to_string(&ours).unwrap()).unwrap();
            prop_assert!(back == ours);
        }
    }

    proptest! {
        /// A set answers as a `BTreeSet` fed the same inserts and removals.
        #[test]
        fn a_set_behaves_as_a_btree_set(ops in proptest::collection::vec((any::<bool>(), 0u8..24), 0..60)) {
            let mut ours: SortedSet<u8> = SortedSet::new();
            let mut theirs = std::collections::BTreeSet::new();
            for (add, x) in ops {
                if add {
                    prop_assert_eq!(ours.insert(x), theirs.insert(x));
                } else {
                    prop_assert_eq!(ours.remove(&x), theirs.remove(&x));
                }
                prop_assert!(ours.iter().eq(theirs.iter()));
                prop_assert_eq!(ours.len(), theirs.len());
            }
            let collected: SortedSet<u8> = theirs.iter().rev().chain(theirs.iter()).copied().collect();
            prop_assert!(collected == ours);
        }
    }

    #[test]
    fn string_keys_are_looked_up_by_str() {
        let mut m: SortedMap<String, u16> = SortedMap::new();
        m.insert("b".into(), 2);
        m.insert("a".into(), 1);
        assert_eq!(m.get("a"), Some(&1));
        assert_eq!(m.keys().map(String::as_str).collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(format!("{m:?}"), r#"{"a": 1, "b": 2}"#);
        let m: SortedMap<u32, String> =
            crate::support::stored::read_text(r#"{"3": "c", "1": "a"}"#).unwrap();
        assert!(m.into_iter().eq([(1, "a".to_owned()), (3, "c".to_owned())]));
        assert!(
            crate::support::stored::read_text::<SortedMap<u32, String>>(r#"{"x": "c"}"#)
                .unwrap_err()
                .contains("not a whole number")
        );
        let bad = crate::support::stored::read_text::<SortedMap<String, u16>>(r#"{"a": "x"}"#);
        assert_eq!(
            bad,
            Err("`a`: expected a whole number, found a string".into())
        );
    }
}
