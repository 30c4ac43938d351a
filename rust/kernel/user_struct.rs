// SPDX-License-Identifier: GPL-2.0

//! Extensible structures from userspace, and whole-buffer checks of user addresses.
//!
//! A system call that takes an extensible structure (`struct clone_args`, `struct open_how`,
//! `struct ns_id_req`, ...) is passed its size: a caller built against older headers passes a
//! smaller one, whose missing fields count as zero; a caller built against newer headers passes a
//! larger one, which is only accepted if the fields the kernel does not know are all zero.
//!
//! C header: [`include/linux/uaccess.h`](srctree/include/linux/uaccess.h)

use crate::{
    bindings,
    error::{code::*, Result},
    uaccess::{UserPtr, UserSlice},
};

/// Whether the `size` bytes at user address `addr` are all in user space (`access_ok()`): a
/// cheap check of the range, not of the mapping, which the copies themselves find out.
///
/// # Examples
///
/// ```
/// use kernel::user_struct::access_ok;
///
/// assert!(access_ok(0x1000, 8));
/// assert!(!access_ok(usize::MAX - 4, 8));
/// ```
#[inline]
pub fn access_ok(addr: UserPtr, size: usize) -> bool {
    // SAFETY: `access_ok()` only compares the range with the end of user space; it reads nothing.
    unsafe { bindings::access_ok(addr as _, size as _) }
}

/// Copies an extensible structure of `out.len()` bytes from user address `addr`, where the
/// caller says it has `usize` bytes (`copy_struct_from_user()`): the common part is copied, a
/// smaller structure is padded with zeroes, and a larger one is accepted only if its extra bytes
/// are zero (`E2BIG` otherwise). `EFAULT` if it cannot be read.
pub fn copy_struct_from_user(out: &mut [u8], addr: UserPtr, usize: usize) -> Result {
    let common = out.len().min(usize);
    if usize > out.len() {
        let extra = addr.wrapping_add(out.len());
        // SAFETY: `check_zeroed_user()` reads user memory only, through the uaccess routines
        // that handle faults.
        match unsafe { bindings::check_zeroed_user(extra as _, usize - out.len()) } {
            0 => return Err(E2BIG),
            ret if ret < 0 => return Err(EFAULT),
            _ => {}
        }
    }
    out[common..].fill(0);
    UserSlice::new(addr, common)
        .reader()
        .read_slice(&mut out[..common])
}

/// Copies `values` to user address `addr` (`copy_to_user()` of the array): `EFAULT` if it
/// cannot all be written.
pub fn copy_u64s_to_user(addr: UserPtr, values: &[u64]) -> Result {
    let len = core::mem::size_of_val(values);
    // SAFETY: The bytes of `values` are valid for reads for `len` bytes and live as long as the
    // borrow; a `u64` has no padding, so every byte is initialised, and `u8` has no alignment.
    let bytes = unsafe { core::slice::from_raw_parts(values.as_ptr().cast::<u8>(), len) };
    UserSlice::new(addr, len).writer().write_slice(bytes)
}
