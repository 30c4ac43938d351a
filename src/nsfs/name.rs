// SPDX-License-Identifier: GPL-2.0

//! The name of an ns file, `type:[inum]`: its dentry name (`readlink` of
//! `/proc/<pid>/ns/<type>`), the root of its bind mounts in mountinfo, and `ns_get_name()`.

use kernel::{
    error::Result,
    str::CStr,
    vfs::{name_too_long, SeqFile},
};

/// The longest name `->d_dname` formats, as `dynamic_dname()`'s buffer in C.
const DNAME_MAX: usize = 64;

/// Writes `type:[inum]` into `out` as `snprintf()` does: truncated and NUL-terminated when `out`
/// is not empty; returns the length the full name has.
///
/// Formatted by hand rather than with `core::fmt`: `/proc/namespaces` writes one per entry.
pub(crate) fn snprint(type_name: &CStr, ino: u64, out: &mut [u8]) -> usize {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    let mut n = ino;
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let mut w = Truncating { out, len: 0 };
    for part in [type_name.as_bytes(), b":[", &digits[start..], b"]"] {
        w.push(part);
    }
    let len = w.len;
    if let Some(last) = w.out.len().checked_sub(1) {
        w.out[len.min(last)] = 0;
    }
    len
}

/// `->d_dname`: the NUL-terminated name at the end of `buf`; returns where it starts.
pub(crate) fn dname(type_name: &CStr, ino: u64, buf: &mut [u8]) -> Result<usize> {
    let mut tmp = [0u8; DNAME_MAX];
    let size = snprint(type_name, ino, &mut tmp) + 1;
    if size > DNAME_MAX || size > buf.len() {
        return Err(name_too_long());
    }
    let start = buf.len() - size;
    buf[start..].copy_from_slice(&tmp[..size]);
    Ok(start)
}

/// `->show_path`: the root of a bind mount of an ns file in `/proc/<pid>/mountinfo`.
pub(crate) fn show_path(type_name: &CStr, ino: u64, seq: &SeqFile) {
    let mut tmp = [0u8; DNAME_MAX];
    let len = snprint(type_name, ino, &mut tmp).min(DNAME_MAX - 1);
    seq.write(&tmp[..len]);
}

/// A writer that keeps what fits in `out`, leaving room for a NUL, and counts the rest.
struct Truncating<'a> {
    out: &'a mut [u8],
    len: usize,
}

impl Truncating<'_> {
    fn push(&mut self, s: &[u8]) {
        let room = self.out.len().saturating_sub(1);
        if self.len < room {
            let n = s.len().min(room - self.len);
            self.out[self.len..self.len + n].copy_from_slice(&s[..n]);
        }
        self.len += s.len();
    }
}

#[cfg(CONFIG_NSRS_KUNIT_TEST)]
mod tests {
    use super::*;
    use kernel::{c_str, kunit_case_assert, kunit_suite};

    fn snprint_counts_what_does_not_fit() {
        let mut buf = [0xffu8; 8];
        let len = snprint(c_str!("net"), 4026531840, &mut buf);
        kunit_case_assert!(len == "net:[4026531840]".len());
        kunit_case_assert!(&buf == b"net:[40\0");
        kunit_case_assert!(snprint(c_str!("net"), 1, &mut []) == "net:[1]".len());
    }

    fn dname_goes_at_the_end_of_the_buffer() {
        let mut buf = [0u8; 16];
        let start = dname(c_str!("uts"), 42, &mut buf);
        kunit_case_assert!(start == Ok(7));
        kunit_case_assert!(&buf[7..] == b"uts:[42]\0");
    }

    fn dname_refuses_a_short_buffer() {
        let mut buf = [0u8; 8];
        kunit_case_assert!(dname(c_str!("uts"), 42, &mut buf) == Err(name_too_long()));
    }

    kunit_suite!(
        nsrs_nsfs_name,
        [
            snprint_counts_what_does_not_fit,
            dname_goes_at_the_end_of_the_buffer,
            dname_refuses_a_short_buffer,
        ]
    );
}
