// SPDX-License-Identifier: GPL-2.0

//! Namespaces: the part every namespace type shares.
//!
//! Each of the eight namespace types embeds a `struct ns_common`: its inode number in nsfs, its
//! operations (`struct proc_ns_operations`) and its reference count.
//!
//! C headers: [`include/linux/ns_common.h`](srctree/include/linux/ns_common.h) and
//! [`include/linux/proc_ns.h`](srctree/include/linux/proc_ns.h).

use crate::{
    bindings,
    error::{from_err_ptr, Result},
    str::CStr,
    types::{ARef, AlwaysRefCounted, ForeignOwnable, Opaque},
    vfs::DentryStash,
};
use core::ptr::{addr_of, addr_of_mut, NonNull};

mod active;
pub mod current;
mod id_tree;
mod mnt;
mod ops;
mod pid;
mod pid_life;
mod proxy;
pub mod reaper;
pub mod sysctl;
mod user;

pub use id_tree::{IdTree, IdTreeIter};
pub use mnt::MntNamespace;
pub use ops::{GetFn, GetParentFn, InstallFn, NsOperations, OwnerFn, PutFn};
pub use pid::{
    IdrPreload, NewPid, NsSet, PidCachesGuard, PidKind, PidNamespace, PidPtr, PidmapGuard, RcuTask,
};
pub use pid_life::{DeadPidNamespace, NewPidNamespace, PidNsCharge};
pub use proxy::{NsProxy, NsSlot};
pub use user::UserNamespace;

/// The type of a namespace, named after the `CLONE_NEW*` flag that creates one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NsType {
    /// Mount namespace, `CLONE_NEWNS`.
    Mnt,
    /// Cgroup namespace, `CLONE_NEWCGROUP`.
    Cgroup,
    /// UTS namespace, `CLONE_NEWUTS`.
    Uts,
    /// IPC namespace, `CLONE_NEWIPC`.
    Ipc,
    /// User namespace, `CLONE_NEWUSER`.
    User,
    /// Pid namespace, `CLONE_NEWPID`.
    Pid,
    /// Network namespace, `CLONE_NEWNET`.
    Net,
    /// Time namespace, `CLONE_NEWTIME`.
    Time,
}

impl NsType {
    /// Returns the type whose `CLONE_NEW*` flag is `flag`, if there is one.
    #[inline]
    pub fn from_clone_flag(flag: u32) -> Option<Self> {
        Some(match flag {
            bindings::CLONE_NEWNS => Self::Mnt,
            bindings::CLONE_NEWCGROUP => Self::Cgroup,
            bindings::CLONE_NEWUTS => Self::Uts,
            bindings::CLONE_NEWIPC => Self::Ipc,
            bindings::CLONE_NEWUSER => Self::User,
            bindings::CLONE_NEWPID => Self::Pid,
            bindings::CLONE_NEWNET => Self::Net,
            bindings::CLONE_NEWTIME => Self::Time,
            _ => return None,
        })
    }
}

/// The `struct ns_common` embedded in a namespace.
///
/// Dropping an [`ARef<NsCommon>`] calls the type's `->put`, which may sleep (`put_mnt_ns()` takes
/// `namespace_sem`): it must not happen in atomic context.
///
/// The initial pid namespace is not counted: `get_pid_ns()` and `put_pid_ns()` leave it alone, so
/// taking a reference on it does too, and the two stay balanced.
///
/// A namespace without operations (`ops` null) is never an `NsCommon`: that is the initial
/// namespace of a type whose namespaces are compiled out (`init_uts_ns` without `CONFIG_UTS_NS`,
/// `init_ipc_ns` without `CONFIG_IPC_NS`, `init_net` without `CONFIG_NET_NS`), which has no
/// `/proc/<pid>/ns/` entry, no nsfs file and no `->put`: userspace cannot see it.
/// [`NsCommon::from_raw_with_ops`] leaves such namespaces out.
///
/// # Invariants
///
/// For as long as a reference to this object exists:
///
/// - the namespace it belongs to is set up and holds a non-zero count that keeps it alive: a
///   counted reference held by the owner of the reference (for example an [`ARef<NsCommon>`]) or
///   by an object the owner holds (an nsproxy), or the count the initial namespaces never drop
///   (the initial pid namespace, not counted at all, is never freed);
/// - its `ops` is non-null and points to the static operations of its type, an [`NsOperations`]
///   whose functions do what `struct proc_ns_operations` promises: `->put` is set and drops a
///   count, freeing the namespace with the last; `->owner` returns the owning user namespace,
///   which the namespace holds, without a count; `->get_parent`, where set, returns a counted
///   reference on a namespace of the same type, null or an error pointer.
///
/// [`ARef<NsCommon>`]: crate::types::ARef
#[repr(transparent)]
pub struct NsCommon(Opaque<bindings::ns_common>);

