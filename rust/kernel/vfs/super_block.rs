// SPDX-License-Identifier: GPL-2.0

//! The filesystem type, superblock and internal mount of a pseudo-filesystem.
//!
//! C headers: [`include/linux/fs.h`](srctree/include/linux/fs.h),
//! [`include/linux/pseudo_fs.h`](srctree/include/linux/pseudo_fs.h) and
//! [`include/linux/mount.h`](srctree/include/linux/mount.h).

use super::{ExportOperations, PseudoFs};
use crate::ffi::c_int;
use crate::{
    bindings,
    error::{code::ENOMEM, from_err_ptr, Result},
    types::Opaque,
};
use core::{
    marker::PhantomData,
    sync::atomic::{AtomicPtr, Ordering},
};

/// `SB_NOUSER`, a superblock userspace may not mount (`BIT(31)`, which bindgen cannot expand).
const SB_NOUSER: crate::ffi::c_ulong = 1 << 31;

/// The `struct file_system_type` of the pseudo-filesystem `F`.
///
/// It is only ever `kern_mount()`ed, never registered: it does not appear in
/// `/proc/filesystems` and userspace cannot mount it.
pub struct FileSystemType<F: PseudoFs>(Opaque<bindings::file_system_type>, PhantomData<F>);

// SAFETY: Rust never reads the type's fields through a shared reference. C writes only
// `fs_supers` (under `sb_lock`, when a superblock is made or killed) and uses the addresses of
// the lock class keys, which are static objects; `Opaque` keeps the static in writable memory.
unsafe impl<F: PseudoFs> Sync for FileSystemType<F> {}

impl<F: PseudoFs> FileSystemType<F> {
    /// Builds the filesystem type of `F`: a pseudo-filesystem with `F::MAGIC` and `F`'s
    /// superblock and dentry operations, whose superblock is anonymous.
    pub const fn new() -> Self {
        Self(
            Opaque::new(bindings::file_system_type {
                name: F::NAME.as_char_ptr(),
                init_fs_context: Some(init_fs_context::<F>),
                kill_sb: Some(bindings::kill_anon_super),
                // SAFETY: All-zeroes is valid for the other fields: no flags, no owner, not
                // linked into the list of registered types, lock class keys unused so far.
                ..unsafe { core::mem::zeroed() }
            }),
            PhantomData,
        )
    }
}

impl<F: PseudoFs> Default for FileSystemType<F> {
    fn default() -> Self {
        Self::new()
    }
}

/// `->init_fs_context`: sets the new superblock up as a pseudo-filesystem of `F`.
///
/// # Safety
///
/// Called by the VFS with a valid filesystem context being set up for `F`'s type.
unsafe extern "C" fn init_fs_context<F: PseudoFs>(fc: *mut bindings::fs_context) -> c_int {
    // SAFETY: `fc` is valid; `init_pseudo()` allocates the pseudo context and stores it in it.
    let ctx = unsafe { bindings::init_pseudo(fc, F::MAGIC as _) };
    if ctx.is_null() {
        return ENOMEM.to_errno();
    }
    // SAFETY: `ctx` was just allocated by `init_pseudo()` and is only used by this context.
    unsafe {
        (*ctx).ops = F::super_operations().as_raw();
        (*ctx).dops = F::dentry_operations().as_raw();
    }
    0
}

/// The superblock of a pseudo-filesystem `F`.
///
/// # Invariants
///
/// It belongs to `F` and lives as long as a reference to it exists: it is the superblock of a
/// [`KernMount`], which is never unmounted.
#[repr(transparent)]
pub struct SuperBlock<F: PseudoFs>(Opaque<bindings::super_block>, PhantomData<F>);

impl<F: PseudoFs> SuperBlock<F> {
    /// Returns the raw pointer to the superblock.
    pub fn as_raw(&self) -> *mut bindings::super_block {
        self.0.get()
    }

    /// Returns the device number of the superblock (`st_dev` of its files).
    pub fn dev(&self) -> u32 {
        // SAFETY: The superblock is valid (type invariants); `s_dev` is set when it is created.
        unsafe { (*self.as_raw()).s_dev }
    }
}

/// A `struct vfsmount` of `F`, made by `kern_mount()` and never unmounted.
///
/// # Invariants
///
/// Valid for the kernel's lifetime, with a superblock of `F`.
#[repr(transparent)]
pub struct Mount<F: PseudoFs>(Opaque<bindings::vfsmount>, PhantomData<F>);

