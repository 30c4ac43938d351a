// SPDX-License-Identifier: GPL-2.0

//! nsfs: the pseudo-filesystem behind `/proc/<pid>/ns/*`, in place of `fs/nsfs.c`.
//!
//! Every namespace that is opened gets one inode, numbered with the namespace's `inum`, and one
//! dentry at a time, stashed in the namespace (`ns_common::stashed`, see [`stash`]). The inode
//! owns a reference on the namespace and an active one ([`ActiveRef`]: an open or bind-mounted
//! ns file keeps its namespace reachable), dropped when the inode is evicted; the dentry is
//! deleted on its last `dput()`, so a namespace that nothing opens costs nothing here, and
//! closing the last file of a namespace nobody else uses makes it inactive at once.
//!
//! [`ActiveRef`]: crate::nstree::active::ActiveRef
//!
//! The C side of the kernel reaches nsfs through the `extern "C"` functions below, declared in
//! `include/linux/proc_ns.h`, `include/linux/proc_fs.h` and `fs/internal.h`;
//! `ns_dentry_operations` is how `do_loopback()` recognises ns files.

use kernel::{
    bindings, c_str,
    error::{code::*, Result},
    ffi::{c_char, c_int, c_long, c_void},
    ns::{NsCommon, NsOperations},
    ns::{PidNamespace, UserNamespace},
    prelude::*,
    vfs::{
        Dentry, DentryOperations, DyingDentry, ExportOperations, File, FileOperations,
        FileSystemType, KernMount, Mount, PseudoFs, SeqFile, SuperOperations,
    },
};

mod handle;
mod ioctl;
pub(crate) mod name;
pub(crate) mod stash;

/// The nsfs pseudo-filesystem.
pub struct Nsfs;

impl PseudoFs for Nsfs {
    const NAME: &'static CStr = c_str!("nsfs");
    const MAGIC: u32 = bindings::NSFS_MAGIC;
    type InodeData = crate::nstree::active::ActiveRef;

    fn dentry_operations() -> &'static DentryOperations {
        &ns_dentry_operations
    }

    fn super_operations() -> &'static SuperOperations {
        &NSFS_SUPER_OPS
    }

    fn dname(ns: &NsCommon, ino: u64, buf: &mut [u8]) -> Result<usize> {
        name::dname(ns.type_name(), ino, buf)
    }

    fn prune(ns: &NsCommon, dentry: DyingDentry<'_>) {
        // Another opener may already have replaced this dentry with its own: only ours goes.
        ns.stash().remove(dentry);
    }

    fn show_path(ns: &NsCommon, ino: u64, seq: &SeqFile) {
        name::show_path(ns.type_name(), ino, seq);
    }

    fn ioctl(ns: &NsCommon, cmd: u32, arg: usize) -> Result<c_long> {
        ioctl::ns_ioctl(ns, cmd, arg)
    }
}

/// The dentry operations of nsfs; `do_loopback()` and `is_mnt_ns_file()` compare `d_op` with
/// this table's address to tell an ns file.
#[no_mangle]
#[allow(non_upper_case_globals)]
pub static ns_dentry_operations: DentryOperations = DentryOperations::new::<Nsfs>();

static NSFS_SUPER_OPS: SuperOperations = SuperOperations::new::<Nsfs>();

/// The file operations of ns files; [`proc_ns_file`] compares `f_op` with this table.
static NS_FILE_OPS: FileOperations = FileOperations::new::<Nsfs>();

static NSFS_TYPE: FileSystemType<Nsfs> = FileSystemType::new();

/// The export operations of nsfs: ns files as file handles ([`handle`]).
static NSFS_EXPORT_OPS: ExportOperations = ExportOperations::new::<Nsfs>();

static NSFS_MNT: KernMount<Nsfs> = KernMount::new();

/// Returns the internal mount, which [`nsfs_init`] made before anything could ask for it.
fn mount() -> Result<&'static Mount<Nsfs>> {
    NSFS_MNT.get().ok_or(ENODEV)
}

