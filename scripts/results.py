#!/usr/bin/env python3
"""Turn guest console logs into test results, and judge them.

  results.py parse KERNEL CONSOLE_LOG    one line per test on stdout:
                                         PASS|FAIL|SKIP <kernel> <suite>/<test>[  # note]
  results.py judge EXPECTED RESULTS...   applies the expected set, compares the nsrs
                                         kernel with the stock one, prints every result
                                         and "N passed, N failed"; exits 1 on any failure.
                                         EXPECTED may be several files joined by commas.

The console log holds KUnit's KTAP output from boot, then the kselftests the
guest ran, each framed by NSRS-TEST-BEGIN/END markers, and anything the kernel
printed.  A test may also print a program's output, normalized, as
"# NSRS-OUTPUT NAME: LINE" comments: it becomes the note of a result
<suite>/<test>/output:NAME, which must be the same on both kernels.  A kernel problem anywhere in it (panic, Oops, BUG, WARNING, KASAN,
lockdep, hung task, RCU stall) is a failed test of its own.
"""
import re
import sys

# Kernel reports that fail a run wherever they appear in the console log.
KERNEL_PROBLEMS = [
    ("panic", re.compile(r"Kernel panic - not syncing")),
    ("oops", re.compile(r"^\s*Oops: |\bOops\b.*\[#\d+\]")),
    ("bug", re.compile(r"^\s*(kernel )?BUG: ")),
    ("warning", re.compile(r"^\s*WARNING: ")),
    ("kasan", re.compile(r"KASAN: ")),
    ("ubsan", re.compile(r"UBSAN: ")),
    ("lockdep", re.compile(r"possible (circular|recursive) locking|inconsistent lock state")),
    ("hung-task", re.compile(r"INFO: task .* blocked for more than")),
    ("rcu-stall", re.compile(r"rcu: INFO: .* detected stalls")),
]

TAP_RESULT = re.compile(r"^(\s*)(ok|not ok) (\d+) ?-? ?(.*)$")
KUNIT_SUBTEST = re.compile(r"^(\s*)# Subtest: (\S+)")
BEGIN = re.compile(r"^NSRS-TEST-BEGIN (\S+)")
END = re.compile(r"^NSRS-TEST-END (\S+) rc=(\d+)")
OUTPUT = re.compile(r"^# NSRS-OUTPUT (\S+): (.*)$")
OUTPUT_PREFIX = "output:"
RC_SKIP = 4  # kselftest's KSFT_SKIP
CLIENTS = "clients/"  # the real clients' scenarios (guest/clients/)
NSRS_ONLY = "no /proc/namespaces"  # their skip on a kernel without it


def tap_status(ok, desc):
    """PASS, FAIL or SKIP for a TAP result line, its name, and a skip's reason."""
    name, _, directive = desc.partition(" # ")
    directive = directive.strip()
    if directive.upper().startswith("SKIP"):
        return "SKIP", name.strip(), directive[4:].strip()
    if ok == "ok" or directive.upper().startswith("XFAIL"):
        return "PASS", name.strip(), ""
    return "FAIL", name.strip(), ""


def clean(name):
    return re.sub(r"[^A-Za-z0-9_.,:=+-]+", "_", name).strip("_") or "unnamed"


class Parser:
    def __init__(self, kernel):
        self.kernel = kernel
        self.results = []  # (status, test, note)
        self.seen = set()

    def add(self, status, test, note=""):
        base, n = test, 1
        while test in self.seen:
            n += 1
            test = f"{base}#{n}"
        self.seen.add(test)
        self.results.append((status, test, note))

    def kunit_line(self, line, suites):
        """KTAP from KUnit: a suite's "# Subtest:" line has the indentation of its cases."""
        m = KUNIT_SUBTEST.match(line)
        if m:
            depth = len(m.group(1)) // 4
            del suites[depth:]
            suites.extend([""] * (depth - len(suites)))
            suites.append(m.group(2))
            return
        m = TAP_RESULT.match(line)
        if not m:
            return
        depth = len(m.group(1)) // 4
        # Depth 0 closes a suite whose cases were recorded one by one.
        if depth < 1 or depth >= len(suites):
            return
        status, name, note = tap_status(m.group(2), m.group(4))
        path = ".".join(s for s in suites[1 : depth + 1] if s)
        self.add(status, f"kunit/{path}.{clean(name)}", note)

    def kselftest_block(self, test, lines, rc):
        subtests = 0
        outputs = {}
        for line in lines:
            m = OUTPUT.match(line)
            if m:
                outputs.setdefault(m.group(1), []).append(" ".join(m.group(2).split()))
                continue
            m = TAP_RESULT.match(line)
            if m and not m.group(1):
                status, name, note = tap_status(m.group(2), m.group(4))
                self.add(status, f"{test}/{clean(name)}", note)
                subtests += 1
        for name, text in outputs.items():
            self.add("PASS", f"{test}/{OUTPUT_PREFIX}{clean(name)}", " | ".join(text))
        if rc is None:
            self.add("FAIL", test, "no end marker: the guest crashed or timed out")
        elif rc == 0:
            self.add("PASS", test)
        elif rc == RC_SKIP:
            self.add("SKIP", test)
        elif rc == 137:
            self.add("FAIL", test, TIMEOUT_NOTE)
        else:
            self.add("FAIL", test, f"exit status {rc}")

    def parse(self, text):
        suites, block, block_lines = [], None, []
        problems = {}
        for raw in text.splitlines():
            line = raw.rstrip("\r")
            for kind, pattern in KERNEL_PROBLEMS:
                if pattern.search(line) and kind not in problems:
                    problems[kind] = line.strip()
            m = BEGIN.match(line)
            if m:
                if block:
                    self.kselftest_block(block, block_lines, None)
                block, block_lines = m.group(1), []
                continue
            m = END.match(line)
            if m and block == m.group(1):
                self.kselftest_block(block, block_lines, int(m.group(2)))
                block = None
                continue
            if block:
                block_lines.append(line)
            else:
                self.kunit_line(line, suites)
        if block:
            self.kselftest_block(block, block_lines, None)
        if not any(t.startswith("kunit/") for _, t, _ in self.results):
            self.add("FAIL", "kunit/ran", "no KUnit results in the console log")
        if "NSRS-TESTS-END" not in text:
            self.add("FAIL", "guest/tests-completed", "the guest did not finish the tests")
        for kind, _ in KERNEL_PROBLEMS:
            if kind in problems:
                self.add("FAIL", f"kernel-log/{kind}", problems[kind])
            else:
                self.add("PASS", f"kernel-log/{kind}")
        return self.results


