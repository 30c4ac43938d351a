//! `nsrs-lsns`: what `lsns` does, from `/proc/namespaces`, so that it sees every namespace,
//! those no process is in included.
//!
//! The listing comes from `/proc/namespaces` ([`collect`]), with whether each namespace is active
//! from its entry's mode, and owners and parents from the nsfs ioctls ([`nsfs`]); process counts
//! and holders from one walk of `/proc` ([`procwalk`], [`held`]) unless `--no-procs`. Without `/proc/namespaces` the walk is the listing too, and the
//! result is marked incomplete. Output is a table ([`table`]), a tree ([`tree`]) or JSON
//! ([`json`]). `--help` ([`args`]) says it all for users.

mod args;
mod collect;
mod held;
mod json;
mod name;
mod namespace;
mod nsfs;
mod procwalk;
mod table;
mod tree;

use args::{Command, Options};
use name::NsType;
use namespace::{Listing, Namespace};
use std::io::{self, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let options = match args::parse(std::env::args_os().skip(1)) {
        Ok(Command::Run(options)) => options,
        Ok(Command::Help) => return emit(&format!("{}\n", args::HELP)),
        Err(message) => {
            eprintln!("nsrs-lsns: {message}\n{}", args::USAGE);
            return ExitCode::from(2);
        }
    };
    match list(&options) {
        Ok(listing) => emit(&render(&listing, &options)),
        Err(message) => {
            eprintln!("nsrs-lsns: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Every namespace in view, with process counts and holders when asked for.
fn list(options: &Options) -> Result<Listing, String> {
    let proc = &options.proc_root;
    let walk = || procwalk::walk(proc).map_err(|e| format!("{}: {e}", proc.display()));
    let (mut namespaces, complete, usage) = match collect::from_proc_namespaces(proc) {
        Ok(namespaces) => {
            // Walked after listing, once every nsfs file the listing opened is closed again.
            let usage = if options.procs {
                Some(walk()?.usage)
            } else {
                None
            };
            (namespaces, true, usage)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            eprintln!(
                "nsrs-lsns: {0}/namespaces not available (kernel without CONFIG_NSRS); \
                 walking {0}/*/ns, the result is incomplete",
                proc.display()
            );
            let walk = walk()?;
            let namespaces = collect::from_seeds(&walk.seeds);
            (namespaces, false, options.procs.then_some(walk.usage))
        }
        Err(e) => return Err(format!("{}/namespaces: {e}", proc.display())),
    };
    if let Some(usage) = usage {
        held::classify(&mut namespaces, &usage);
    }
    Ok(Listing {
        namespaces,
        complete,
    })
}

/// The output the options ask for.
fn render(listing: &Listing, options: &Options) -> String {
    let tree = options
        .tree
        .then(|| tree::build(&listing.namespaces, |kind| options.shows(kind)));
    // The tree shows every user namespace whatever the filter: so does its JSON.
    let shown = listing.namespaces.values().filter(|ns: &&Namespace| {
        options.shows(ns.kind) || (options.tree && ns.kind == NsType::User)
    });
    if options.json {
        return json::render(listing, shown, tree.as_ref());
    }
    let mut out = match &tree {
        Some(tree) => tree::render(tree, &listing.namespaces),
        None => table::render(shown),
    };
    if !listing.complete {
        out.push_str("# incomplete\n");
    }
    out
}

/// Writes `text` to stdout; a reader that went away is a failure, but not worth a message.
fn emit(text: &str) -> ExitCode {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("nsrs-lsns: stdout: {e}");
            ExitCode::FAILURE
        }
    }
}