// SAFETY: The fields of `ns_common` read here (`ops`, `inum`) never change after the namespace is
// set up, and the refcount is atomic, so the object may be used from any thread.
unsafe impl Sync for NsCommon {}

// SAFETY: A namespace is not tied to the thread that created it; the last reference may be
// dropped from any thread.
unsafe impl Send for NsCommon {}

impl NsCommon {
    /// Creates a reference to the `ns_common` at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` must point to the `ns_common` of a set-up namespace whose `ops` is non-null, and that
    /// holds a non-zero count for all of `'a`: a counted reference the caller holds, or that an
    /// object it holds for `'a` holds (an nsproxy), or the count of an initial namespace.
    #[inline]
    pub unsafe fn from_raw<'a>(ptr: *const bindings::ns_common) -> &'a Self {
        // SAFETY: `NsCommon` is a transparent wrapper of `ns_common`, and the caller guarantees
        // the type invariants for `'a`.
        unsafe { &*ptr.cast() }
    }

    /// Creates a reference to the `ns_common` at `ptr` if it is a namespace userspace can see,
    /// one with operations; `None` for a null pointer, and for a namespace without operations
    /// (see the type's documentation).
    ///
    /// # Safety
    ///
    /// `ptr` must be null, or point to the `ns_common` of a set-up namespace that holds a
    /// non-zero count for all of `'a`, as for [`NsCommon::from_raw`]; its `ops` may be null.
    #[inline]
    pub unsafe fn from_raw_with_ops<'a>(ptr: *const bindings::ns_common) -> Option<&'a Self> {
        if ptr.is_null() {
            return None;
        }
        // SAFETY: The caller guarantees a set-up namespace, alive for the call. Its `ops` is
        // written while the namespace is set up, before others can reach it, and never after,
        // so this read races with no write.
        let ops = unsafe { (*ptr).ops };
        if ops.is_null() {
            return None;
        }
        // SAFETY: The caller guarantees a set-up namespace that holds a non-zero count for `'a`,
        // and its `ops` was just found non-null.
        Some(unsafe { Self::from_raw(ptr) })
    }

    /// Takes over a counted reference returned by C (`->get`, `->get_parent`, ...); `None` for
    /// a null pointer.
    ///
    /// # Safety
    ///
    /// `ptr` must be null, or point to the `ns_common` of a set-up namespace whose `ops` is
    /// non-null, on which the caller owns a counted reference, which the result takes over.
    #[inline]
    pub unsafe fn from_owned_raw(ptr: *mut bindings::ns_common) -> Option<ARef<Self>> {
        // SAFETY: The caller gives us its reference on a set-up namespace with operations, which
        // keeps it alive for as long as the `ARef` holds it.
        NonNull::new(ptr).map(|p| unsafe { ARef::from_raw(p.cast()) })
    }

