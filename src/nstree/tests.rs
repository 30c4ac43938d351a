// SPDX-License-Identifier: GPL-2.0

//! KUnit cases of the namespace tree: numbering, growth, fixed ids and the order by id.

use super::*;
use kernel::{kunit_case_assert, kunit_suite};

/// Takes a number as `proc_alloc_inum()` does.
fn alloc() -> Option<u32> {
    let mut inum = 0;
    // SAFETY: `inum` is valid for a write.
    (unsafe { nsrs_alloc_inum(&mut inum) } == 0).then_some(inum)
}

fn numbers_are_dynamic_distinct_and_taken() {
    let (a, b) = (alloc(), alloc());
    kunit_case_assert!(a.is_some_and(|a| a >= DYNAMIC_FIRST));
    kunit_case_assert!(b.is_some_and(|b| b >= DYNAMIC_FIRST));
    kunit_case_assert!(a != b);
    let slot = a.and_then(|a| lock().by_inum.get(key_of(a)));
    kunit_case_assert!(slot == Some(Slot::Taken));
    for inum in [a, b].into_iter().flatten() {
        nsrs_free_inum(inum);
    }
}

fn a_freed_number_is_handed_out_first() {
    let Some(a) = alloc() else {
        kunit_case_assert!(false);
        return;
    };
    nsrs_free_inum(a);
    kunit_case_assert!(matches!(lock().by_inum.get(key_of(a)), Some(Slot::Free(_))));
    // Nothing finds a free number.
    kunit_case_assert!(get(a).is_none());
    kunit_case_assert!(alloc() == Some(a));
    nsrs_free_inum(a);
}

fn the_table_grows_and_numbers_stay_distinct() {
    const N: usize = 300;
    let mut taken = [0u32; N];
    let mut n = 0;
    while n < N {
        match alloc() {
            Some(inum) => taken[n] = inum,
            None => break,
        }
        n += 1;
    }
    kunit_case_assert!(n == N);
    let mut sorted = taken;
    sorted[..n].sort_unstable();
    kunit_case_assert!(sorted[..n].windows(2).all(|w| w[0] < w[1]));
    for &inum in &taken[..n] {
        nsrs_free_inum(inum);
    }
}

/// A table of its own: entries come in the order of keys, and only those entered.
fn entries_follow_what_is_entered() {
    let mut table = InumTable::new();
    let Ok(spare) = InumTable::spare(256) else {
        kunit_case_assert!(false);
        return;
    };
    drop(table.grow(spare));
    let mut keys = [0u32; 200];
    for key in keys.iter_mut() {
        *key = table.take().unwrap_or(0);
    }
    let ns = NonNull::from(ns::init_user_ns());
    let (a, b, c) = (keys[3], keys[70], keys[150]);
    for key in [c, a, b] {
        kunit_case_assert!(table.fill(key, ns) == Ok(Slot::Taken));
    }
    kunit_case_assert!(table.free(b) == Some(Slot::Entry(ns)));
    let mut found = table.entries_from(0).map(|(key, _)| key);
    kunit_case_assert!(found.next() == Some(a.min(c)));
    kunit_case_assert!(found.next() == Some(a.max(c)));
    kunit_case_assert!(found.next().is_none());
    kunit_case_assert!(table.entries_from(a.min(c) + 1).count() == 1);
    let _ = table.fill_taken(a);
    kunit_case_assert!(table.entries_from(0).count() == 1);
}

fn initial_namespaces_have_fixed_ids_and_numbers() {
    let pid = find(initial_id(NsType::Pid));
    kunit_case_assert!(pid.is_some_and(|ns| ns.inum() == bindings::PROC_PID_INIT_INO));
    let user = get(bindings::PROC_USER_INIT_INO);
    kunit_case_assert!(user.is_some_and(|ns| ns.id() == initial_id(NsType::User)));
    // The last fixed id is the initial mount namespace's.
    let mnt = find(LAST_INITIAL_ID);
    kunit_case_assert!(mnt.is_some_and(|ns| ns.ns_type() == Some(NsType::Mnt)));
}

fn ids_come_in_order_and_new_ones_are_larger() {
    let tree = lock();
    let mut last = 0;
    let mut ordered = true;
    for (id, _) in tree.by_id.iter_from(0) {
        ordered &= id > last;
        last = id;
    }
    drop(tree);
    kunit_case_assert!(ordered);
    kunit_case_assert!(next_id() > last.max(LAST_INITIAL_ID));
}

kunit_suite!(
    nsrs_nstree,
    [
        numbers_are_dynamic_distinct_and_taken,
        a_freed_number_is_handed_out_first,
        the_table_grows_and_numbers_stay_distinct,
        entries_follow_what_is_entered,
        initial_namespaces_have_fixed_ids_and_numbers,
        ids_come_in_order_and_new_ones_are_larger,
    ]
);
