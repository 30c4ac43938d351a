// SPDX-License-Identifier: GPL-2.0

//! KUnit suites for built-in Rust code.
//!
//! The 6.12 kernel crate runs Rust under KUnit only through its doctests. This lets a built-in
//! Rust object register a suite of its own: [`kunit_suite!`] builds the `struct kunit_case` array
//! and the `struct kunit_suite` as statics and puts a pointer to the suite in the
//! `.kunit_test_suites` section, where KUnit finds it at boot, exactly as `kunit_test_suite()`
//! does in C. Test cases state their conditions with [`kunit_case_assert!`].
//!
//! Built-in code can only call KUnit when KUnit is built in: gate the suite on a `bool` Kconfig
//! option that `depends on KUNIT=y`, as C tests do.
//!
//! C header: [`include/kunit/test.h`](srctree/include/kunit/test.h)
//!
//! [`kunit_suite!`]: crate::kunit_suite
//! [`kunit_case_assert!`]: crate::kunit_case_assert

use crate::{bindings, str::CStr};

/// The function KUnit calls to run one test case.
pub type RunCase = extern "C" fn(*mut bindings::kunit);

/// Returns a test case named `name` of the module (or built-in object) `module`, that runs `run`.
pub const fn case(
    name: &'static CStr,
    module: &'static CStr,
    run: RunCase,
) -> bindings::kunit_case {
    // SAFETY: All-zero is a valid `kunit_case`: null pointers, no parameter generator, default
    // attributes and a zero status, which KUnit sets before running the case.
    let mut case: bindings::kunit_case = unsafe { core::mem::zeroed() };
    case.run_case = Some(run);
    case.name = name.as_char_ptr();
    // KUnit reads it when filtering by module (`kunit.filter=module=...`), as `KUNIT_CASE()` sets
    // it to `KBUILD_MODNAME`.
    case.module_name = module.as_char_ptr().cast_mut();
    case
}

/// Returns the all-zero test case that ends a case array.
pub const fn case_end() -> bindings::kunit_case {
    // SAFETY: All-zero is a valid `kunit_case`, and the one KUnit expects at the end of the array.
    unsafe { core::mem::zeroed() }
}

/// Returns a suite named `name` whose cases are the array at `cases`.
///
/// A name longer than the 255 bytes `struct kunit_suite` holds fails the build.
pub const fn suite(name: &'static CStr, cases: *mut bindings::kunit_case) -> bindings::kunit_suite {
    // SAFETY: All-zero is a valid `kunit_suite`: no init or exit hooks, null pointers and the
    // state KUnit expects of a suite it has not run yet.
    let mut suite: bindings::kunit_suite = unsafe { core::mem::zeroed() };
    let bytes = name.as_bytes_with_nul();
    if bytes.len() > suite.name.len() {
        panic!("KUnit suite name longer than 255 bytes");
    }
    let mut i = 0;
    while i < bytes.len() {
        suite.name[i] = bytes[i] as _;
        i += 1;
    }
    suite.test_cases = cases;
    suite
}

/// An entry of the `.kunit_test_suites` section: a pointer to a suite.
///
/// # Invariants
///
/// The pointer is to a suite that lives forever and that only KUnit accesses.
#[repr(transparent)]
pub struct SuiteEntry(*mut bindings::kunit_suite);

impl SuiteEntry {
    /// Creates the entry for the suite at `suite`.
    ///
    /// # Safety
    ///
    /// `suite` must point to a `kunit_suite` in a `static` with a null-terminated case array,
    /// neither of which anything but KUnit accesses.
    pub const unsafe fn new(suite: *mut bindings::kunit_suite) -> Self {
        // INVARIANT: Guaranteed by the caller.
        Self(suite)
    }
}

// SAFETY: The entry gives no access to the suite without `unsafe` code; KUnit reads the section
// and runs the suites one at a time.
unsafe impl Sync for SuiteEntry {}

/// Registers a KUnit suite of test cases, each a function without arguments.
///
/// The suite runs at boot with the other built-in suites. A case fails, and ends, when a
/// [`kunit_case_assert!`] in it fails.
///
/// ```ignore
/// fn adds_up() {
///     kernel::kunit_case_assert!(1 + 1 == 2);
/// }
///
/// kernel::kunit_suite!(example, [adds_up]);
/// ```
///
/// [`kunit_case_assert!`]: crate::kunit_case_assert
#[macro_export]
macro_rules! kunit_suite {
    ($name:ident, [$($case:ident),+ $(,)?]) => {
        const _: () = {
            const CASE_COUNT: usize = [$(stringify!($case)),+].len();

            static mut CASES: [$crate::bindings::kunit_case; CASE_COUNT + 1] = [
                $($crate::kunit_suite::case(
                    $crate::c_str!(stringify!($case)),
                    $crate::c_str!(stringify!($name)),
                    {
                        extern "C" fn run(_test: *mut $crate::bindings::kunit) {
                            $case()
                        }
                        run
                    },
                ),)+
                $crate::kunit_suite::case_end(),
            ];

            static mut SUITE: $crate::bindings::kunit_suite = $crate::kunit_suite::suite(
                $crate::c_str!(stringify!($name)),
                ::core::ptr::addr_of_mut!(CASES).cast(),
            );

            #[used]
            #[link_section = ".kunit_test_suites"]
            static ENTRY: $crate::kunit_suite::SuiteEntry =
                // SAFETY: `SUITE` and `CASES` are statics private to this block, which only KUnit
                // reaches, through this entry; `CASES` ends with `case_end()`.
                unsafe { $crate::kunit_suite::SuiteEntry::new(::core::ptr::addr_of_mut!(SUITE)) };
        };
    };
}

/// Fails the running KUnit test case, and ends it, when `cond` is false.
///
/// The failure is reported as KUnit reports a failed `KUNIT_ASSERT_TRUE()`, with the line but
/// without the file. Outside a test case it is only logged.
#[macro_export]
macro_rules! kunit_case_assert {
    ($cond:expr $(,)?) => {
        $crate::kunit_assert!("kunit_case_assert", "(Rust)", 0, $cond)
    };
}
