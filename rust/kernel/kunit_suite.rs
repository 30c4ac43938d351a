// SPDX-License-Identifier: GPL-2.0

//! KUnit suites for built-in Rust code.
//!
//! The 6.12 kernel crate runs Rust under KUnit only through its doctests. This lets a built-in
//! Rust object register a suite of its own: [`kunit_suite!`] builds the `struct kunit_case` array
//! and the `struct kunit_suite` as statics and puts a pointer to the suite in the
//! `.kunit_test_suites` section, where KUnit finds it at boot, exactly as `kunit_test_suite()`
//! does in C. Test cases check their conditions with [`kunit_check!`].
//!
//! C header: [`include/kunit/test.h`](srctree/include/kunit/test.h)
//!
//! [`kunit_suite!`]: crate::kunit_suite
//! [`kunit_check!`]: crate::kunit_check

use crate::{bindings, str::CStr};

/// The function KUnit calls to run one test case.
pub type RunCase = unsafe extern "C" fn(*mut bindings::kunit);

/// Returns a test case named `name` that runs `run`.
pub const fn case(name: &'static CStr, run: RunCase) -> bindings::kunit_case {
    // SAFETY: All-zero is a valid `kunit_case`: null pointers, no parameter generator, default
    // attributes and a zero status, which KUnit sets before running the case.
    let mut case: bindings::kunit_case = unsafe { core::mem::zeroed() };
    case.run_case = Some(run);
    case.name = name.as_char_ptr();
    case
}

/// Returns the all-zero test case that ends a case array.
pub const fn case_end() -> bindings::kunit_case {
    // SAFETY: All-zero is a valid `kunit_case`, and the one KUnit expects at the end of the array.
    unsafe { core::mem::zeroed() }
}

/// Returns a suite named `name` whose cases are the array at `cases`.
///
/// `name` is truncated to the 255 bytes `struct kunit_suite` holds.
pub const fn suite(name: &'static CStr, cases: *mut bindings::kunit_case) -> bindings::kunit_suite {
    // SAFETY: All-zero is a valid `kunit_suite`: no init or exit hooks, null pointers and the
    // state KUnit expects of a suite it has not run yet.
    let mut suite: bindings::kunit_suite = unsafe { core::mem::zeroed() };
    let bytes = name.as_bytes_with_nul();
    let mut i = 0;
    while i < bytes.len() && i < suite.name.len() - 1 {
        suite.name[i] = bytes[i] as _;
        i += 1;
    }
    suite.test_cases = cases;
    suite
}

/// An entry of the `.kunit_test_suites` section: a pointer to a suite.
#[repr(transparent)]
pub struct SuiteEntry(pub *mut bindings::kunit_suite);

// SAFETY: The entry is only read, by KUnit, which runs the suites one at a time; the pointer it
// holds is to a static suite that only KUnit touches.
unsafe impl Sync for SuiteEntry {}

/// Registers a KUnit suite of test cases, each a function without arguments.
///
/// The suite runs at boot with the other built-in suites. Each case fails when a
/// [`kunit_check!`] in it fails.
///
/// ```ignore
/// fn adds_up() {
///     kernel::kunit_check!(1 + 1 == 2);
/// }
///
/// kernel::kunit_suite!(example, [adds_up]);
/// ```
///
/// [`kunit_check!`]: crate::kunit_check
#[macro_export]
macro_rules! kunit_suite {
    ($name:ident, [$($case:ident),+ $(,)?]) => {
        const _: () = {
            const CASE_COUNT: usize = [$(stringify!($case)),+].len();

            static mut CASES: [$crate::bindings::kunit_case; CASE_COUNT + 1] = [
                $($crate::kunit_suite::case($crate::c_str!(stringify!($case)), {
                    unsafe extern "C" fn run(_test: *mut $crate::bindings::kunit) {
                        $case()
                    }
                    run
                }),)+
                $crate::kunit_suite::case_end(),
            ];

            static mut SUITE: $crate::bindings::kunit_suite =
                $crate::kunit_suite::suite($crate::c_str!(stringify!($name)), &raw mut CASES as _);

            #[used]
            #[link_section = ".kunit_test_suites"]
            static ENTRY: $crate::kunit_suite::SuiteEntry =
                $crate::kunit_suite::SuiteEntry(&raw mut SUITE);
        };
    };
}

/// Fails the running KUnit test case, and ends it, when `cond` is false.
///
/// Outside a test case the failure is only logged.
#[macro_export]
macro_rules! kunit_check {
    ($cond:expr $(,)?) => {
        $crate::kunit_assert!("kunit_check", "(Rust)", 0, $cond)
    };
}
