#!/usr/bin/env python3
"""Keep up with the C that nsrs replaces.

  check_upstream.py [check]   compare the C in the kernel tarball with what
                              upstream/c-sources.txt recorded; exits 0 either
                              way (the stable series moves under us), non-zero
                              only when the tarball or the list is unusable
  check_upstream.py record    rewrite the hashes in upstream/c-sources.txt from
                              the tarball, once the changes are ported

The Rust of nsrs mirrors C that patches/ compiles out (fs/nsfs.c,
kernel/pid_namespace.c, the allocator of kernel/pid.c, ...).  A stable release
that fixes that C still takes the patches, which do not touch those lines, and
builds: the fix is compiled out with the rest and silently never reaches the
Rust.  So upstream/c-sources.txt records, per tracked unit (a whole file, or
one function, table or macro of a file), a hash of its text in the pristine
Debian tarball, and this script says which of them changed since.

A unit's text runs from the first line of its definition (return type,
storage class and attributes included) through the closing brace at column 0,
as kernel style lays C out; only trailing whitespace is normalised.  A whole
file is hashed as a whole and also part by part, so that a change is named by
function.

Environment: KERNEL_TARBALL (default /usr/src/linux-source-6.12.tar.xz).
"""
import hashlib
import os
import re
import shutil
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(TOP, "upstream", "c-sources.txt")
CACHE = os.path.join(TOP, "build", "upstream-src")
REPORT = os.path.join(TOP, "build", "upstream-check.txt")
TARBALL = os.environ.get("KERNEL_TARBALL", "/usr/src/linux-source-6.12.tar.xz")
ABSENT = "-"  # the hash of a unit the source does not have (yet)


def log(msg):
    print("==> [upstream] " + msg, flush=True)


def die(msg):
    print("error: " + msg, file=sys.stderr)
    sys.exit(2)


# --- the sources ----------------------------------------------------------


def extract(paths):
    """Extract `paths` (and the top Makefile, for the version) from the
    tarball; returns the directory they are in.

    Decompressing the tarball takes about 20 s, so the files are kept under
    build/upstream-src/<mtime>-<size>/: a new tarball gets a new key and the
    old copy is dropped, and a second run costs nothing.
    """
    if not os.path.isfile(TARBALL):
        die(f"kernel source {TARBALL} not found (install linux-source-6.12)")
    st = os.stat(TARBALL)
    key = f"{int(st.st_mtime)}-{st.st_size}"
    src = os.path.join(CACHE, key)
    want = sorted(set(paths) | {"Makefile"})
    listed = os.path.join(src, ".files")
    if os.path.isfile(listed):
        with open(listed) as f:
            if set(want) <= set(f.read().split()):
                return src
    shutil.rmtree(CACHE, ignore_errors=True)
    tmp = src + ".tmp"
    os.makedirs(tmp)
    log(f"extracting {len(want) - 1} C sources from {os.path.basename(TARBALL)} (about 20 s)")
    # One path component under the tarball's top directory, whatever it is
    # called; a file the tarball lacks is reported as removed, not an error.
    r = subprocess.run(
        ["tar", "-xJf", TARBALL, "-C", tmp, "--strip-components=1",
         "--wildcards", "--no-wildcards-match-slash"] + ["*/" + p for p in want],
        stderr=subprocess.PIPE, text=True)
    errors = [e for e in r.stderr.splitlines()
              if "Not found in archive" not in e and "Exiting with failure status" not in e]
    if errors or not os.path.isfile(os.path.join(tmp, "Makefile")):
        die(f"cannot extract from {TARBALL}:\n{r.stderr}")
    with open(os.path.join(tmp, ".files"), "w") as f:
        f.write("\n".join(want) + "\n")
    os.rename(tmp, src)
    return src


def kernel_version(src):
    v = {}
    with open(os.path.join(src, "Makefile")) as f:
        for line in f:
            m = re.match(r"(VERSION|PATCHLEVEL|SUBLEVEL) = (\d+)", line)
            if m:
                v[m.group(1)] = m.group(2)
    return "{VERSION}.{PATCHLEVEL}.{SUBLEVEL}".format(**v)


def digest(lines):
    text = "".join(line.rstrip() + "\n" for line in lines)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# --- splitting C into named parts ---------------------------------------------

# Attribute macros whose arguments come before a function's name.
ATTRIBUTES = re.compile(r"\b(__attribute__\s*\(\(.*?\)\)|__(printf|scanf|must_hold|acquires|"
                        r"releases|alloc_size|section|aligned|malloc)\s*\([^)]*\))")


