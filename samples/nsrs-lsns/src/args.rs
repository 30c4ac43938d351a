//! The command line: options, usage and help.

use crate::name::NsType;
use std::ffi::OsString;
use std::path::PathBuf;

/// The short usage, printed with every argument error.
pub const USAGE: &str = "\
usage: nsrs-lsns [-t TYPE]... [--tree] [--json] [--no-procs]
       nsrs-lsns --help";

/// The full help of `--help`.
pub const HELP: &str = "\
nsrs-lsns - list every namespace, from /proc/namespaces

usage: nsrs-lsns [-t TYPE]... [--tree] [--json] [--no-procs]
       nsrs-lsns --help

Lists the namespaces /proc/namespaces shows: every live namespace owned by the
user namespace of /proc's pid namespace or one below it, including those no
process is in (kept by an open fd, a bind mount, or another namespace).

Options:
  -t, --type TYPE  only namespaces of TYPE: cgroup, ipc, mnt, net, pid, time,
                   user or uts. Repeatable; TYPE may also be a comma-separated
                   list (-t net,uts).
      --tree       the user namespace ownership tree instead of the table:
                   each user namespace, indented under its parent, lists the
                   namespaces it owns; then the pid namespace hierarchy.
                   An inactive namespace is marked \"(inactive)\".
                   With -t, the user namespaces are still all shown (they make
                   the tree), the other types are filtered, and the pid
                   hierarchy is shown when pid is among the types.
      --json       the same data as JSON (see below).
      --no-procs   do not walk /proc/*: no process counts, no holders. The
                   cost is then proportional to the number of namespaces.
      --proc-root DIR
                   read DIR instead of /proc (for tests).
  -h, --help       this help.

Columns (and JSON fields):
  TYPE       the namespace type                           \"type\"
  INUM       its inode number in nsfs                     \"inum\"
             (its name is TYPE:[INUM])                    \"name\"
  OWNER      inum of the user namespace that owns it      \"owner\"
             (for a user namespace, its parent)
  PARENT     inum of the parent pid or user namespace     \"parent\"
  OWNER_UID  for a user namespace, the uid of its creator \"owner_uid\"
  ACTIVE     yes or no: whether it is active (see below)  \"active\"
  NPROCS     processes with a thread in it                \"nprocs\"
  HELD       what keeps it alive, comma-separated:        \"held\" (a list)
               tasks    a task is in it, or keeps it for its children
                        (pid_for_children, time_for_children)
               fd       a process has it open
               bind     it is bind-mounted (in a mount namespace a process is in)
               child    none of those; it is the parent or owner of another
                        listed namespace
               unknown  none of those: held by something else (a socket, a
                        pid reference), or by a process the caller cannot read
                        (with ACTIVE no: by the kernel only)
  \"-\" (JSON null) is a value out of the caller's view, not applicable, or
  not computed (NPROCS and HELD with --no-procs).

Active: a namespace is active while userspace can reach it: a task is in it
(or keeps it for its children, or has credentials in it), a pid is in it, an
nsfs file of it is open or bind-mounted, or it owns an active namespace. One
only the kernel holds (a net namespace only a socket keeps, the user namespace
of a cached credential) is alive and listed, but inactive. ACTIVE is the mode
of the namespace's entry in /proc/namespaces as lstat(2) reports it, read
before the tool opens any: lrwxrwxrwx active, lr--r--r-- inactive (\"-\" for
any other). It needs no walk of /proc: --no-procs keeps it.

JSON: one object, {\"complete\": BOOL, \"namespaces\": [...]}, one namespace
object per line; with --tree also \"user_tree\" and \"pid_tree\", nested nodes
{\"inum\", \"owned\": [inums], \"children\": [nodes]} (pid nodes have no
\"owned\"), and \"unowned\": the inums of namespaces whose owner is not in view;
\"namespaces\" then keeps every user namespace, as the tree does.

Cost: listing is one lstat(), one open() and a few ioctls per namespace.
NPROCS and HELD need one walk of /proc/*: each thread's ns links, each
process's fds, and mountinfo once per mount namespace; --no-procs skips it
(but without /proc/namespaces the walk is the listing, and always runs).

Without /proc/namespaces (a kernel without CONFIG_NSRS), the namespaces are
found by walking /proc/*/ns, /proc/*/fd and mountinfo, and following owners
and parents from those; a namespace none of them reaches is missed. A notice
goes to stderr, and the output is marked incomplete: a last line
\"# incomplete\", or \"complete\": false. ACTIVE is then yes for what a task,
an fd or a bind mount led to, and for the owners of those (active by the
definition above); \"-\" for the rest (a parent pid namespace met only through
its child), never no.

Exit status: 0 on success, 1 on an error, 2 on bad arguments.";

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Help,
    Run(Options),
}

/// The options of a listing.
#[derive(Debug, PartialEq, Eq)]
pub struct Options {
    /// The types to show; empty for all.
    pub types: Vec<NsType>,
    pub tree: bool,
    pub json: bool,
    /// Whether to walk `/proc` for process counts and holders.
    pub procs: bool,
    /// Where procfs is: `/proc` but in tests.
    pub proc_root: PathBuf,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            types: Vec::new(),
            tree: false,
            json: false,
            procs: true,
            proc_root: PathBuf::from("/proc"),
        }
    }
}

impl Options {
    /// Whether namespaces of type `kind` are shown.
    pub fn shows(&self, kind: NsType) -> bool {
        self.types.is_empty() || self.types.contains(&kind)
    }
}

/// Parses the arguments after the program name; an error is the message to print before the
/// usage.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Command, String> {
    let mut options = Options::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let arg = arg
            .into_string()
            .map_err(|arg| format!("argument is not UTF-8: {arg:?}"))?;
        // `--opt=value` and `-tvalue` carry their value; otherwise it is the next argument.
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_owned())),
            _ if arg.starts_with("-t") && arg.len() > 2 => ("-t", Some(arg[2..].to_owned())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| -> Result<OsString, String> {
            match &inline {
                Some(value) => Ok(value.into()),
                None => args
                    .next()
                    .ok_or_else(|| format!("option {name} needs a value")),
            }
        };
        match flag {
            "-h" | "--help" => return Ok(Command::Help),
            "-t" | "--type" => {
                let list = value(flag)?;
                let list = list.to_str().ok_or("TYPE is not UTF-8")?;
                for name in list.split(',') {
                    let kind = NsType::from_name(name)
                        .ok_or_else(|| format!("unknown namespace type {name:?}"))?;
                    if !options.types.contains(&kind) {
                        options.types.push(kind);
                    }
                }
                continue;
            }
            "--proc-root" => {
                options.proc_root = value(flag)?.into();
                continue;
            }
            _ => {}
        }
        if inline.is_some() {
            return Err(format!("option {flag} takes no value"));
        }
        match flag {
            "--tree" => options.tree = true,
            "--json" => options.json = true,
            "--no-procs" => options.procs = false,
            _ if flag.starts_with('-') && flag != "-" => {
                return Err(format!("unknown option {flag}"))
            }
            _ => return Err(format!("unexpected argument {flag:?}")),
        }
    }
    Ok(Command::Run(options))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Command, String> {
        parse(args.iter().map(OsString::from))
    }

    fn options(args: &[&str]) -> Options {
        match run(args) {
            Ok(Command::Run(options)) => options,
            other => panic!("{args:?}: {other:?}"),
        }
    }

    #[test]
    fn no_arguments_list_everything() {
        assert_eq!(options(&[]), Options::default());
        assert!(Options::default().shows(NsType::Cgroup));
    }

    #[test]
    fn flags_set_their_option() {
        let o = options(&["--tree", "--json", "--no-procs"]);
        assert!(o.tree && o.json && !o.procs);
    }

    #[test]
    fn types_accumulate_in_every_spelling() {
        let o = options(&[
            "-t",
            "net",
            "-tuts",
            "--type",
            "pid,user",
            "--type=net",
            "-t",
            "ipc",
        ]);
        assert_eq!(
            o.types,
            [
                NsType::Net,
                NsType::Uts,
                NsType::Pid,
                NsType::User,
                NsType::Ipc
            ]
        );
        assert!(o.shows(NsType::Uts));
        assert!(!o.shows(NsType::Mnt));
    }

    #[test]
    fn proc_root_takes_a_path() {
        assert_eq!(
            options(&["--proc-root", "/x"]).proc_root,
            PathBuf::from("/x")
        );
        assert_eq!(options(&["--proc-root=/y"]).proc_root, PathBuf::from("/y"));
    }

    #[test]
    fn help_wins_where_it_appears() {
        assert_eq!(run(&["--help"]), Ok(Command::Help));
        assert_eq!(run(&["--tree", "-h"]), Ok(Command::Help));
    }

    #[test]
    fn bad_arguments_are_errors() {
        for args in [
            &["--bogus"][..],
            &["-x"],
            &["-t"],
            &["--type"],
            &["-t", "bogus"],
            &["-t", "net,"],
            &["-t", "NET"],
            &["-t", "pid_for_children"],
            &["--tree=yes"],
            &["--json=1"],
            &["extra"],
            &["-"],
            &["--proc-root"],
        ] {
            assert!(run(args).is_err(), "{args:?}");
        }
    }

    #[test]
    fn help_documents_every_option_and_column() {
        for word in [
            "-t, --type",
            "--tree",
            "--json",
            "--no-procs",
            "--proc-root",
            "--help",
            "OWNER_UID",
            "ACTIVE",
            "\"active\"",
            "(inactive)",
            "lr--r--r--",
            "NPROCS",
            "HELD",
            "incomplete",
            "Exit status",
        ] {
            assert!(HELP.contains(word), "{word}");
        }
    }
}
