// SPDX-License-Identifier: GPL-2.0

//! The nsfs ioctls (`include/uapi/linux/nsfs.h`), with the errors of the 6.12 C code for every
//! bad input.
//!
//! The commands 1 to 9 are matched exactly; the extensible mount-namespace commands (10 to 12)
//! by their number alone, whatever their type and size bits, as the C code does: the size tells
//! which version of `struct mnt_ns_info` the caller knows.

use super::{may_see_all_namespaces, namespace_of, stash::path_of};
use kernel::{
    error::{code::*, Result},
    ffi::c_long,
    ioctl::{_IO, _IOC_NR, _IOC_SIZE, _IOR},
    ns::{MntNamespace, NsCommon, PidKind, PidNamespace, UserNamespace},
    sync::rcu,
    types::ARef,
    uaccess::UserSlice,
    vfs::{FdReservation, File},
};

const NSIO: u32 = 0xb7;
const NS_GET_USERNS: u32 = _IO(NSIO, 0x1);
const NS_GET_PARENT: u32 = _IO(NSIO, 0x2);
const NS_GET_NSTYPE: u32 = _IO(NSIO, 0x3);
const NS_GET_OWNER_UID: u32 = _IO(NSIO, 0x4);
const NS_GET_MNTNS_ID: u32 = _IOR::<u64>(NSIO, 0x5);
const NS_GET_PID_FROM_PIDNS: u32 = _IOR::<i32>(NSIO, 0x6);
const NS_GET_TGID_FROM_PIDNS: u32 = _IOR::<i32>(NSIO, 0x7);
const NS_GET_PID_IN_PIDNS: u32 = _IOR::<i32>(NSIO, 0x8);
const NS_GET_TGID_IN_PIDNS: u32 = _IOR::<i32>(NSIO, 0x9);
/// Mainline's (6.18): the namespace's 64-bit id, of any type.
const NS_GET_ID: u32 = _IOR::<u64>(NSIO, 13);

/// Numbers of the extensible commands, `_IOR(NSIO, nr, struct mnt_ns_info)`.
const NR_MNT_GET_INFO: u32 = 10;
const NR_MNT_GET_NEXT: u32 = 11;
const NR_MNT_GET_PREV: u32 = 12;

/// The size of the first `struct mnt_ns_info`: `size`, `nr_mounts`, `mnt_ns_id`.
const MNT_NS_INFO_SIZE_VER0: usize = 16;

/// `->unlocked_ioctl` of ns files.
pub(crate) fn ns_ioctl(ns: &NsCommon, cmd: u32, arg: usize) -> Result<c_long> {
    if !may_use(cmd) {
        return Err(EPERM);
    }
    match cmd {
        NS_GET_USERNS => open_fd(ns.owner()?),
        NS_GET_PARENT => open_fd(ns.parent().ok_or(EINVAL)??),
        NS_GET_NSTYPE => Ok(ns.clone_flag() as c_long),
        NS_GET_OWNER_UID => {
            let user = ns.as_user_ns().ok_or(EINVAL)?;
            put_user(
                arg,
                &UserNamespace::owner_uid_in_current(user).to_ne_bytes(),
            )
        }
        NS_GET_MNTNS_ID => {
            let mnt = ns.as_mnt_ns().ok_or(EINVAL)?;
            put_user(arg, &mnt.id().to_ne_bytes())
        }
        NS_GET_ID => put_user(arg, &ns.id().to_ne_bytes()),
        NS_GET_PID_FROM_PIDNS
        | NS_GET_TGID_FROM_PIDNS
        | NS_GET_PID_IN_PIDNS
        | NS_GET_TGID_IN_PIDNS => {
            let pid_ns = ns.as_pid_ns().ok_or(EINVAL)?;
            translate_pid(pid_ns, cmd, arg).map(|nr| nr as c_long)
        }
        _ => extensible(ns, cmd, arg),
    }
}

/// Walking the mount namespaces by id shows every one of them: only for a task in the initial
/// pid namespace with `CAP_SYS_ADMIN` over the initial user namespace.
fn may_use(cmd: u32) -> bool {
    match _IOC_NR(cmd) {
        NR_MNT_GET_NEXT | NR_MNT_GET_PREV => may_see_all_namespaces(),
        _ => true,
    }
}

