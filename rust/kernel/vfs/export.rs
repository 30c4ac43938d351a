// SPDX-License-Identifier: GPL-2.0

//! File handles of a pseudo-filesystem's files: `name_to_handle_at(2)` and `open_by_handle_at(2)`.
//!
//! A filesystem that sets `s_export_op` lets userspace encode a file as a handle, a few bytes
//! that name it, and open it again from the handle later. A pseudo-filesystem's handle names the
//! object behind the file (for nsfs, a namespace by its id), and its decoding finds that object
//! and checks that the caller may open it.
//!
//! C header: [`include/linux/exportfs.h`](srctree/include/linux/exportfs.h)

use super::{Borrowed, Dentry, Inode, PseudoFs};
use crate::{bindings, error::Result, ffi::c_int, types::ARef};

/// What a pseudo-filesystem's file handles are.
pub trait Export: PseudoFs {
    /// The handle type (`FILEID_*`).
    const FILEID: u8;

    /// The length of a handle, in 32-bit words.
    const WORDS: usize;

    /// Writes the handle of the file of `data` and inode number `ino` to `out`, which has
    /// [`Export::WORDS`] words.
    fn encode(data: Borrowed<'_, Self>, ino: u64, out: &mut [u32]);

    /// Finds the file of the handle `fid` (its words as userspace gave them, possibly more than
    /// [`Export::WORDS`]), checking that the caller may open it: its dentry, counted, or `None`
    /// when the handle names nothing the caller may open (which userspace sees as `ESTALE`).
    fn decode(fid: &[u32]) -> Result<Option<ARef<Dentry>>>;
}

/// A `struct export_operations`.
#[repr(transparent)]
pub struct ExportOperations(bindings::export_operations);

// SAFETY: The table is never written after it is built; it holds only function pointers.
unsafe impl Sync for ExportOperations {}

impl ExportOperations {
    /// Builds the export operations of `F`: handles are encoded and decoded by [`Export`]; none
    /// names a parent (`fh_to_parent`, `get_parent` absent), so none is connectable.
    pub const fn new<F: Export>() -> Self {
        Self(bindings::export_operations {
            encode_fh: Some(encode_fh::<F>),
            fh_to_dentry: Some(fh_to_dentry::<F>),
            // SAFETY: All-zeroes is valid for the other fields: no flags, no other operation.
            ..unsafe { core::mem::zeroed() }
        })
    }

    /// Returns the raw pointer to the table.
    pub fn as_raw(&'static self) -> *const bindings::export_operations {
        &self.0
    }
}

/// `->encode_fh`: `FILEID_INVALID` when a parent is asked for, or when `*max_len` is too small,
/// in which case it is set to the length needed, as `exportfs_encode_fh()` expects.
///
/// # Safety
///
/// Called by the VFS with a valid inode of `F`, `fh` writable for `*max_len` words.
unsafe extern "C" fn encode_fh<F: Export>(
    inode: *mut bindings::inode,
    fh: *mut u32,
    max_len: *mut c_int,
    parent: *mut bindings::inode,
) -> c_int {
    let invalid = bindings::fid_type_FILEID_INVALID as c_int;
    if !parent.is_null() {
        return invalid;
    }
    let words = F::WORDS as c_int;
    // SAFETY: The VFS passes a valid `max_len`, which it reads back.
    let max_len = unsafe { &mut *max_len };
    if *max_len < words {
        *max_len = words;
        return invalid;
    }
    *max_len = words;
    // SAFETY: The VFS keeps the inode alive for the call; it is one of `F`'s.
    let inode = unsafe { Inode::from_raw(inode) };
    // SAFETY: `fh` is writable for at least `words` words, checked above.
    let out = unsafe { core::slice::from_raw_parts_mut(fh, F::WORDS) };
    // SAFETY: Every inode of `F` carries `F`'s data.
    F::encode(unsafe { inode.data::<F>() }, inode.ino(), out);
    c_int::from(F::FILEID)
}

/// `->fh_to_dentry`: the dentry, counted, null, or an error pointer.
///
/// # Safety
///
/// Called by the VFS with `fid` readable for `fh_len` words.
unsafe extern "C" fn fh_to_dentry<F: Export>(
    _sb: *mut bindings::super_block,
    fid: *mut bindings::fid,
    fh_len: c_int,
    fh_type: c_int,
) -> *mut bindings::dentry {
    if fh_type != c_int::from(F::FILEID) || fh_len < 0 {
        return core::ptr::null_mut();
    }
    // SAFETY: The VFS copied `fh_len` words of the handle to `fid`, which it keeps for the call.
    let words = unsafe { core::slice::from_raw_parts(fid.cast::<u32>(), fh_len as usize) };
    match F::decode(words) {
        Ok(Some(dentry)) => ARef::into_raw(dentry).as_ptr().cast(),
        Ok(None) => core::ptr::null_mut(),
        Err(e) => e.to_ptr(),
    }
}