impl<F: PseudoFs> Mount<F> {
    /// Returns the raw pointer to the mount.
    pub fn as_raw(&self) -> *mut bindings::vfsmount {
        self.0.get()
    }

    /// Returns the mount's superblock.
    pub fn super_block(&self) -> &SuperBlock<F> {
        // SAFETY: The mount is valid, and so is its superblock, of `F` (type invariants);
        // `SuperBlock` is a transparent wrapper.
        unsafe { &*(*self.as_raw()).mnt_sb.cast() }
    }
}

/// The internal mount of `F`, set once at boot by [`KernMount::mount`].
pub struct KernMount<F: PseudoFs>(AtomicPtr<bindings::vfsmount>, PhantomData<F>);

// SAFETY: The pointer is set once and then only read, atomically.
unsafe impl<F: PseudoFs> Sync for KernMount<F> {}

impl<F: PseudoFs> KernMount<F> {
    /// Creates an empty slot for the mount.
    pub const fn new() -> Self {
        Self(AtomicPtr::new(core::ptr::null_mut()), PhantomData)
    }

    /// Mounts `fs_type` internally (`kern_mount()`); with `bindable`, its files may be bind
    /// mounted by userspace (the superblock loses `SB_NOUSER`); with `export`, they may be
    /// encoded as file handles and opened from them.
    pub fn mount(
        &self,
        fs_type: &'static FileSystemType<F>,
        bindable: bool,
        export: Option<&'static ExportOperations>,
    ) -> Result {
        // SAFETY: `fs_type` is a static filesystem type of `F`.
        let mnt = from_err_ptr(unsafe { bindings::kern_mount(fs_type.0.get()) })?;
        // SAFETY: The superblock was just made; nothing can look at its flags or export
        // operations before the mount is published below. A pseudo-filesystem's context cannot
        // pass export operations in 6.12 (`pseudo_fs_context` has no `eops`): they are set here,
        // as `fill_super()` would.
        unsafe {
            let sb = (*mnt).mnt_sb;
            if bindable {
                (*sb).s_flags &= !SB_NOUSER;
            }
            if let Some(export) = export {
                (*sb).s_export_op = export.as_raw();
            }
        }
        // INVARIANT: A kern_mount()ed mount is valid until kern_unmount(), which is never called.
        self.0.store(mnt, Ordering::Release);
        Ok(())
    }

    /// Returns the root of the mount, counted (`path_get()`), as the anchor of file handles
    /// that need no file of the filesystem open (`FD_NSFS_ROOT`).
    pub fn root(&self) -> Option<super::Path> {
        let mnt = self.get()?;
        // SAFETY: The mount is valid forever, and so is its root dentry, which it holds.
        let root = unsafe { super::Dentry::from_raw((*mnt.as_raw()).mnt_root) };
        Some(super::Path::new(mnt, root.into()))
    }

    /// Returns the mount, if [`KernMount::mount`] succeeded.
    pub fn get(&self) -> Option<&Mount<F>> {
        let mnt = self.0.load(Ordering::Acquire);
        // SAFETY: A non-null pointer was stored by `mount` and is valid forever; `Mount` is a
        // transparent wrapper.
        (!mnt.is_null()).then(|| unsafe { &*mnt.cast() })
    }
}

impl<F: PseudoFs> Default for KernMount<F> {
    fn default() -> Self {
        Self::new()
    }
}

/// A `struct seq_file` being filled.
///
/// # Invariants
///
/// Valid, and written only by its owner, for as long as a reference exists.
#[repr(transparent)]
pub struct SeqFile(Opaque<bindings::seq_file>);

impl SeqFile {
    /// Creates a reference to the seq_file at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` must be a valid seq_file that only this reference writes for `'a`.
    #[inline]
    pub unsafe fn from_raw<'a>(ptr: *mut bindings::seq_file) -> &'a Self {
        // SAFETY: Transparent wrapper; validity guaranteed by the caller.
        unsafe { &*ptr.cast() }
    }

    /// Appends `bytes`; on overflow the seq_file notes it and retries with a larger buffer.
    pub fn write(&self, bytes: &[u8]) {
        // SAFETY: The seq_file is valid and ours to write (type invariants); `bytes` is valid
        // for its length.
        unsafe { bindings::seq_write(self.0.get(), bytes.as_ptr().cast(), bytes.len()) };
    }
}
