// SPDX-License-Identifier: GPL-2.0

//! Integer sysctls whose handlers compute their value per namespace.
//!
//! C header: [`include/linux/sysctl.h`](srctree/include/linux/sysctl.h).

use crate::{
    bindings,
    ffi::{c_int, c_void},
    str::CStr,
    types::Opaque,
};

/// A `proc_handler`.
pub type Handler = unsafe extern "C" fn(
    *const bindings::ctl_table,
    c_int,
    *mut c_void,
    *mut usize,
    *mut bindings::loff_t,
) -> c_int;

/// A static table of sysctl entries, registered once.
#[repr(transparent)]
pub struct SysctlTable<const N: usize>(Opaque<[bindings::ctl_table; N]>);

// SAFETY: Rust never touches the table after it is built; the sysctl core, which takes a
// mutable pointer, reads it. `Opaque` keeps it in writable memory all the same.
unsafe impl<const N: usize> Sync for SysctlTable<N> {}

impl<const N: usize> SysctlTable<N> {
    /// Builds a table of `entries`.
    #[inline]
    pub const fn new(entries: [bindings::ctl_table; N]) -> Self {
        Self(Opaque::new(entries))
    }

    /// Registers the table under `/proc/sys/<path>`; false on failure.
    #[inline]
    pub fn register(&'static self, path: &CStr) -> bool {
        // SAFETY: The table is static and valid; `path` is a valid C string, copied.
        !unsafe { bindings::register_sysctl_sz(path.as_char_ptr(), self.0.get().cast(), N) }
            .is_null()
    }
}

/// An `int` entry named `name` with access `mode`, served by `handler`, which supplies the
/// value and its bounds itself.
#[inline]
pub const fn int_entry(name: &'static CStr, mode: u16, handler: Handler) -> bindings::ctl_table {
    bindings::ctl_table {
        procname: name.as_char_ptr(),
        maxlen: core::mem::size_of::<c_int>() as c_int,
        mode,
        proc_handler: Some(handler),
        // SAFETY: All-zeroes is valid for the rest: no data (the handler provides it), no
        // poll, no bounds.
        ..unsafe { core::mem::zeroed() }
    }
}

/// The arguments the sysctl core passed to a [`Handler`].
pub struct Request {
    /// The entry being accessed.
    pub table: *const bindings::ctl_table,
    /// Non-zero for a write.
    pub write: c_int,
    /// The kernel buffer of the read or write.
    pub buffer: *mut c_void,
    /// Its length, updated.
    pub lenp: *mut usize,
    /// The file position, updated.
    pub ppos: *mut bindings::loff_t,
}

impl Request {
    /// Whether the request is a write.
    #[inline]
    pub fn is_write(&self) -> bool {
        self.write != 0
    }

    /// Reads or writes `value` as `proc_dointvec_minmax()` does, a write accepted only within
    /// `[min, max]`; 0 or a negative errno.
    ///
    /// # Safety
    ///
    /// The fields must be those the sysctl core passed to the handler, for this call.
    #[inline]
    pub unsafe fn dointvec_minmax(&self, value: &mut i32, mut min: i32, mut max: i32) -> c_int {
        // SAFETY: The caller passes the table of the entry being accessed.
        let mut copy = unsafe { *self.table };
        copy.data = core::ptr::from_mut(value).cast();
        copy.extra1 = core::ptr::addr_of_mut!(min).cast();
        copy.extra2 = core::ptr::addr_of_mut!(max).cast();
        // SAFETY: `copy` points to our locals for the call; the rest is the caller's request.
        unsafe {
            bindings::proc_dointvec_minmax(&copy, self.write, self.buffer, self.lenp, self.ppos)
        }
    }
}