def part_name(header, closing):
    """The name a definition defines, from its header (up to the opening
    brace) and its closing line."""
    h = ATTRIBUTES.sub(" ", " ".join(header)).strip()
    m = re.match(r"(COMPAT_)?SYSCALL_DEFINE\d\s*\(\s*(\w+)", h)
    if m:
        return ("compat_sys_" if m.group(1) else "sys_") + m.group(2)
    if "=" in h:  # an initialised table: the last name before "=" that is not an attribute
        names = [n for n in re.findall(r"[A-Za-z_]\w*", re.sub(r"\[[^]]*\]", "", h.split("=")[0]))
                 if not n.startswith("__")]
        return names[-1] if names else None
    if "(" in h:  # a function: the name before its parameter list
        m = re.search(r"([A-Za-z_]\w*)\s*\(", h)
        return m.group(1) if m else None
    # A variable of a struct type defined in place (`static struct {...} x;`)
    # is named by its closing line; a type (`struct x {...};`) by its header.
    names = [n for n in re.findall(r"[A-Za-z_]\w*", re.sub(r"\[[^]]*\]", "", closing))
             if not n.startswith("__")]
    if names:
        return names[0]
    return " ".join(w for w in h.rstrip("{ ").split()
                    if w not in ("static", "const") and not w.startswith("__")) or None


def parts(lines):
    """Split C source into its named top-level definitions: functions,
    brace-initialised tables, struct/union/enum definitions and #define
    macros.  Returns {name: (first line, last line, text lines)}, 1-based;
    definitions of one name under different #ifdefs are joined in order.
    """
    found = {}

    def add(name, start, end):
        if not name:
            return  # cannot be named stably; the file's own hash still covers it
        first, _, text = found.get(name, (start + 1, 0, []))
        found[name] = (first, end + 1, text + lines[start:end + 1])

    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        m = re.match(r"#\s*define\s+(\w+)", line)
        if m:
            end = i
            while lines[end].rstrip().endswith("\\") and end + 1 < len(lines):
                end += 1
            add(m.group(1), i, end)
            i = end + 1
            continue
        opens = line == "{" or (line.endswith("{") and line[:1] not in ("", " ", "\t", "#", "/", "*"))
        if not opens:
            i += 1
            continue
        # The header: back from the brace over the indented continuation
        # lines of the parameter list to the line at column 0 that starts
        # it, then over the lines at column 0 that are part of it too
        # (`static int` above the name, attributes), up to a blank line, a
        # comment, a directive or the end of a previous declaration.
        start = i
        if line == "{":
            while start > 0 and lines[start - 1][:1] in (" ", "\t") and lines[start - 1].strip():
                start -= 1
        while start > 0:
            prev = lines[start - 1].rstrip()
            code = re.sub(r"\s*/\*.*?\*/$", "", prev)  # `int a, /* why */` is code
            if not prev or prev[0] in " \t#}" or prev.startswith(("/*", "//", "*/")) \
                    or code.endswith((";", "*/", "{", "}", "\\")):
                break
            start -= 1
        end = i + 1
        while end < len(lines) and not lines[end].startswith("}"):
            end += 1
        end = min(end, len(lines) - 1)
        header = [lines[k].strip() for k in range(start, i + 1)]
        add(part_name(header, lines[end]), start, end)
        i = end + 1
    return found


# --- the list of tracked units --------------------------------------------------


def read_data():
    """upstream/c-sources.txt: comments, `version V`, and one line per unit,
    `file HASH PATH` or `func HASH PATH:NAME`, the whole files followed by
    the `part HASH PATH:NAME` lines of their parts (written by record).
    """
    entries, version = [], None
    with open(DATA) as f:
        for n, line in enumerate(f, 1):
            fields = line.split(None, 2)
            if not fields or fields[0].startswith("#"):
                entries.append(("#", None, line.rstrip("\n")))
            elif fields[0] == "version" and len(fields) == 2:
                version = fields[1]
            elif fields[0] in ("file", "func", "part") and len(fields) == 3:
                entries.append((fields[0], fields[1], fields[2].strip()))
            else:
                die(f"{DATA}:{n}: cannot parse: {line.rstrip()}")
    return entries, version


def split_unit(unit):
    path, _, name = unit.partition(":")
    return path, name


def read_sources(src, entries):
    """{path: lines or None when the tarball lacks it} for every tracked file."""
    out = {}
    for kind, _, unit in entries:
        if kind in ("file", "func"):
            path = split_unit(unit)[0]
            full = os.path.join(src, path)
            if path not in out:
                out[path] = open(full, errors="surrogateescape").readlines() \
                    if os.path.isfile(full) else None
    return out


def current(sources, parsed, unit):
    """The hash of a unit in the current sources, or ABSENT."""
    path, name = split_unit(unit)
    lines = sources.get(path)
    if lines is None:
        return ABSENT
    if not name:
        return digest(lines)
    if path not in parsed:
        parsed[path] = parts(lines)
    p = parsed[path].get(name)
    return digest(p[2]) if p else ABSENT


