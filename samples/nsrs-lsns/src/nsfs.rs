//! Open nsfs files and the ioctls that tell how namespaces relate (`ioctl_ns(2)`).
//!
//! Opening a `/proc/namespaces` entry, a `/proc/<pid>/ns/*` link, an nsfs fd through
//! `/proc/<pid>/fd/*` or an nsfs bind mount gives the namespace's nsfs file. Its inode number is
//! the namespace's `inum`; `NS_GET_USERNS` and `NS_GET_PARENT` return new fds for the owning
//! user namespace and the parent, which are nsfs files in turn.

use crate::name::NsType;
use std::ffi::{c_int, c_ulong};
use std::fs::{File, OpenOptions};
use std::io;
use std::os::fd::{AsRawFd, FromRawFd};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::Path;

extern "C" {
    // The C library's, which std links anyway: no crate is needed for one call.
    fn ioctl(fd: c_int, request: c_ulong, ...) -> c_int;
}

/// `NSIO`, the ioctl type of nsfs.
const NSIO: c_ulong = 0xb7;

/// `_IO(NSIO, nr)`: no direction, no size.
const fn ns_io(nr: c_ulong) -> c_ulong {
    (NSIO << 8) | nr
}

const NS_GET_USERNS: c_ulong = ns_io(0x1);
const NS_GET_PARENT: c_ulong = ns_io(0x2);
const NS_GET_NSTYPE: c_ulong = ns_io(0x3);
const NS_GET_OWNER_UID: c_ulong = ns_io(0x4);

// The generic open flags of <asm-generic/fcntl.h>, which x86 and arm64 use.
const O_NOCTTY: c_int = 0o400;
const O_NONBLOCK: c_int = 0o4000;

/// An open nsfs file: a reference that keeps its namespace alive while it is open.
#[derive(Debug)]
pub struct NsFile(File);

impl NsFile {
    /// Opens `path`, which should lead to an nsfs file (callers check [`NsFile::inum`]).
    ///
    /// A path the walk of `/proc` found may lead elsewhere by the time it is opened (a fd
    /// reused, something mounted over a bind mount): `O_NONBLOCK` and `O_NOCTTY` keep a FIFO or
    /// a terminal met that way from blocking or becoming the controlling terminal. nsfs ignores
    /// both. std adds `O_CLOEXEC`.
    pub fn open(path: &Path) -> io::Result<NsFile> {
        let file = OpenOptions::new()
            .read(true)
            .custom_flags(O_NONBLOCK | O_NOCTTY)
            .open(path)?;
        Ok(NsFile(file))
    }

    /// The namespace's inode number.
    pub fn inum(&self) -> io::Result<u64> {
        Ok(self.0.metadata()?.ino())
    }

    /// The user namespace that owns this one (for a user namespace, its parent).
    ///
    /// `EPERM` when that namespace is outside the caller's user namespace.
    pub fn owner(&self) -> io::Result<NsFile> {
        self.related(NS_GET_USERNS)
    }

    /// The parent of a pid or user namespace.
    ///
    /// `EINVAL` for other types; `EPERM` when the parent is outside the caller's view (the
    /// initial namespaces have none).
    pub fn parent(&self) -> io::Result<NsFile> {
        self.related(NS_GET_PARENT)
    }

    /// The namespace's type.
    pub fn nstype(&self) -> io::Result<NsType> {
        // SAFETY: NS_GET_NSTYPE takes no argument and only returns a value.
        let flag = unsafe { ioctl(self.0.as_raw_fd(), NS_GET_NSTYPE) };
        if flag < 0 {
            return Err(io::Error::last_os_error());
        }
        NsType::from_clone_flag(flag).ok_or_else(|| io::Error::from(io::ErrorKind::InvalidData))
    }

    /// The uid, in the caller's user namespace, of the creator of a user namespace.
    pub fn owner_uid(&self) -> io::Result<u32> {
        let mut uid: u32 = 0;
        // SAFETY: NS_GET_OWNER_UID writes one uid_t (a u32) through the pointer, which points to
        // a live u32.
        let ret = unsafe { ioctl(self.0.as_raw_fd(), NS_GET_OWNER_UID, &raw mut uid) };
        if ret < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(uid)
    }

    /// An ioctl that returns a new fd for a related namespace.
    fn related(&self, request: c_ulong) -> io::Result<NsFile> {
        // SAFETY: NS_GET_USERNS and NS_GET_PARENT take no argument and return a new fd.
        let fd = unsafe { ioctl(self.0.as_raw_fd(), request) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: The kernel just installed `fd` for this process; nothing else owns it.
        Ok(NsFile(unsafe { File::from_raw_fd(fd) }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ioctl_numbers_match_the_uapi_header() {
        assert_eq!(NS_GET_USERNS, 0xb701);
        assert_eq!(NS_GET_PARENT, 0xb702);
        assert_eq!(NS_GET_NSTYPE, 0xb703);
        assert_eq!(NS_GET_OWNER_UID, 0xb704);
    }

    #[test]
    fn ns_links_open_as_nsfs_files() {
        // The host's own namespaces: this works on any kernel with namespaces.
        let Ok(file) = NsFile::open(Path::new("/proc/self/ns/net")) else {
            return;
        };
        let link = std::fs::read_link("/proc/self/ns/net").unwrap();
        let (kind, inum) = crate::name::parse(link.to_str().unwrap()).unwrap();
        assert_eq!(file.inum().unwrap(), inum);
        assert_eq!(file.nstype().unwrap(), kind);
        // A net namespace has no parent.
        assert_eq!(
            file.parent().unwrap_err().raw_os_error(),
            Some(22), // EINVAL
        );
    }
}
