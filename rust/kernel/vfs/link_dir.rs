// SPDX-License-Identifier: GPL-2.0

//! A directory of magic links made on lookup, in a filesystem that is not ours (procfs).
//!
//! Each entry is a symbolic link inode whose `->get_link` jumps to a path the implementation
//! returns (`nd_jump_link()`, as `/proc/<pid>/ns/*` does) and whose `->readlink` shows a name. A
//! link inode carries a number (`i_ino`) and a static tag (`i_private`) and owns nothing, so the
//! host filesystem's own `->evict_inode` has nothing of ours to release. Its dentries are
//! revalidated on every path walk and deleted on their last `dput()`.
//!
//! C header: [`include/linux/fs.h`](srctree/include/linux/fs.h).

use super::{name_too_long, File, Inode, Path};
use crate::{
    bindings,
    error::{code::ENOMEM, Result},
    ffi::{c_char, c_int, c_uint},
    types::Opaque,
};
use core::marker::PhantomData;

/// The longest link name (`->readlink`) a [`LinkDir`] may produce, NUL included.
pub const LINK_NAME_MAX: usize = 64;

/// A directory of magic links.
pub trait LinkDir: Sized + 'static {
    /// What a link inode carries besides its number.
    type Tag: Sync + 'static;

    /// The inode and dentry operations of the links (statics of the implementation).
    fn link_operations() -> (
        &'static LinkInodeOperations<Self>,
        &'static LinkDentryOperations<Self>,
    );

    /// Lists the entries from `ctx.pos()` on (after `.` and `..`).
    fn iterate(dir: &Inode, ctx: &mut DirContext) -> Result;

    /// Finds the entry `name`: its number and tag, or `ENOENT`.
    fn lookup(dir: &Inode, name: &[u8]) -> Result<(u64, &'static Self::Tag)>;

    /// Whether the entry numbered `ino` with `tag` still exists.
    fn revalidate(ino: u64, tag: &'static Self::Tag) -> bool;

    /// The path the link leads to.
    fn get_link(ino: u64, tag: &'static Self::Tag) -> Result<Path>;

    /// Writes the link's text into `buf` (at most [`LINK_NAME_MAX`] - 1 bytes); returns its
    /// length.
    fn link_name(ino: u64, tag: &'static Self::Tag, buf: &mut [u8; LINK_NAME_MAX]) -> usize;

    /// The permission bits `stat(2)` reports for the link, asked on every call: a way to show
    /// something of the entry's state. The kernel checks no permission on a symbolic link, so
    /// they change nothing else; `0o777`, as every link has, by default.
    fn link_mode(_ino: u64, _tag: &'static Self::Tag) -> u16 {
        0o777
    }
}

/// A `struct dir_context` being filled by `->iterate_shared`.
///
/// # Invariants
///
/// Valid and used only by this context for as long as a reference exists.
#[repr(transparent)]
pub struct DirContext(Opaque<bindings::dir_context>, PhantomData<*mut ()>);

impl DirContext {
    /// The position to continue from.
    #[inline]
    pub fn pos(&self) -> i64 {
        // SAFETY: The context is valid (type invariants).
        unsafe { (*self.0.get()).pos }
    }

    /// Sets the position to continue from next time.
    #[inline]
    pub fn set_pos(&mut self, pos: i64) {
        // SAFETY: The context is valid and ours (type invariants).
        unsafe { (*self.0.get()).pos = pos };
    }

    /// Emits `.` and `..` if the position is before them; false when the buffer is full.
    pub fn emit_dots(&mut self, file: &File) -> bool {
        // SAFETY: The context and the file are valid.
        unsafe { bindings::dir_emit_dots(file.as_raw(), self.0.get()) }
    }

    /// Emits an entry at the current position; false when the buffer is full.
    pub fn emit(&mut self, name: &[u8], ino: u64, dtype: u32) -> bool {
        let Ok(len) = c_int::try_from(name.len()) else {
            return false;
        };
        // SAFETY: The context is valid; `name` is valid for `len` bytes.
        unsafe { bindings::dir_emit(self.0.get(), name.as_ptr().cast(), len, ino, dtype) }
    }
}

/// The `struct inode_operations` of a [`LinkDir`] itself.
#[repr(transparent)]
pub struct DirInodeOperations<D: LinkDir>(bindings::inode_operations, PhantomData<D>);

// SAFETY: Only function pointers, never written after they are built.
unsafe impl<D: LinkDir> Sync for DirInodeOperations<D> {}

impl<D: LinkDir> DirInodeOperations<D> {
    /// Builds the table: lookups go to [`LinkDir::lookup`].
    pub const fn new() -> Self {
        Self(
            bindings::inode_operations {
                lookup: Some(lookup::<D>),
                // SAFETY: All-zeroes is valid: every other operation absent (VFS defaults).
                ..unsafe { core::mem::zeroed() }
            },
            PhantomData,
        )
    }
}

impl<D: LinkDir> Default for DirInodeOperations<D> {
    fn default() -> Self {
        Self::new()
    }
}

/// The `struct file_operations` of a [`LinkDir`] itself.
#[repr(transparent)]
pub struct DirFileOperations<D: LinkDir>(bindings::file_operations, PhantomData<D>);

// SAFETY: Only function pointers and a null owner, never written after they are built.
unsafe impl<D: LinkDir> Sync for DirFileOperations<D> {}

impl<D: LinkDir> DirFileOperations<D> {
    /// Builds the table: `getdents(2)` goes to [`LinkDir::iterate`].
    pub const fn new() -> Self {
        Self(
            bindings::file_operations {
                read: Some(bindings::generic_read_dir),
                iterate_shared: Some(iterate_shared::<D>),
                llseek: Some(bindings::generic_file_llseek),
                // SAFETY: All-zeroes is valid: no owner, every other operation absent.
                ..unsafe { core::mem::zeroed() }
            },
            PhantomData,
        )
    }
}

impl<D: LinkDir> Default for DirFileOperations<D> {
    fn default() -> Self {
        Self::new()
    }
}

/// The `struct inode_operations` of the links of a [`LinkDir`].
#[repr(transparent)]
pub struct LinkInodeOperations<D: LinkDir>(bindings::inode_operations, PhantomData<D>);

// SAFETY: Only function pointers, never written after they are built.
unsafe impl<D: LinkDir> Sync for LinkInodeOperations<D> {}

impl<D: LinkDir> LinkInodeOperations<D> {
    /// Builds the table: [`LinkDir::get_link`], [`LinkDir::link_name`] and
    /// [`LinkDir::link_mode`].
    pub const fn new() -> Self {
        Self(
            bindings::inode_operations {
                get_link: Some(get_link::<D>),
                readlink: Some(readlink::<D>),
                getattr: Some(getattr::<D>),
                // SAFETY: All-zeroes is valid: every other operation absent (VFS defaults).
                ..unsafe { core::mem::zeroed() }
            },
            PhantomData,
        )
    }
}

impl<D: LinkDir> Default for LinkInodeOperations<D> {
    fn default() -> Self {
        Self::new()
    }
}

/// The `struct dentry_operations` of the links of a [`LinkDir`].
#[repr(transparent)]
pub struct LinkDentryOperations<D: LinkDir>(bindings::dentry_operations, PhantomData<D>);

// SAFETY: Only function pointers, never written after they are built.
unsafe impl<D: LinkDir> Sync for LinkDentryOperations<D> {}

impl<D: LinkDir> LinkDentryOperations<D> {
    /// Builds the table: revalidated by [`LinkDir::revalidate`], deleted on their last `dput()`.
    pub const fn new() -> Self {
        Self(
            bindings::dentry_operations {
                d_revalidate: Some(d_revalidate::<D>),
                d_delete: Some(bindings::always_delete_dentry),
                // SAFETY: All-zeroes is valid: every other operation absent.
                ..unsafe { core::mem::zeroed() }
            },
            PhantomData,
        )
    }
}

impl<D: LinkDir> Default for LinkDentryOperations<D> {
    fn default() -> Self {
        Self::new()
    }
}

/// The number and tag of a link inode of `D`.
///
/// # Safety
///
/// `inode` must be a valid link inode made by [`lookup`] for `D`.
unsafe fn link_of<D: LinkDir>(inode: *mut bindings::inode) -> (u64, &'static D::Tag) {
    // SAFETY: The caller guarantees a link inode of `D`: `i_private` is a `&'static D::Tag`,
    // `i_ino` its number; neither changes after the inode is made.
    unsafe { ((*inode).i_ino as u64, &*(*inode).i_private.cast::<D::Tag>()) }
}

/// `->lookup` of the directory.
///
/// # Safety
///
/// Called by the VFS with the directory's valid inode and a new negative dentry in it.
unsafe extern "C" fn lookup<D: LinkDir>(
    dir: *mut bindings::inode,
    dentry: *mut bindings::dentry,
    _flags: c_uint,
) -> *mut bindings::dentry {
    // SAFETY: The VFS holds the directory and the dentry, whose name is stable during lookup.
    let (dir, name) = unsafe {
        let qstr = core::ptr::addr_of!((*dentry).d_name);
        let len = bindings::nsrs_qstr_len(qstr) as usize;
        (
            Inode::from_raw(dir),
            core::slice::from_raw_parts((*qstr).name, len),
        )
    };
    let (ino, tag) = match D::lookup(dir, name) {
        Ok(found) => found,
        Err(e) => return e.to_ptr(),
    };
    // SAFETY: `dir` is valid, so is its superblock.
    let inode = unsafe { bindings::new_inode(dir.super_block_ptr()) };
    if inode.is_null() {
        return ENOMEM.to_ptr();
    }
    let (iops, dops) = D::link_operations();
    // SAFETY: The inode is new and only ours; the dentry is negative and being looked up, so
    // it has no operations yet and may be given some; `d_splice_alias()` takes over the inode.
    unsafe {
        (*inode).i_ino = ino as _;
        (*inode).i_mode = (bindings::S_IFLNK | 0o777) as u16;
        (*inode).i_op = &iops.0;
        (*inode).i_private = (tag as *const D::Tag).cast_mut().cast();
        bindings::simple_inode_init_ts(inode);
        bindings::d_set_d_op(dentry, &dops.0);
        bindings::d_splice_alias(inode, dentry)
    }
}

/// `->iterate_shared` of the directory.
///
/// # Safety
///
/// Called by the VFS with an open file of the directory and a valid context.
unsafe extern "C" fn iterate_shared<D: LinkDir>(
    file: *mut bindings::file,
    ctx: *mut bindings::dir_context,
) -> c_int {
    // SAFETY: The VFS holds the file and owns the context for the call.
    let (file, ctx) = unsafe { (File::from_raw(file), &mut *ctx.cast::<DirContext>()) };
    if !ctx.emit_dots(file) {
        return 0;
    }
    match D::iterate(file.inode(), ctx) {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

/// `->d_revalidate` of a link: does the entry still exist.
///
/// # Safety
///
/// Called by the VFS with a valid dentry of a link of `D`.
unsafe extern "C" fn d_revalidate<D: LinkDir>(
    dentry: *mut bindings::dentry,
    flags: c_uint,
) -> c_int {
    if flags & bindings::LOOKUP_RCU != 0 {
        return crate::error::code::ECHILD.to_errno();
    }
    // SAFETY: Outside RCU walk the caller holds the dentry; links are made positive.
    let inode = unsafe { (*dentry).d_inode };
    if inode.is_null() {
        return 0;
    }
    // SAFETY: A positive dentry with these operations has a link inode of `D`.
    let (ino, tag) = unsafe { link_of::<D>(inode) };
    c_int::from(D::revalidate(ino, tag))
}

/// `->get_link` of a link: jumps to the path [`LinkDir::get_link`] gives.
///
/// # Safety
///
/// Called by the VFS during a path walk with a valid link inode of `D`.
unsafe extern "C" fn get_link<D: LinkDir>(
    dentry: *mut bindings::dentry,
    inode: *mut bindings::inode,
    _done: *mut bindings::delayed_call,
) -> *const c_char {
    // Finding the target may sleep: not in an RCU walk.
    if dentry.is_null() {
        return crate::error::code::ECHILD.to_ptr();
    }
    // SAFETY: The inode is a link inode of `D`.
    let (ino, tag) = unsafe { link_of::<D>(inode) };
    let path = match D::get_link(ino, tag) {
        Ok(path) => path,
        Err(e) => return e.to_ptr(),
    };
    let mut raw = core::mem::MaybeUninit::<bindings::path>::uninit();
    // SAFETY: `raw` is writable; it receives the path's counts, which `nd_jump_link()` takes
    // over whether it succeeds or not.
    let ret = unsafe {
        path.into_raw(raw.as_mut_ptr());
        bindings::nd_jump_link(raw.as_ptr())
    };
    match ret {
        0 => core::ptr::null(),
        e => crate::error::Error::from_errno(e).to_ptr(),
    }
}

/// `->getattr` of a link: the inode's attributes, with the permission bits
/// [`LinkDir::link_mode`] gives.
///
/// # Safety
///
/// Called by the VFS with a valid path to a link of `D`, held, and a `kstat` to fill.
unsafe extern "C" fn getattr<D: LinkDir>(
    idmap: *mut bindings::mnt_idmap,
    path: *const bindings::path,
    stat: *mut bindings::kstat,
    request_mask: u32,
    _query_flags: c_uint,
) -> c_int {
    // SAFETY: The caller holds the path, whose dentry is positive: a link inode of `D`.
    let inode = unsafe { (*(*path).dentry).d_inode };
    // SAFETY: As above.
    let (ino, tag) = unsafe { link_of::<D>(inode) };
    // SAFETY: The inode is valid and `stat` is the caller's to fill.
    unsafe {
        bindings::generic_fillattr(idmap, request_mask, inode, stat);
        (*stat).mode = (bindings::S_IFLNK as u16) | (D::link_mode(ino, tag) & 0o7777);
    }
    0
}

/// `->readlink` of a link: the text [`LinkDir::link_name`] gives.
///
/// # Safety
///
/// Called by the VFS with a valid dentry of a link of `D` and a user buffer of `buflen` bytes.
unsafe extern "C" fn readlink<D: LinkDir>(
    dentry: *mut bindings::dentry,
    buffer: *mut c_char,
    buflen: c_int,
) -> c_int {
    // SAFETY: The caller holds the dentry, which is positive.
    let (ino, tag) = unsafe { link_of::<D>((*dentry).d_inode) };
    let mut name = [0u8; LINK_NAME_MAX];
    let len = D::link_name(ino, tag, &mut name);
    if len >= LINK_NAME_MAX {
        return name_too_long().to_errno();
    }
    name[len] = 0;
    // SAFETY: `name` is NUL-terminated; `readlink_copy()` checks the user buffer.
    unsafe { bindings::readlink_copy(buffer, buflen, name.as_ptr().cast()) }
}