def format_result(status, kernel, test, note=""):
    return f"{status} {kernel} {test}" + (f"  # {note}" if note else "")


def parse_results_file(path):
    out = []
    for line in open(path, encoding="utf-8", errors="replace"):
        line = line.rstrip("\n")
        if not line:
            continue
        main, _, note = line.partition("  # ")
        status, kernel, test = main.split(" ", 2)
        out.append((status, kernel, test, note))
    return out


TIMEOUT_NOTE = "killed by the guest's per-test timeout"


def load_expected(paths):
    """The committed expected set: test -> (status, reason).

    PASS: passes on stock; XFAIL: fails on every kernel, for the reason given; SLOW: a test
    binary that cannot finish within the per-test timeout on this configuration (a debug
    kernel under TCG): its being cut off is a skip, while every case it reported still
    counts.
    """
    expected = {}
    for path in paths.split(","):
        expected.update(load_expected_file(path))
    return expected


def load_expected_file(path):
    expected = {}
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 2)
        expected[parts[1]] = (parts[0], parts[2] if len(parts) > 2 else "")
    return expected


def lookup(expected, test):
    """The entry for test or for the binary it belongs to (suite/binary)."""
    if test in expected:
        return expected[test]
    binary = "/".join(test.split("/")[:2])
    return expected.get(binary)


def judge(expected_path, paths):
    expected = load_expected(expected_path)
    results = [r for p in paths for r in parse_results_file(p)]
    judged = []
    for status, kernel, test, note in results:
        entry = lookup(expected, test)
        if entry and entry[0] == "SLOW":
            if status == "FAIL" and test in expected and note == TIMEOUT_NOTE:
                status, note = "SKIP", f"cut off by the per-test timeout: {entry[1]}"
        elif entry and entry[0] != "PASS" and status == "FAIL":
            status, note = "SKIP", f"expected on this config: {entry[1]}"
        elif entry and entry[0] == "PASS" and status != "PASS" and kernel == "stock":
            note = (note + "; " if note else "") + "in the expected set as passing on stock"
        judged.append((status, kernel, test, note))

    # The nsrs kernel must pass everything the stock kernel passes.
    by_kernel = {}
    for status, kernel, test, _ in judged:
        by_kernel.setdefault(kernel, {})[test] = status
    stock, nsrs = by_kernel.get("stock", {}), by_kernel.get("nsrs", {})
    for test, status in sorted(stock.items()):
        if status == "PASS" and nsrs.get(test) != "PASS" and "nsrs" in by_kernel:
            judged.append(("FAIL", "nsrs", f"compare/{test}",
                           f"passes on stock, {nsrs.get(test, 'missing').lower()} on nsrs"))
    # A real client's scenario must end alike on both kernels, but for the
    # checks of /proc/namespaces, which only the nsrs kernel has.
    if "stock" in by_kernel and "nsrs" in by_kernel:
        notes = {(kernel, test): note for _, kernel, test, note in judged}
        for test in sorted(set(stock) | set(nsrs)):
            if not test.startswith(CLIENTS):
                continue
            on_stock, on_nsrs = stock.get(test, "missing"), nsrs.get(test, "missing")
            if on_stock == on_nsrs or on_stock == "PASS":  # a stock PASS is checked above
                continue
            if on_nsrs == "PASS" and notes.get(("stock", test)) == NSRS_ONLY:
                continue
            judged.append(("FAIL", "nsrs", f"compare/{test}",
                           f"{on_stock.lower()} on stock, {on_nsrs.lower()} on nsrs: "
                           "a real client must behave alike on both"))
        # A program's output, where a test printed it, must be the same too.
        for test in sorted(set(stock) & set(nsrs)):
            if test.rpartition("/")[2].startswith(OUTPUT_PREFIX):
                if notes[("stock", test)] != notes[("nsrs", test)]:
                    judged.append(("FAIL", "nsrs", f"compare/{test}",
                                   f"stock printed: {notes[('stock', test)]}; "
                                   f"nsrs printed: {notes[('nsrs', test)]}"))
    # Every entry of the expected set must have run.
    for test, (status, _) in sorted(expected.items()):
        for kernel in ("stock", "nsrs"):
            if kernel in by_kernel and status == "PASS" and test not in by_kernel[kernel]:
                judged.append(("FAIL", kernel, test, "in the expected set but did not run"))

    for r in judged:
        print(format_result(*r))
    passed = sum(1 for r in judged if r[0] == "PASS")
    failed = sum(1 for r in judged if r[0] == "FAIL")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def main(argv):
    if len(argv) == 4 and argv[1] == "parse":
        kernel, text = argv[2], open(argv[3], encoding="utf-8", errors="replace").read()
        for status, test, note in Parser(kernel).parse(text):
            print(format_result(status, kernel, test, note))
        return 0
    if len(argv) >= 4 and argv[1] == "judge":
        return judge(argv[2], argv[3:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