    /// Takes a reference on the namespace at `ptr` unless its count already dropped to zero
    /// (it is being torn down, and must not be handed out).
    ///
    /// No `&NsCommon` is made before the reference is taken: the count may be zero, and a
    /// reference is only ever made to a namespace that is kept alive (type invariants).
    ///
    /// # Safety
    ///
    /// `ptr` must point to the `ns_common` of a namespace that is set up, with a non-null `ops`,
    /// and whose memory is not freed for the duration of the call, whatever its count: for
    /// example an entry of the namespace tree, read with the tree's lock held, which
    /// a namespace's removal from it, done before the namespace is freed, waits for.
    #[inline]
    pub unsafe fn try_get(ptr: NonNull<Self>) -> Option<ARef<Self>> {
        let raw = Self::raw_of(ptr);
        if Self::is_counted_raw(raw) {
            // SAFETY: The caller guarantees the memory is not freed for the duration of the
            // call, so the count may be reached through `raw`; it is only changed atomically.
            let raised = unsafe { bindings::refcount_inc_not_zero(addr_of_mut!((*raw).count)) };
            if !raised {
                return None;
            }
        }
        // SAFETY: The reference just counted is ours, and keeps alive the namespace, set up with
        // operations as the caller guarantees: the `ARef` takes it over. The initial pid
        // namespace is never freed, and `dec_ref` does not drop a count on it either.
        Some(unsafe { ARef::from_raw(ptr) })
    }

    /// Returns whether the namespace at `ptr`, of operations `ops`, is owned by `owner` (for a
    /// user namespace: is its child): compares addresses only, for a listing that takes no
    /// reference.
    ///
    /// # Safety
    ///
    /// As for [`NsCommon::peek_live`]; `ops` must be the namespace's operations.
    #[inline]
    pub unsafe fn peek_is_owned_by(
        ptr: NonNull<Self>,
        ops: &NsOperations,
        owner: &UserNamespace,
    ) -> bool {
        let Some(owner_of) = ops.owner_fn() else {
            return false;
        };
        // SAFETY: The caller guarantees that the memory is not freed for the call; `->owner` only
        // reads the pointer to the owning user namespace, set before the namespace was entered
        // anywhere and never changed, whatever the count.
        let found = unsafe { owner_of(Self::raw_of(ptr)) };
        core::ptr::eq(found, owner.as_raw_user_ns())
    }

