// SPDX-License-Identifier: GPL-2.0

//! `listns(2)`, mainline's system call (6.19, with 7.0's visibility rule): the ids of the
//! namespaces the caller may see, in order, a page at a time, from the namespace tree.
//!
//! `ssize_t listns(const struct ns_id_req *req, u64 *ns_ids, size_t nr_ns_ids, unsigned int
//! flags)`: `req` says where to go on from (`ns_id`, the last id of the previous page, or 0),
//! which types (`ns_type`, a mask of `CLONE_NEW*` flags, 0 for all) and, optionally, whose
//! namespaces (`user_ns_id`: those a user namespace owns, `LISTNS_CURRENT_USER` for the caller's
//! own). The return value is how many ids were written.
//!
//! Mainline keeps a tree per type, one across types and one per owning user namespace, and the
//! cursor's rule depends on which one a request walks: going on after the last id when the next
//! namespace of that tree is gone, or there is none, is `ENOENT`. So a request for one type ends
//! with `ENOENT` after that type's last namespace, while one for several types, which walks the
//! tree across types, goes on over namespaces of other types and may return an empty page. Here
//! one tree serves all three, and the request's selection ([`Walk`]) stands for the tree
//! mainline would walk.
//!
//! The namespaces listed are those alive (a count not zero). The caller sees a namespace it is
//! in, and every namespace only if it may see all of them (`may_see_all_namespaces()`); listing
//! what a user namespace owns shows everything to such a caller too.

use crate::{errors, nsfs::may_see_all_namespaces, nstree};
use core::ptr::NonNull;
use kernel::{
    bindings,
    error::{code::*, Result},
    ffi::{c_long, c_uint},
    ns::{current::CurrentNamespaces, NsCommon, NsOperations, NsType, UserNamespace},
    types::ARef,
    uaccess::{UserPtr, UserSlice},
    user_struct::{access_ok, copy_struct_from_user, copy_u64s_to_user},
};

/// The size of the first `struct ns_id_req` (`NS_ID_REQ_SIZE_VER0`).
const NS_ID_REQ_SIZE_VER0: usize = 32;

/// The most ids one call may ask for.
const MAX_NS_IDS: usize = 1_000_000;

/// `user_ns_id` for the caller's own user namespace.
const LISTNS_CURRENT_USER: u64 = u64::MAX;

/// The type bits `ns_type` may have (`NS_ALL`).
const NS_ALL: u32 = bindings::CLONE_NEWNS
    | bindings::CLONE_NEWCGROUP
    | bindings::CLONE_NEWUTS
    | bindings::CLONE_NEWIPC
    | bindings::CLONE_NEWUSER
    | bindings::CLONE_NEWPID
    | bindings::CLONE_NEWNET
    | bindings::CLONE_NEWTIME;

/// What the caller asked for (`struct ns_id_req`).
struct Request {
    /// The last id the caller has, or 0 to start from the first.
    last: u64,
    /// The types to list, 0 for all.
    types: u32,
    /// The owning user namespace to list the namespaces of, or 0.
    user_ns_id: u64,
}

/// Reads `struct ns_id_req` from `req`, with mainline's errors in mainline's order.
fn copy_request(req: UserPtr) -> Result<Request> {
    let mut size = [0u8; 4];
    UserSlice::new(req, size.len())
        .reader()
        .read_slice(&mut size)?;
    let usize = u32::from_ne_bytes(size) as usize;
    if usize > kernel::page::PAGE_SIZE {
        return Err(E2BIG);
    }
    if usize < NS_ID_REQ_SIZE_VER0 {
        return Err(EINVAL);
    }
    let mut raw = [0u8; NS_ID_REQ_SIZE_VER0];
    copy_struct_from_user(&mut raw, req, usize)?;
    let u32_at = |at: usize| u32::from_ne_bytes(field(&raw, at));
    let u64_at = |at: usize| u64::from_ne_bytes(field(&raw, at));
    // `spare` must be zero; `spare2`, at 20, is not checked (nor in mainline).
    if u32_at(4) != 0 {
        return Err(EINVAL);
    }
    let types = u32_at(16);
    if types & !NS_ALL != 0 {
        return Err(errors::eopnotsupp());
    }
    Ok(Request {
        last: u64_at(8),
        types,
        user_ns_id: u64_at(24),
    })
}