def record(src, entries, version):
    sources, parsed = read_sources(src, entries), {}
    out = ["version " + version]
    absent = []
    for kind, _, unit in entries:
        if kind == "#":
            out.append(unit)
        elif kind in ("file", "func"):
            h = current(sources, parsed, unit)
            out.append(f"{kind} {h} {unit}")
            if h == ABSENT:
                absent.append(unit)
            if kind == "file" and h != ABSENT:
                path = split_unit(unit)[0]
                parsed.setdefault(path, parts(sources[path]))
                for name in sorted(parsed[path]):
                    out.append(f"part {digest(parsed[path][name][2])} {path}:{name}")
    # Keep the comments at the top: the version goes after the header block.
    head = next((k for k, line in enumerate(out[1:], 1) if not line.startswith("#")), len(out))
    out = out[1:head] + [out[0]] + out[head:]
    with open(DATA, "w") as f:
        f.write("\n".join(out) + "\n")
    units = sum(1 for e in entries if e[0] in ("file", "func"))
    log(f"recorded {units} units from Linux {version} in {os.path.relpath(DATA, TOP)}")
    for unit in absent:
        log(f"note: {unit} is absent from Linux {version} (recorded as '-': its arrival will be reported)")


def check(src, entries, recorded):
    found = kernel_version(src)
    sources, parsed = read_sources(src, entries), {}
    rel = os.path.relpath(src, TOP)

    def warn(unit, old, new, note=""):
        path, name = split_unit(unit)
        verdict = "is new" if old == ABSENT else "was removed" if new == ABSENT else "changed"
        p = parsed.get(path, {}).get(name)
        where = f", lines {p[0]}-{p[1]}" if name and p else ""
        problems.append(f"WARNING: {unit} {verdict} since Linux {recorded} (found {found}{where}){note}")

    problems, units = [], 0
    for kind, old, unit in entries:
        if kind not in ("file", "func"):
            continue
        new = current(sources, parsed, unit)
        if new == old:
            continue
        units += 1
        if kind != "file" or ABSENT in (old, new):
            warn(unit, old, new)
            continue
        # Name the parts of the file that differ from the recorded ones.
        path = split_unit(unit)[0]
        was = {u: h for k, h, u in entries if k == "part" and split_unit(u)[0] == path}
        parsed[path] = parts(sources[path])
        now = {f"{path}:{n}": digest(p[2]) for n, p in parsed[path].items()}
        diff = [u for u in sorted(set(was) | set(now)) if was.get(u, ABSENT) != now.get(u, ABSENT)]
        warn(unit, old, new, "" if diff else ": only outside its functions, tables and macros "
             "(includes, declarations, comments)")
        for u in diff:
            warn(u, was.get(u, ABSENT), now.get(u, ABSENT))

    if not problems:
        text = f"C sources match what nsrs mirrors (Linux {found})"
        log(text)
        with open(REPORT, "w") as f:
            f.write(text + "\n")
        return
    rule = "!" * 78
    report = [
        "UPSTREAM C CHANGED: the Rust of nsrs may miss a fix to the C it mirrors",
        f"(from {TARBALL}, extracted in {rel}/)",
        "",
        *problems,
        "",
        "A fix to this C does not reach nsrs by itself: port it to the Rust",
        "(src/, rust/kernel/ns/), then run `scripts/check_upstream.py record`",
        f"and commit {os.path.relpath(DATA, TOP)} (see Documentation/nsrs/testing.rst).",
    ]
    with open(REPORT, "w") as f:
        f.write("\n".join(report) + "\n")
    log(f"WARNING: {units} tracked C units "
        f"differ from what was recorded at Linux {recorded} (found {found})")
    print(rule)
    for line in report:
        print(("!!  " + line).rstrip())
    print(rule)
    log(f"the list: {os.path.relpath(REPORT, TOP)}")


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "check"
    if mode not in ("check", "record") or len(sys.argv) > 2:
        die("usage: check_upstream.py [check|record]")
    entries, recorded = read_data()
    units = [e for e in entries if e[0] in ("file", "func")]
    if not units:
        die(f"{DATA} tracks nothing")
    src = extract({split_unit(u)[0] for _, _, u in units})
    os.makedirs(os.path.dirname(REPORT), exist_ok=True)
    if mode == "record":
        # A part line is regenerated from its file; drop the old ones.
        record(src, [e for e in entries if e[0] != "part"], kernel_version(src))
    else:
        check(src, entries, recorded or "(never recorded)")


if __name__ == "__main__":
    main()