    /// Returns the operations of the namespace at `ptr`, whatever its count: static, valid
    /// afterwards. No `&NsCommon` is made (see [`NsCommon::try_get`]).
    ///
    /// # Safety
    ///
    /// As for [`NsCommon::peek_live`].
    #[inline]
    pub unsafe fn peek_ops(ptr: NonNull<Self>) -> &'static NsOperations {
        // SAFETY: The caller guarantees the memory is not freed for the duration of the call,
        // and `ops` never changes once the namespace is set up, so the read races with no write;
        // the caller guarantees it is non-null: the static operations of the namespace's type.
        unsafe { NsOperations::from_raw((*Self::raw_of(ptr)).ops) }
    }

    /// Returns the operations of the namespace at `ptr` if its count is not zero: a snapshot,
    /// for a listing that takes no reference. The operations are static, valid afterwards.
    ///
    /// No `&NsCommon` is made: the count may be zero (see [`NsCommon::try_get`]).
    ///
    /// # Safety
    ///
    /// `ptr` must point to the `ns_common` of a namespace that is set up, with a non-null `ops`,
    /// and whose memory is not freed for the duration of the call, whatever its count (as for
    /// [`NsCommon::try_get`]).
    #[inline]
    pub unsafe fn peek_live(ptr: NonNull<Self>) -> Option<&'static NsOperations> {
        let raw = Self::raw_of(ptr);
        // SAFETY: The caller guarantees the memory is not freed for the duration of the call;
        // the helper reads the count atomically (`refcount_read()`).
        let live = !Self::is_counted_raw(raw) || unsafe { bindings::ns_common_count(raw) } != 0;
        // SAFETY: The caller guarantees what `peek_ops` requires, which is the same.
        live.then(|| unsafe { Self::peek_ops(ptr) })
    }

    /// Returns the `ns_common` at `ptr` as a raw pointer, without making a reference to it: for
    /// a namespace that may not be kept alive, which a reference must not be made to.
    #[inline]
    fn raw_of(ptr: NonNull<Self>) -> *mut bindings::ns_common {
        // `NsCommon` is a transparent wrapper of `Opaque<ns_common>`: the cast keeps the address.
        Opaque::raw_get(ptr.as_ptr().cast::<Opaque<bindings::ns_common>>())
    }

    /// Drops a count without releasing anything; true when it was the last, and the caller must
    /// then release the namespace as its type does.
    ///
    /// # Safety
    ///
    /// The caller must own the reference it drops; after a true result nothing may use the
    /// namespace but its release.
    #[inline]
    pub unsafe fn dec_and_test(&self) -> bool {
        // SAFETY: The namespace is alive and the caller owns the count it drops.
        unsafe { bindings::refcount_dec_and_test(addr_of_mut!((*self.as_raw()).count)) }
    }

    /// Returns the raw pointer to the `ns_common`.
    #[inline]
    pub fn as_raw(&self) -> *mut bindings::ns_common {
        self.0.get()
    }

    /// Returns the operations of the namespace's type.
    #[inline]
    pub fn operations(&self) -> &'static NsOperations {
        // SAFETY: By the type invariants `ops` points to static operations of a namespace type.
        unsafe { NsOperations::from_raw((*self.as_raw()).ops) }
    }

    /// Returns the slot where nsfs stashes the dentry that stands for the namespace.
    #[inline]
    pub fn stash(&self) -> &DentryStash {
        // SAFETY: The namespace is alive while `self` is (type invariants), and every access to
        // `stashed` is atomic (the C side uses `WRITE_ONCE()` when it sets it up and
        // `cmpxchg()`), as the stash requires; only nsfs, through this slot, stores dentries in
        // it.
        unsafe { DentryStash::from_raw(addr_of_mut!((*self.as_raw()).stashed)) }
    }

    /// Returns the user namespace that owns this one (`ns_get_owner()`), counted; `EPERM` when
    /// it lies outside the current task's user namespace.
    #[inline]
    pub fn owner(&self) -> Result<ARef<Self>> {
        // SAFETY: The namespace is alive, with operations (type invariants); `ns_get_owner()`
        // returns a counted reference or an error pointer.
        let ptr = from_err_ptr(unsafe { bindings::ns_get_owner(self.as_raw()) })?;
        // SAFETY: On success, a counted reference on a user namespace, which has operations
        // (`NSRS` depends on `USER_NS`).
        unsafe { Self::from_owned_raw(ptr) }.ok_or(crate::error::code::EPERM)
    }

    /// Returns the parent namespace (`->get_parent`), counted, for the hierarchical types (pid
    /// and user); `None` for the others. The parent may be out of the caller's reach (`EPERM`).
    #[inline]
    pub fn parent(&self) -> Option<Result<ARef<Self>>> {
        let get_parent = self.ops().get_parent?;
        // SAFETY: The namespace is alive; `->get_parent` returns a counted reference, null or an
        // error pointer (type invariants).
        let ptr = match from_err_ptr(unsafe { get_parent(self.as_raw()) }) {
            Ok(ptr) => ptr,
            Err(e) => return Some(Err(e)),
        };
        // SAFETY: Null, or a counted reference on a namespace of this type, which has operations
        // as this one does.
        Some(unsafe { Self::from_owned_raw(ptr) }.ok_or(crate::error::code::EPERM))
    }

    /// Returns the user namespace that owns this one; for a user namespace, its parent (`None`
    /// for the initial one).
    #[inline]
    pub fn owner_user_ns(&self) -> Option<&UserNamespace> {
        let owner = self.ops().owner?;
        // SAFETY: The namespace is alive; `->owner` returns its owning user namespace without a
        // count, the namespace itself holding one for as long as it lives (type invariants).
        let user = unsafe { owner(self.as_raw()) };
        // SAFETY: A non-null owner is a set-up user namespace on which this namespace holds a
        // count for as long as it lives, so for as long as `self` is borrowed.
        (!user.is_null()).then(|| unsafe { UserNamespace::from_raw(user) })
    }

    /// Returns the namespace as a user namespace, if it is one.
    #[inline]
    pub fn as_user_ns(&self) -> Option<&UserNamespace> {
        // SAFETY: Only namespaces of the user type, whose operations are `userns_operations`
        // (type invariants), have the type `CLONE_NEWUSER`: `self` is embedded in a
        // `struct user_namespace`.
        (self.ns_type() == Some(NsType::User)).then(|| unsafe { UserNamespace::from_common(self) })
    }

    /// Returns the namespace as a mount namespace, if it is one.
    #[inline]
    pub fn as_mnt_ns(&self) -> Option<&MntNamespace> {
        // SAFETY: Only namespaces of the mount type, whose operations are `mntns_operations`
        // (type invariants), have the type `CLONE_NEWNS`: `self` is embedded in a
        // `struct mnt_namespace`.
        (self.ns_type() == Some(NsType::Mnt)).then(|| unsafe { MntNamespace::from_common(self) })
    }

    /// Returns the namespace as a pid namespace, if it is one.
    #[inline]
    pub fn as_pid_ns(&self) -> Option<&PidNamespace> {
        // SAFETY: A namespace of type pid is embedded in a `struct pid_namespace`.
        (self.ns_type() == Some(NsType::Pid)).then(|| unsafe { PidNamespace::from_common(self) })
    }

    /// Returns the namespace as a pid namespace, without looking at its type: for the
    /// operations of pid namespaces, which are only ever called with one.
    ///
    /// # Safety
    ///
    /// The namespace must be a pid namespace.
    #[inline]
    pub unsafe fn as_pid_ns_unchecked(&self) -> &PidNamespace {
        // SAFETY: The caller guarantees a pid namespace.
        unsafe { PidNamespace::from_common(self) }
    }

    /// Returns the `CLONE_NEW*` flag of the namespace's type, as `NS_GET_NSTYPE` reports it.
    #[inline]
    pub fn clone_flag(&self) -> i32 {
        self.ops().type_
    }

    #[inline]
    fn ops(&self) -> &'static bindings::proc_ns_operations {
        // SAFETY: By the type invariants `ops` is non-null and points to static operations.
        unsafe { &*(*self.as_raw()).ops }
    }

    /// Returns the inode number of the namespace in nsfs (`st_ino` of `/proc/<pid>/ns/<type>`).
    #[inline]
    pub fn inum(&self) -> u32 {
        // SAFETY: By the type invariants the namespace is alive; `inum` is set before the
        // namespace is visible to anyone but its creator and never changes.
        unsafe { (*self.as_raw()).inum }
    }

    /// Sets the inode number of a namespace being made.
    ///
    /// # Safety
    ///
    /// The caller must hold the namespace's only reference, and the namespace must not be
    /// reachable by anyone else yet (nor its number set).
    #[inline]
    pub unsafe fn set_inum(&self, inum: u32) {
        // SAFETY: The caller guarantees that nothing else reads or writes the namespace.
        unsafe { (*self.as_raw()).inum = inum };
    }

    /// Returns the namespace's 64-bit id: unique across all types and never reused while the
    /// kernel runs; 0 while it has none yet (see [`NsCommon::set_id`]).
    #[inline]
    pub fn id(&self) -> u64 {
        // SAFETY: By the type invariants the namespace is alive; the id is set before the
        // namespace is visible to anyone but its creator and never changes after.
        unsafe { (*self.as_raw()).ns_id }
    }

    /// Gives the namespace at `ns` its id.
    ///
    /// # Safety
    ///
    /// `ns` must point to a namespace that has no id yet and that nobody else can reach, or an
    /// initial namespace, at boot, before anything reads its id.
    #[inline]
    pub unsafe fn set_id(ns: NonNull<Self>, id: u64) {
        // SAFETY: The caller guarantees that nothing else reads or writes the id.
        unsafe { (*Self::raw_of(ns)).ns_id = id };
    }

    /// Returns the type of the namespace, or `None` if its operations carry no `CLONE_NEW*` flag
    /// (which no namespace type of the kernel does).
    #[inline]
    pub fn ns_type(&self) -> Option<NsType> {
        NsType::from_clone_flag(self.ops().type_ as u32)
    }

    /// Returns the count of references, a snapshot that other threads may change at any moment:
    /// for diagnostics and tests.
    #[inline]
    pub fn ref_count(&self) -> u32 {
        // SAFETY: By the type invariants the namespace is alive.
        unsafe { bindings::ns_common_count(self.as_raw()) }
    }

    /// Whether references on this namespace are counted; see the type's documentation.
    #[inline]
    fn is_counted(&self) -> bool {
        Self::is_counted_raw(self.as_raw())
    }

    /// Whether references on the namespace at `ns` are counted: only compares addresses.
    #[inline]
    fn is_counted_raw(ns: *const bindings::ns_common) -> bool {
        // SAFETY: Only the address of `init_pid_ns` is taken; it is a static that always exists.
        let init_pid = unsafe { addr_of!(bindings::init_pid_ns.ns) };
        !core::ptr::eq(ns, init_pid)
    }

    /// Returns the name of the namespace's type, as in `/proc/<pid>/ns/`: `"pid"`, `"net"`, ...
    #[inline]
    pub fn type_name(&self) -> &'static CStr {
        // SAFETY: `name` of a static `proc_ns_operations` is a static NUL-terminated string.
        unsafe { CStr::from_char_ptr(self.ops().name) }
    }
}

