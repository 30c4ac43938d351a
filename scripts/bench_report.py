#!/usr/bin/env python3
"""The benchmark table: per-operation cost on the stock and nsrs kernels.

  bench_report.py DIR KERNEL_RELEASE

Reads DIR/icount<N>-<kernel>.log and DIR/wall-<kernel>.log (lines
"BENCH <workload> <ops> <rounds> <ns per op>") and prints a markdown table.
Under -icount shift=0 a nanosecond is one guest instruction; the figure of a
kernel is the mean over its icount passes.
"""
import datetime
import glob
import os
import re
import sys

LINE = re.compile(r"^BENCH (\S+) (\d+) (\d+) (\d+)")


def read(path):
    figures = {}
    for line in open(path, encoding="utf-8", errors="replace"):
        m = LINE.match(line)
        if m:
            figures[m.group(1)] = int(m.group(4))
    return figures


def main(directory, release):
    icount = {"stock": [], "nsrs": []}
    for path in sorted(glob.glob(os.path.join(directory, "icount*-*.log"))):
        kernel = path.rsplit("-", 1)[1][: -len(".log")]
        icount[kernel].append(read(path))
    wall = {k: read(os.path.join(directory, f"wall-{k}.log"))
            for k in ("stock", "nsrs") if os.path.exists(os.path.join(directory, f"wall-{k}.log"))}
    workloads = []
    for runs in icount.values():
        for run in runs:
            workloads += [w for w in run if w not in workloads]

    def mean(kernel, workload):
        values = [run[workload] for run in icount[kernel] if workload in run]
        return sum(values) / len(values) if values else None

    print(f"Benchmarks, {datetime.date.today()}, Linux {release}, QEMU TCG.")
    print("Instructions per operation under -icount shift=0 (mean of the passes), and")
    print("wall-clock nanoseconds per operation in plain TCG (one pass, noisy).")
    print()
    print("| workload | stock instr/op | nsrs instr/op | nsrs/stock | stock wall ns/op | nsrs wall ns/op |")
    print("|---|---:|---:|---:|---:|---:|")
    for w in workloads:
        s, n = mean("stock", w), mean("nsrs", w)
        ratio = f"{n / s:.3f}" if s and n else "-"
        ws = wall.get("stock", {}).get(w, "-")
        wn = wall.get("nsrs", {}).get(w, "-")
        fs = f"{s:.0f}" if s else "-"
        fn = f"{n:.0f}" if n else "-"
        print(f"| {w} | {fs} | {fn} | {ratio} | {ws} | {wn} |")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