/// Returns the namespace an nsfs dentry stands for.
fn namespace_of(dentry: &Dentry) -> Result<&NsCommon> {
    let inode = dentry.inode().ok_or(ENOENT)?;
    // SAFETY: Every dentry handed out by this module is an instantiated dentry of nsfs.
    Ok(unsafe { inode.data::<Nsfs>() })
}

/// Mounts nsfs internally, once, at boot. Its files may be bind mounted.
///
/// `start_kernel()` calls this once procfs is up and every initial namespace exists: the rest
/// of the component's set-up is done here too.
#[no_mangle]
pub extern "C" fn nsfs_init() {
    if NSFS_MNT
        .mount(&NSFS_TYPE, true, Some(&NSFS_EXPORT_OPS))
        .is_err()
    {
        panic!("can't set nsfs up\n");
    }
    crate::late_init();
}
kernel::c_prototype!(nsfs_init());

/// Fills `path` with the root of nsfs, counted: the anchor `open_by_handle_at(2)` uses for
/// `FD_NSFS_ROOT`, so that the caller needs no ns file at hand.
///
/// # Safety
///
/// `path` must be valid for writes.
#[no_mangle]
pub unsafe extern "C" fn nsfs_get_root(path: *mut bindings::path) {
    // `nsfs_init()` mounted nsfs at boot, or panicked.
    if let Some(root) = NSFS_MNT.root() {
        // SAFETY: The caller guarantees `path` is writable; it takes over the counts.
        unsafe { root.into_raw(path) };
    }
}
kernel::c_prototype!(nsfs_get_root(_));

/// Whether the caller may see every namespace, not only those it is in: a task of the initial
/// pid namespace with `CAP_SYS_ADMIN` over the initial user namespace (`may_see_all_namespaces()`,
/// 7.0's rule for walking, listing and opening by handle).
pub(crate) fn may_see_all_namespaces() -> bool {
    PidNamespace::current_is_init()
        && UserNamespace::current_capable_in_init_noaudit(bindings::CAP_SYS_ADMIN)
}

/// Converts a result to the `int` C callers expect: 0 or a negative errno.
fn to_c_int(res: Result) -> c_int {
    res.map_or_else(|e| e.to_errno(), |()| 0)
}

/// Fills `path` with the nsfs path of the namespace `ns_get_cb(private_data)` returns, which
/// gives a counted reference or null (`ENOENT`).
///
/// # Safety
///
/// `path` must be writable; `ns_get_cb` must return a counted namespace reference or null.
#[no_mangle]
pub unsafe extern "C" fn ns_get_path_cb(
    path: *mut bindings::path,
    ns_get_cb: bindings::ns_get_path_helper_t,
    private_data: *mut c_void,
) -> c_int {
    let Some(get) = ns_get_cb else {
        return EINVAL.to_errno();
    };
    // SAFETY: The callback returns a counted reference or null, as the caller guarantees.
    let Some(ns) = (unsafe { NsCommon::from_owned_raw(get(private_data)) }) else {
        return ENOENT.to_errno();
    };
    to_c_int(stash::path_of(ns).map(|p| {
        // SAFETY: The caller guarantees `path` is writable; it takes over the counts.
        unsafe { p.into_raw(path) }
    }))
}
kernel::c_prototype!(ns_get_path_cb(_, _, _));

/// Fills `path` with the nsfs path of `task`'s namespace of the type of `ns_ops`.
///
/// # Safety
///
/// `path` must be writable, `task` a task the caller keeps alive, `ns_ops` static operations.
#[no_mangle]
pub unsafe extern "C" fn ns_get_path(
    path: *mut bindings::path,
    task: *mut bindings::task_struct,
    ns_ops: *const bindings::proc_ns_operations,
) -> c_int {
    // SAFETY: The caller guarantees `ns_ops` is a static operations table.
    let ops = unsafe { NsOperations::from_raw(ns_ops) };
    // SAFETY: The caller keeps `task` alive.
    let Some(ns) = (unsafe { ops.get_from_task(task) }) else {
        return ENOENT.to_errno();
    };
    to_c_int(stash::path_of(ns).map(|p| {
        // SAFETY: The caller guarantees `path` is writable; it takes over the counts.
        unsafe { p.into_raw(path) }
    }))
}
kernel::c_prototype!(ns_get_path(_, _, _));