// SAFETY: `inc_ref` and `dec_ref` use the count in `ns_common`, which every namespace type uses
// for its lifetime: `dec_ref` goes through the type's `->put`, which frees the namespace when the
// count drops to zero.
unsafe impl AlwaysRefCounted for NsCommon {
    #[inline]
    fn inc_ref(&self) {
        // `->put` of the initial pid namespace does not decrement: do not increment either.
        if !self.is_counted() {
            return;
        }
        // SAFETY: By the type invariants the count is non-zero while `self` exists, so taking one
        // more reference cannot revive a namespace that is being torn down.
        unsafe { bindings::refcount_inc(addr_of_mut!((*self.as_raw()).count)) };
    }

    /// Drops a reference through the namespace type's `->put`, which frees the namespace when it
    /// was the last one; may sleep (`put_mnt_ns()` takes `namespace_sem`).
    ///
    /// # Safety
    ///
    /// As for [`AlwaysRefCounted::dec_ref`]: the caller owns the reference it drops.
    #[inline]
    unsafe fn dec_ref(obj: NonNull<Self>) {
        // SAFETY: The caller owns a reference, which keeps the namespace alive until the call
        // below; its operations are static.
        let put = unsafe { obj.as_ref() }.ops().put;
        // SAFETY: The operations of a namespace have a `->put` (type invariants), which C calls
        // unchecked too; the caller owns a reference, which it consumes. The namespace is passed
        // as a raw pointer: the call may free it.
        unsafe { put.unwrap_unchecked()(Self::raw_of(obj)) };
    }
}

