// SPDX-License-Identifier: GPL-2.0

//! nsfs file handles, as mainline has them since 6.18: `name_to_handle_at(2)` on an ns file
//! gives a handle of type `FILEID_NSFS` holding `struct nsfs_file_handle` (the namespace's id,
//! type and inode number), and `open_by_handle_at(2)` opens the namespace again, with an nsfs
//! file or `FD_NSFS_ROOT` as its anchor.
//!
//! Who may open what is decided here, not by `CAP_DAC_READ_SEARCH` (`fs/fhandle.c` leaves nsfs
//! handles to nsfs): a namespace the caller is in, always; any other, only for a caller that may
//! see every namespace (7.0's rule). Everything that is refused, and a namespace that is gone,
//! reaches the caller as `ESTALE`. The open itself is the ordinary open of the ns file, whose
//! errors for write access, `O_TRUNC`, `O_DIRECT`, `O_TMPFILE` and `O_DIRECTORY` are those of
//! an immutable regular file.

use super::{may_see_all_namespaces, stash, Nsfs};
use crate::{errors, nstree};
use core::ptr::NonNull;
use kernel::{
    error::{code::*, Result},
    ns::{current::CurrentNamespaces, NsCommon, NsType},
    types::ARef,
    vfs::{Dentry, Export},
};

/// `struct nsfs_file_handle`, in 32-bit words: `ns_id` (two words, in memory order), `ns_type`
/// and `ns_inum`.
const WORDS: usize = 4;

impl Export for Nsfs {
    /// `FILEID_NSFS`.
    const FILEID: u8 = 0xf1;
    const WORDS: usize = WORDS;

    fn encode(ns: &NsCommon, ino: u64, out: &mut [u32]) {
        let id = ns.id().to_ne_bytes();
        out[0] = u32::from_ne_bytes([id[0], id[1], id[2], id[3]]);
        out[1] = u32::from_ne_bytes([id[4], id[5], id[6], id[7]]);
        out[2] = ns.clone_flag() as u32;
        out[3] = ino as u32;
    }

    fn decode(fid: &[u32]) -> Result<Option<ARef<Dentry>>> {
        let Some(ns) = find(fid) else {
            return Ok(None);
        };
        may_open(&ns)?;
        stash::dentry_of(ns).map(Some)
    }
}

/// The live, active namespace the handle `fid` names, counted: `None` for a malformed handle
/// (short, with nonzero words past the end, no id, or only one of type and inode number), a
/// namespace that is gone or inactive (no user reaches it any more: see [`nstree::active`]), or
/// one whose type or inode number differs from the handle's. A handle with
/// neither type nor inode number names a namespace by its id alone.
fn find(fid: &[u32]) -> Option<ARef<NsCommon>> {
    if fid.len() < WORDS {
        return None;
    }
    let (head, tail) = fid.split_at(WORDS);
    if tail.iter().any(|&word| word != 0) {
        return None;
    }
    let (lo, hi) = (head[0].to_ne_bytes(), head[1].to_ne_bytes());
    let id = u64::from_ne_bytes([lo[0], lo[1], lo[2], lo[3], hi[0], hi[1], hi[2], hi[3]]);
    let (ty, inum) = (head[2], head[3]);
    if id == 0 || (ty == 0) != (inum == 0) {
        return None;
    }
    let ns = nstree::find(id).filter(|ns| nstree::active::is_active(ns))?;
    let matches = (inum == 0 || inum == ns.inum()) && (ty == 0 || ty == ns.clone_flag() as u32);
    matches.then_some(ns)
}

/// Whether the caller may open `ns` by handle: `EPERM` if not (which the caller of
/// `open_by_handle_at()` sees as `ESTALE`).
///
/// A namespace the caller is in may be opened, but a pid namespace whose init is gone (it is
/// dying); any other namespace only by a caller that may see all of them.
fn may_open(ns: &NsCommon) -> Result {
    if !CurrentNamespaces::get().contains(NonNull::from(ns)) {
        return if may_see_all_namespaces() {
            Ok(())
        } else {
            Err(EPERM)
        };
    }
    match ns.ns_type() {
        Some(NsType::Pid) => match ns.as_pid_ns() {
            Some(pid_ns) if !pid_ns.has_child_reaper() => Err(EPERM),
            _ => Ok(()),
        },
        Some(_) => Ok(()),
        None => Err(errors::eopnotsupp()),
    }
}