/// The `N` bytes of `raw` at `at`.
fn field<const N: usize>(raw: &[u8], at: usize) -> [u8; N] {
    let mut out = [0u8; N];
    out.copy_from_slice(&raw[at..at + N]);
    out
}

/// Which namespaces a request walks, standing for the tree mainline walks: one type's, those of
/// one owner, or all.
enum Walk {
    /// All, filtered by a mask of several types, or none.
    All,
    /// One type.
    Type(u32),
    /// Those the user namespace owns.
    Owner(ARef<NsCommon>),
}

impl Walk {
    /// Whether the namespace at `ptr`, of operations `ops`, is in the walk.
    ///
    /// # Safety
    ///
    /// As for [`NsCommon::peek_live`]: the namespace's memory is not freed for the call.
    #[inline]
    unsafe fn holds(&self, ptr: NonNull<NsCommon>, ops: &NsOperations) -> bool {
        match self {
            Walk::All => true,
            Walk::Type(ty) => ops.clone_flag() == *ty,
            Walk::Owner(owner) => match owner.as_user_ns() {
                // SAFETY: The caller guarantees the memory is not freed; `ops` are its own.
                Some(user) => unsafe { NsCommon::peek_is_owned_by(ptr, ops, user) },
                None => false,
            },
        }
    }
}

/// The owning user namespace `user_ns_id` names: the caller's, or a live, active user namespace
/// (`EINVAL` if there is none with that id).
fn owner(user_ns_id: u64) -> Result<ARef<NsCommon>> {
    if user_ns_id == LISTNS_CURRENT_USER {
        return Ok(UserNamespace::current());
    }
    nstree::find(user_ns_id)
        .filter(|ns| ns.ns_type() == Some(NsType::User) && nstree::active::is_active(ns))
        .ok_or(EINVAL)
}

/// `listns(2)`: writes the ids to `ids`, returns how many.
fn listns(req: UserPtr, ids: UserPtr, nr: usize, flags: c_uint) -> Result<usize> {
    if flags != 0 {
        return Err(EINVAL);
    }
    if nr > MAX_NS_IDS {
        return Err(errors::eoverflow());
    }
    if !access_ok(ids, nr * 8) {
        return Err(EFAULT);
    }
    let req = copy_request(req)?;
    let walk = match req.user_ns_id {
        0 if req.types.count_ones() == 1 => Walk::Type(req.types),
        0 => Walk::All,
        id => Walk::Owner(owner(id)?),
    };
    let see_all = may_see_all_namespaces();
    let current = CurrentNamespaces::get();
    let keep = |ptr: NonNull<NsCommon>, ops: &'static NsOperations| {
        let wanted = req.types == 0 || ops.clone_flag() & req.types != 0;
        // SAFETY: `nstree` calls us with the tree's lock held, so the memory is not freed.
        wanted && unsafe { walk.holds(ptr, ops) } && (see_all || current.contains(ptr))
    };
    let mut from = match req.last {
        0 => 0,
        last => {
            // The next namespace of the walk, visible or not, must be alive and active: else the
            // caller has reached the end, or the namespace it would go on from is going away.
            // SAFETY: `nstree` calls us with the tree's lock held, so the memory is not freed.
            let holds = |ptr, ops| unsafe { walk.holds(ptr, ops) };
            match nstree::first_is_active(last.saturating_add(1), holds) {
                Some(true) => last + 1,
                _ => return Err(ENOENT),
            }
        }
    };
    let mut written = 0;
    let mut page = [0u64; nstree::ID_BATCH];
    while written < nr {
        let want = (nr - written).min(page.len());
        let (n, next) = nstree::ids_from(from, &mut page[..want], keep);
        copy_u64s_to_user(ids + written * 8, &page[..n])?;
        written += n;
        match next {
            Some(next) => from = next,
            None => break,
        }
    }
    Ok(written)
}

/// The body of `SYSCALL_DEFINE4(listns, ...)`: the number of ids written, or a negative errno.
#[no_mangle]
pub extern "C" fn nsrs_listns(
    req: *const bindings::ns_id_req,
    ns_ids: *mut u64,
    nr_ns_ids: usize,
    flags: c_uint,
) -> c_long {
    match listns(req as UserPtr, ns_ids as UserPtr, nr_ns_ids, flags) {
        Ok(n) => n as c_long,
        Err(e) => e.to_errno() as c_long,
    }
}
kernel::c_prototype!(nsrs_listns(_, _, _, _));