// The `i_private` of an nsfs inode: the namespace, counted, as a plain `ns_common` pointer that C
// code reads back with `get_proc_ns()`.
impl ForeignOwnable for ARef<NsCommon> {
    type Borrowed<'a> = &'a NsCommon;

    #[inline]
    fn into_foreign(self) -> *const core::ffi::c_void {
        ARef::into_raw(self).as_ptr().cast_const().cast()
    }

    /// # Safety
    ///
    /// As for [`ForeignOwnable::borrow`]: `ptr` came from `into_foreign`, not yet given back.
    #[inline]
    unsafe fn borrow<'a>(ptr: *const core::ffi::c_void) -> &'a NsCommon {
        // SAFETY: The caller guarantees `ptr` came from `into_foreign` and that the reference it
        // carries is not given back with `from_foreign` during `'a`, so the namespace is alive.
        unsafe { NsCommon::from_raw(ptr.cast()) }
    }

    /// # Safety
    ///
    /// As for [`ForeignOwnable::from_foreign`]: `ptr` came from `into_foreign`, given back once.
    #[inline]
    unsafe fn from_foreign(ptr: *const core::ffi::c_void) -> Self {
        // SAFETY: The caller guarantees `ptr` came from `into_foreign`, whose reference it gives
        // back.
        unsafe { ARef::from_raw(NonNull::new_unchecked(ptr.cast_mut().cast())) }
    }
}

/// `WARN_ON(condition)`: a warning with a backtrace (and the taint, and `panic_on_warn`) when
/// `condition` holds, which should never happen; returns it.
#[inline]
pub fn warn_on(condition: bool) -> bool {
    // The helper only when it has something to do: `WARN_ON()` tests inline too.
    // SAFETY: Only prints and taints.
    condition && unsafe { bindings::nsrs_warn_on(condition) }
}