/// Copies `bytes` to the user address `arg`: `EFAULT` when it cannot be written.
fn put_user(arg: usize, bytes: &[u8]) -> Result<c_long> {
    UserSlice::new(arg, bytes.len())
        .writer()
        .write_slice(bytes)?;
    Ok(0)
}

/// Opens `ns` on a new descriptor, consuming the reference: `open_namespace()`.
pub(crate) fn open_fd(ns: ARef<NsCommon>) -> Result<c_long> {
    let path = path_of(ns)?;
    let fd = FdReservation::get_unused_cloexec()?;
    let file = File::open_read_only(&path)?;
    Ok(fd.install(file) as c_long)
}

/// `NS_GET_{PID,TGID}_{FROM,IN}_PIDNS`: a task's number in the caller's pid namespace, found by
/// its number in `pid_ns` (`FROM`), or the other way round (`IN`). `ESRCH` when there is no such
/// task, or it has no number on the other side.
fn translate_pid(pid_ns: &PidNamespace, cmd: u32, arg: usize) -> Result<i32> {
    // The argument is a `pid_t`: only its low 32 bits count, as in C.
    let nr = arg as i32;
    let guard = rcu::read_lock();
    let task = match cmd {
        NS_GET_PID_IN_PIDNS | NS_GET_TGID_IN_PIDNS => {
            PidNamespace::find_task_in_current(nr, &guard)
        }
        _ => pid_ns.find_task(nr, &guard),
    }
    .ok_or(ESRCH)?;
    let ret = match cmd {
        NS_GET_PID_FROM_PIDNS => task.nr(PidKind::Pid, None),
        NS_GET_TGID_FROM_PIDNS => task.nr(PidKind::Tgid, None),
        NS_GET_PID_IN_PIDNS => task.nr(PidKind::Pid, Some(pid_ns)),
        _ => task.nr(PidKind::Tgid, Some(pid_ns)),
    };
    if ret == 0 {
        return Err(ESRCH);
    }
    Ok(ret)
}

/// The extensible commands, matched on their number.
fn extensible(ns: &NsCommon, cmd: u32, arg: usize) -> Result<c_long> {
    let usize = _IOC_SIZE(cmd);
    match _IOC_NR(cmd) {
        NR_MNT_GET_INFO => {
            let mnt = ns.as_mnt_ns().ok_or(EINVAL)?;
            if arg == 0 || usize < MNT_NS_INFO_SIZE_VER0 {
                return Err(EINVAL);
            }
            copy_info(mnt, arg, usize)
        }
        nr @ (NR_MNT_GET_NEXT | NR_MNT_GET_PREV) => {
            let mnt = ns.as_mnt_ns().ok_or(EINVAL)?;
            if usize < MNT_NS_INFO_SIZE_VER0 {
                return Err(EINVAL);
            }
            open_adjacent(mnt, nr == NR_MNT_GET_PREV, arg, usize)
        }
        _ => Err(ENOTTY),
    }
}

/// `NS_MNT_GET_NEXT` and `NS_MNT_GET_PREV`: opens the neighbouring mount namespace and, given a
/// buffer, describes it there. Nothing is installed if the description cannot be written.
fn open_adjacent(mnt: &MntNamespace, previous: bool, arg: usize, usize: usize) -> Result<c_long> {
    let path = path_of(mnt.adjacent(previous)?)?;
    let fd = FdReservation::get_unused_cloexec()?;
    let file = File::open_read_only(&path)?;
    if arg != 0 {
        let adjacent = namespace_of(path.dentry())?.as_mnt_ns().ok_or(EINVAL)?;
        copy_info(adjacent, arg, usize)?;
    }
    Ok(fd.install(file) as c_long)
}

/// Writes `struct mnt_ns_info` to `arg`: as much of it as both sides know, the size field
/// saying how much that is.
fn copy_info(mnt: &MntNamespace, arg: usize, usize: usize) -> Result<c_long> {
    let size = usize.min(MNT_NS_INFO_SIZE_VER0);
    // The root mount of the namespace does not count.
    let nr_mounts = mnt.nr_mounts().saturating_sub(1);
    let mut info = [0u8; MNT_NS_INFO_SIZE_VER0];
    info[0..4].copy_from_slice(&(size as u32).to_ne_bytes());
    info[4..8].copy_from_slice(&nr_mounts.to_ne_bytes());
    info[8..16].copy_from_slice(&mnt.id().to_ne_bytes());
    put_user(arg, &info[..size])
}
