//! Stable sorting with one copy of the sorting code in the wasm.
//!
//! `slice::sort_by_key` is monomorphised for every element type and key
//! closure: each call site cost 2–5 KB of wasm, about 50 KB for the core's
//! dozen sorts (`make size`). Here the sort itself runs once, non-generic,
//! over indices with a `dyn` comparison; what stays generic per call site is
//! the comparison closure and putting the items in their new order.

use std::cmp::Ordering;

/// The order that sorts `n` items stably by `cmp` of their indices.
fn sorted_indices(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| cmp(a, b));
    order
}

/// Puts `v` in `order` (`order[k]` is the index of the item that goes to
/// position `k`), following each cycle of the permutation with swaps.
fn apply<T>(v: &mut [T], mut order: Vec<usize>) {
    for start in 0..order.len() {
        let mut at = start;
        while order[at] != start {
            let from = order[at];
            v.swap(at, from);
            order[at] = at;
            at = from;
        }
        order[at] = at;
    }
}

/// Sorts `v` stably by `cmp`, as `slice::sort_by` does.
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let order = sorted_indices(v.len(), &mut |a, b| cmp(&v[a], &v[b]));
    apply(v, order);
}

/// Sorts `v` stably by `key`, as `slice::sort_by_key` does.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` in ascending order (stably).
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, |a, b| a.cmp(b));
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The same order as the standard library's stable sort, equal keys
        /// kept in the order they came.
        #[test]
        fn it_sorts_as_the_standard_stable_sort(items in proptest::collection::vec((0u8..8, any::<u16>()), 0..200)) {
            let mut ours = items.clone();
            let mut theirs = items;
            sort_by_key(&mut ours, |(k, _)| *k);
            theirs.sort_by_key(|(k, _)| *k);
            prop_assert_eq!(ours, theirs);
        }

        #[test]
        fn sort_and_sort_by_agree_with_the_standard_ones(mut items in proptest::collection::vec(any::<i32>(), 0..100)) {
            let mut expected = items.clone();
            expected.sort();
            let mut by = items.clone();
            sort_by(&mut by, |a, b| b.cmp(a));
            sort(&mut items);
            prop_assert_eq!(&items, &expected);
            expected.reverse();
            prop_assert_eq!(by, expected);
        }
    }
}