/// Returns the initial pid namespace's `ns_common`.
///
/// # Examples
///
/// ```
/// use kernel::ns::{init_pid_ns, NsType};
///
/// let ns = init_pid_ns();
/// assert_eq!(ns.ns_type(), Some(NsType::Pid));
/// assert_eq!(ns.inum(), kernel::bindings::PROC_PID_INIT_INO);
/// assert_eq!(ns.type_name().as_bytes(), b"pid");
/// ```
#[inline]
pub fn init_pid_ns() -> &'static NsCommon {
    // SAFETY: `init_pid_ns` is an initial namespace, set up statically (`NSRS` depends on
    // `PID_NS`, which sets its `ops`) and never freed.
    unsafe { NsCommon::from_raw(addr_of!(bindings::init_pid_ns.ns)) }
}

/// Returns the initial user namespace's `ns_common`.
///
/// # Examples
///
/// ```
/// use kernel::ns::{init_user_ns, NsType};
///
/// let ns = init_user_ns();
/// assert_eq!(ns.ns_type(), Some(NsType::User));
/// assert_eq!(ns.inum(), kernel::bindings::PROC_USER_INIT_INO);
/// ```
#[inline]
pub fn init_user_ns() -> &'static NsCommon {
    // SAFETY: `init_user_ns` is an initial namespace, set up statically (`NSRS` depends on
    // `USER_NS`, which sets its `ops`) and never freed.
    unsafe { NsCommon::from_raw(addr_of!(bindings::init_user_ns.ns)) }
}

/// Returns the initial UTS namespace's `ns_common`.
///
/// # Examples
///
/// ```
/// use kernel::ns::{init_uts_ns, NsType};
///
/// let ns = init_uts_ns();
/// assert_eq!(ns.ns_type(), Some(NsType::Uts));
/// assert_eq!(ns.inum(), kernel::bindings::PROC_UTS_INIT_INO);
/// ```
#[cfg(CONFIG_UTS_NS)]
#[inline]
pub fn init_uts_ns() -> &'static NsCommon {
    // SAFETY: `init_uts_ns` is an initial namespace, set up statically (with `UTS_NS`, which sets
    // its `ops`) and never freed.
    unsafe { NsCommon::from_raw(addr_of!(bindings::init_uts_ns.ns)) }
}

/// Checks at compile time that the Rust function `name` has the type bindgen gives the C
/// function of the same name: the same parameter types, return type and ABI.
///
/// For the `#[no_mangle]` functions C calls: C calls them through its own prototype, so a Rust
/// signature that drifts from it (a `*const` for a `*mut`, a `u32` for an `unsigned long`, a
/// parameter too many) would be called with arguments it does not expect, and nothing else
/// would tell. Write it next to the function, with one `_` per parameter:
///
/// ```ignore
/// #[no_mangle]
/// pub unsafe extern "C" fn nsrs_alloc_inum(inum: *mut c_uint) -> c_int {
///     // ...
/// }
/// kernel::c_prototype!(nsrs_alloc_inum(_));
/// ```
///
/// Only safety may differ: bindgen declares every C function `unsafe`, and the Rust function
/// may be safe when it asks nothing of its callers.
///
/// How it works: the first `let` coerces bindgen's declaration to the function pointer type
/// `unsafe extern "C" fn(_, ...) -> _`, which sets each `_` to bindgen's type (and fails if the
/// number of `_` is not the number of parameters). The array then needs `name` to coerce to
/// that same pointer type, as every element of an array has one type. A function item coerces
/// to a function pointer only when its signature is the pointer's, safety aside (a safe
/// function coerces to an `unsafe` pointer): any other difference, in a parameter, the return
/// type or the ABI, is a type error. The parameter count is needed because Rust 1.85 does not
/// find a common type for two function items that differ in safety (a safe Rust function and
/// bindgen's `unsafe` one) without being told the pointer type to coerce to.
#[macro_export]
macro_rules! c_prototype {
    ($name:ident($($param:ty),* $(,)?)) => {
        const _: () = {
            let c_declaration: unsafe extern "C" fn($($param),*) -> _ = $crate::bindings::$name;
            let _ = [c_declaration, $name];
        };
    };
}
