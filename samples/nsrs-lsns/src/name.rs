//! Namespace types and the `type:[inum]` names the kernel gives namespaces.
//!
//! The same text names a namespace everywhere the tool looks: the entries of `/proc/namespaces`
//! and what they read, the `/proc/<pid>/ns/*` links, the `/proc/<pid>/fd/*` links of open nsfs
//! files, and the root of an nsfs bind mount in `/proc/<pid>/mountinfo`.

use std::fmt;

/// A kind of namespace, as nsfs names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NsType {
    Cgroup,
    Ipc,
    Mnt,
    Net,
    Pid,
    Time,
    User,
    Uts,
}

impl NsType {
    /// Every type, in the order of their names.
    pub const ALL: [NsType; 8] = [
        NsType::Cgroup,
        NsType::Ipc,
        NsType::Mnt,
        NsType::Net,
        NsType::Pid,
        NsType::Time,
        NsType::User,
        NsType::Uts,
    ];

    /// The name nsfs gives the type (`ns_operations.name`).
    pub fn name(self) -> &'static str {
        match self {
            NsType::Cgroup => "cgroup",
            NsType::Ipc => "ipc",
            NsType::Mnt => "mnt",
            NsType::Net => "net",
            NsType::Pid => "pid",
            NsType::Time => "time",
            NsType::User => "user",
            NsType::Uts => "uts",
        }
    }

    /// The type named `name`, exactly as nsfs spells it.
    pub fn from_name(name: &str) -> Option<NsType> {
        NsType::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The type whose `CLONE_NEW*` flag `NS_GET_NSTYPE` returned.
    pub fn from_clone_flag(flag: i32) -> Option<NsType> {
        Some(match flag {
            0x0002_0000 => NsType::Mnt,
            0x0200_0000 => NsType::Cgroup,
            0x0400_0000 => NsType::Uts,
            0x0800_0000 => NsType::Ipc,
            0x1000_0000 => NsType::User,
            0x2000_0000 => NsType::Pid,
            0x4000_0000 => NsType::Net,
            0x0000_0080 => NsType::Time,
            _ => return None,
        })
    }

    /// Whether namespaces of this type have a parent (`NS_GET_PARENT` answers for them).
    pub fn is_hierarchical(self) -> bool {
        matches!(self, NsType::Pid | NsType::User)
    }
}

impl fmt::Display for NsType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The name of namespace `inum` of type `kind`: `type:[inum]`.
pub fn format(kind: NsType, inum: u64) -> String {
    format!("{kind}:[{inum}]")
}

/// Splits a namespace name `type:[inum]` into its type and number.
///
/// Only the canonical text is accepted: a known type, a decimal number without sign or leading
/// zeros, nothing after the bracket. Anything else is not a namespace: other fd links read
/// `socket:[123]` or `anon_inode:[eventfd]`, and those must not be taken for one.
pub fn parse(name: &str) -> Option<(NsType, u64)> {
    let (type_name, rest) = name.split_once(':')?;
    let kind = NsType::from_name(type_name)?;
    let digits = rest.strip_prefix('[')?.strip_suffix(']')?;
    if digits.is_empty() || digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Inode numbers of namespaces are 32-bit in the kernel; a wider one is not a name it wrote.
    let inum: u32 = digits.parse().ok()?;
    Some((kind, u64::from(inum)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_names_parse() {
        assert_eq!(parse("net:[4026531840]"), Some((NsType::Net, 4026531840)));
        assert_eq!(parse("cgroup:[1]"), Some((NsType::Cgroup, 1)));
        assert_eq!(parse("time:[4294967295]"), Some((NsType::Time, 4294967295)));
    }

    #[test]
    fn other_link_texts_do_not() {
        for name in [
            "",
            "net",
            "net:",
            "net:[]",
            "net:[-1]",
            "net:[+1]",
            "net:[01]",
            "net:[12a]",
            "net:[1] ",
            "net:[1]]",
            "net:4026531840",
            "net:[4294967296]",
            "pid_for_children:[5]",
            "socket:[123]",
            "pipe:[123]",
            "anon_inode:[eventfd]",
            "/tmp/net:[1]",
            "NET:[1]",
        ] {
            assert_eq!(parse(name), None, "{name:?}");
        }
    }

    #[test]
    fn names_round_trip() {
        for kind in NsType::ALL {
            assert_eq!(NsType::from_name(kind.name()), Some(kind));
            assert_eq!(parse(&format(kind, 4026531835)), Some((kind, 4026531835)));
        }
    }

    #[test]
    fn clone_flags_map_to_types() {
        assert_eq!(NsType::from_clone_flag(0x4000_0000), Some(NsType::Net));
        assert_eq!(NsType::from_clone_flag(0x80), Some(NsType::Time));
        assert_eq!(NsType::from_clone_flag(0x0002_0000), Some(NsType::Mnt));
        assert_eq!(NsType::from_clone_flag(0), None);
    }
}