/// Opens `ns` read-only on a new close-on-exec descriptor; consumes the reference, whatever
/// the outcome. Returns the descriptor or a negative errno.
///
/// # Safety
///
/// `ns` must be a namespace on which the caller owns a counted reference.
#[no_mangle]
pub unsafe extern "C" fn open_namespace(ns: *mut bindings::ns_common) -> c_int {
    // SAFETY: The caller gives us its counted reference.
    match unsafe { NsCommon::from_owned_raw(ns) } {
        Some(ns) => ioctl::open_fd(ns).map_or_else(|e| e.to_errno(), |fd| fd as c_int),
        None => ENOENT.to_errno(),
    }
}
kernel::c_prototype!(open_namespace(_));

/// Opens the namespace `get_ns(ns)` returns (counted, or an error pointer), as
/// [`open_namespace`] does. `SIOCGSKNS` uses it to open a socket's network namespace.
///
/// # Safety
///
/// `ns` must be a live namespace; `get_ns` must return a counted reference or an error pointer.
#[no_mangle]
pub unsafe extern "C" fn open_related_ns(
    ns: *mut bindings::ns_common,
    get_ns: Option<unsafe extern "C" fn(*mut bindings::ns_common) -> *mut bindings::ns_common>,
) -> c_int {
    let Some(get) = get_ns else {
        return EINVAL.to_errno();
    };
    // SAFETY: The caller guarantees `ns` is alive and what `get_ns` returns.
    match kernel::error::from_err_ptr(unsafe { get(ns) }) {
        // SAFETY: A counted reference, which `open_namespace` consumes.
        Ok(relative) => unsafe { open_namespace(relative) },
        Err(e) => e.to_errno(),
    }
}
kernel::c_prototype!(open_related_ns(_, _));

/// Writes `type:[inum]` of `task`'s namespace of the type of `ns_ops` to `buf`, as
/// `snprintf()` would; returns the full length, or `ENOENT` when the task has none.
///
/// # Safety
///
/// `buf` must be writable for `size` bytes, `task` alive, `ns_ops` static operations.
#[no_mangle]
pub unsafe extern "C" fn ns_get_name(
    buf: *mut c_char,
    size: usize,
    task: *mut bindings::task_struct,
    ns_ops: *const bindings::proc_ns_operations,
) -> c_int {
    // SAFETY: The caller guarantees `ns_ops` is a static operations table.
    let ops = unsafe { NsOperations::from_raw(ns_ops) };
    // SAFETY: The caller keeps `task` alive.
    let Some(ns) = (unsafe { ops.get_from_task(task) }) else {
        return ENOENT.to_errno();
    };
    let out: &mut [u8] = if size == 0 {
        &mut []
    } else {
        // SAFETY: The caller guarantees `size` writable bytes at `buf`.
        unsafe { core::slice::from_raw_parts_mut(buf.cast(), size) }
    };
    name::snprint(ops.real_name(), ns.inum().into(), out) as c_int
}
kernel::c_prototype!(ns_get_name(_, _, _, _));

/// Whether `file` is an ns file: opened on nsfs.
///
/// # Safety
///
/// `file` must be an open file the caller holds.
#[no_mangle]
pub unsafe extern "C" fn proc_ns_file(file: *const bindings::file) -> bool {
    // SAFETY: The caller holds the file.
    unsafe { File::from_raw(file) }.has_operations(&NS_FILE_OPS)
}
kernel::c_prototype!(proc_ns_file(_));

/// Whether `ns` is the namespace whose nsfs file has device `dev` and inode `ino`.
///
/// # Safety
///
/// `ns` must be a live namespace.
#[no_mangle]
pub unsafe extern "C" fn ns_match(
    ns: *const bindings::ns_common,
    dev: bindings::dev_t,
    ino: bindings::ino_t,
) -> bool {
    // SAFETY: The caller guarantees the namespace is alive.
    let ns = unsafe { NsCommon::from_raw(ns) };
    let Ok(mnt) = mount() else {
        return false;
    };
    u64::from(ns.inum()) == ino as u64 && mnt.super_block().dev() == dev
}
kernel::c_prototype!(ns_match(_, _, _));
