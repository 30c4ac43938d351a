//! The binary as a user runs it, on the host.
//!
//! The host kernel has no `/proc/namespaces`, so the listing path is exercised on a fake procfs
//! root: a `namespaces/` directory of links named `type:[inum]` that lead to this process's real
//! `/proc/<pid>/ns/*` files (so the nsfs ioctls work), and a `<pid>` entry leading to the real
//! `/proc/<pid>` for the walk.
//!
//! Links made here are `lrwxrwxrwx`, which is how the kernel shows an active namespace (and all of
//! this process's are): the inactive mode, which no link made here can have, is unit-tested.

use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const NS_LINKS: [&str; 8] = ["cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"];

fn lsns(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nsrs-lsns"))
        .args(args)
        .output()
        .expect("nsrs-lsns runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

/// A fake procfs root with `namespaces/` listing this process's namespaces.
struct FakeProc(PathBuf);

impl FakeProc {
    fn new(tag: &str) -> FakeProc {
        let root = std::env::temp_dir().join(format!("nsrs-lsns-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(root.join("namespaces")).unwrap();
        let pid = std::process::id().to_string();
        symlink(Path::new("/proc").join(&pid), root.join(&pid)).unwrap();
        for link in NS_LINKS {
            let real = Path::new("/proc").join(&pid).join("ns").join(link);
            let Ok(name) = fs::read_link(&real) else {
                continue;
            };
            let _ = symlink(&real, root.join("namespaces").join(name));
        }
        FakeProc(root)
    }

    fn root(&self) -> &str {
        self.0.to_str().unwrap()
    }

    /// The names of this process's namespaces, `type:[inum]`.
    fn names(&self) -> Vec<String> {
        fs::read_dir(self.0.join("namespaces"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect()
    }
}

impl Drop for FakeProc {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn inum(name: &str) -> &str {
    name.split_once(":[").unwrap().1.trim_end_matches(']')
}

#[test]
fn lists_from_proc_namespaces_with_holders() {
    let fake = FakeProc::new("list");
    let out = lsns(&["--proc-root", fake.root()]);
    assert!(out.status.success());
    assert_eq!(text(&out.stderr), "", "no notice: the listing is complete");
    let stdout = text(&out.stdout);
    let mut lines = stdout.lines();
    assert_eq!(
        lines.next().unwrap().split_whitespace().collect::<Vec<_>>(),
        [
            "TYPE",
            "INUM",
            "OWNER",
            "PARENT",
            "OWNER_UID",
            "ACTIVE",
            "NPROCS",
            "HELD"
        ]
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split_whitespace().collect()).collect();
    assert_eq!(rows.len(), fake.names().len());
    for name in fake.names() {
        let row = rows.iter().find(|r| r[1] == inum(&name)).expect(&name);
        assert!(name.starts_with(&format!("{}:", row[0])));
        // From the link's own mode: the nsfs file it leads to (stat) would say nothing.
        assert_eq!(row[5], "yes", "{row:?}");
        // The walk of the fake root sees this process, in all of its namespaces.
        assert!(row[6].parse::<u32>().unwrap() >= 1, "{row:?}");
        assert!(row[7].split(',').any(|h| h == "tasks"), "{row:?}");
    }
    assert!(!stdout.contains("# incomplete"));
}

#[test]
fn json_marks_the_listing_complete() {
    let fake = FakeProc::new("json");
    let out = lsns(&["--proc-root", fake.root(), "--json", "--no-procs"]);
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("{\"complete\": true, \"namespaces\": ["));
    for name in fake.names() {
        let line = stdout
            .lines()
            .find(|l| l.contains(&format!("\"name\": \"{name}\"")))
            .expect(&name);
        // Active or not is in the listing, walk or no walk.
        assert!(
            line.contains("\"active\": true, \"nprocs\": null, \"held\": null"),
            "{line}"
        );
    }
}

#[test]
fn type_filter_keeps_only_those_types() {
    let fake = FakeProc::new("filter");
    let out = lsns(&[
        "--proc-root",
        fake.root(),
        "-t",
        "net",
        "--type=uts",
        "--no-procs",
    ]);
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    let types: Vec<&str> = stdout
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(types.len(), 2, "{stdout}");
    assert!(types.contains(&"net") && types.contains(&"uts"));
}

#[test]
fn tree_puts_owned_namespaces_under_their_owner() {
    let fake = FakeProc::new("tree");
    let out = lsns(&["--proc-root", fake.root(), "--tree", "--no-procs"]);
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    let user = fake
        .names()
        .into_iter()
        .find(|n| n.starts_with("user:"))
        .unwrap();
    let net = fake
        .names()
        .into_iter()
        .find(|n| n.starts_with("net:"))
        .unwrap();
    assert!(
        stdout.starts_with(&format!("user namespaces:\n  {user}")),
        "{stdout}"
    );
    assert!(stdout.contains(&format!("\n    {net}\n")), "{stdout}");
    assert!(stdout.contains("\npid namespaces:\n  pid:["), "{stdout}");
    assert!(!stdout.contains("(inactive)"), "{stdout}");
}

#[test]
fn without_proc_namespaces_it_falls_back_and_says_so() {
    let root = std::env::temp_dir().join(format!("nsrs-lsns-fallback-{}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    fs::create_dir_all(&root).unwrap();
    let pid = std::process::id().to_string();
    symlink(Path::new("/proc").join(&pid), root.join(&pid)).unwrap();
    let out = lsns(&["--proc-root", root.to_str().unwrap()]);
    let json = lsns(&["--proc-root", root.to_str().unwrap(), "--json"]);
    fs::remove_dir_all(&root).unwrap();

    assert!(out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("/namespaces not available (kernel without CONFIG_NSRS); walking")
            && stderr.contains("the result is incomplete"),
        "{stderr}"
    );
    let stdout = text(&out.stdout);
    assert!(stdout.ends_with("\n# incomplete\n"), "{stdout}");
    // This process's namespaces are found by the walk, through a task: they are active.
    let net = fs::read_link("/proc/self/ns/net").unwrap();
    let net = net.to_str().unwrap();
    let row: Vec<&str> = stdout
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|r| r.get(1) == Some(&inum(net)))
        .expect(&stdout);
    assert_eq!(row[5], "yes", "{row:?}");
    let json = text(&json.stdout);
    assert!(json.starts_with("{\"complete\": false,"));
    let line = json
        .lines()
        .find(|l| l.contains(&format!("\"name\": \"{net}\"")))
        .expect(&json);
    assert!(line.contains("\"active\": true,"), "{line}");
}

#[test]
fn real_proc_works_whichever_path_it_takes() {
    let out = lsns(&["--no-procs"]);
    assert!(out.status.success(), "{out:?}");
    assert!(text(&out.stdout).starts_with("TYPE "));
}

#[test]
fn bad_arguments_exit_2_with_usage() {
    for args in [&["--bogus"][..], &["-t", "bogus"], &["-t"], &["stray"]] {
        let out = lsns(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(text(&out.stderr).contains("usage: nsrs-lsns"), "{args:?}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn help_exits_0() {
    let out = lsns(&["--help"]);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("--no-procs"));
}
