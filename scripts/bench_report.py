#!/usr/bin/env python3
"""The benchmark table: per-operation cost on the stock and nsrs kernels.

  bench_report.py DIR KERNEL_RELEASE

Reads DIR/icount<N>-<kernel>.log and DIR/wall-<kernel>.log (lines
"BENCH <workload> <ops> <rounds> <ns per op>") and prints a markdown table.
Under -icount shift=0 a nanosecond is one guest instruction; the figure of a
kernel is the mean over its icount passes (boots), with its standard error.
"""
import datetime
import glob
import math
import os
import re
import sys

LINE = re.compile(r"^BENCH (\S+) (\d+) (\d+) (\d+)")
ENUM = re.compile(r"^enum_(\w+?)_N(\d+)_M(\d+)$")
COLOURS = {"procns": "#1b9e77", "lsns": "#7570b3", "walk": "#d95f02"}


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

    def values(kernel, workload):
        return [run[workload] for run in icount[kernel] if workload in run]

    def mean(kernel, workload):
        v = values(kernel, workload)
        return sum(v) / len(v) if v else None

    passes = {k: len(runs) for k, runs in icount.items()}
    print(f"Benchmarks, {datetime.date.today()}, Linux {release}, QEMU TCG.")
    print("Instructions per operation under -icount shift=0: the mean over the boots")
    print(f"(stock {passes['stock']}, nsrs {passes['nsrs']}; the enumeration workloads in the first"
          " only) with its")
    print("standard error, and the ratio nsrs/stock with the standard error of the ratio; then")
    print("wall-clock nanoseconds per operation in plain TCG (one boot, noisy).")
    print()
    print("| workload | stock instr/op | nsrs instr/op | nsrs/stock | stock wall ns/op | nsrs wall ns/op |")
    print("|---|---:|---:|---:|---:|---:|")
    for w in workloads:
        s, n = mean("stock", w), mean("nsrs", w)
        es, en = stderr(values("stock", w)), stderr(values("nsrs", w))
        ratio = "-"
        if s and n:
            ratio = f"{n / s:.3f}"
            if es is not None and en is not None:
                ratio += f" ± {n / s * math.hypot(es / s, en / n):.3f}"
        ws = wall.get("stock", {}).get(w, "-")
        wn = wall.get("nsrs", {}).get(w, "-")
        print(f"| {w} | {figure(s, es)} | {figure(n, en)} | {ratio} | {ws} | {wn} |")
    enum_summary(mean)
    write_plot(os.path.join(directory, "enumeration.svg"), mean, workloads)
    return 0


def stderr(values):
    """The standard error of the mean of values; None for fewer than two."""
    if len(values) < 2:
        return None
    m = sum(values) / len(values)
    var = sum((v - m) ** 2 for v in values) / (len(values) - 1)
    return math.sqrt(var / len(values))


def figure(value, error):
    """A mean for the table, with its standard error when there is one."""
    if not value:
        return "-"
    return f"{value:.0f}" if error is None else f"{value:.0f} ± {error:.0f}"


def enum_figure(mean, method, n, m):
    """The cost of one listing: nsrs's, or stock's for what only stock has."""
    w = f"enum_{method}_N{n}_M{m}"
    return mean("nsrs", w) or mean("stock", w)


def enum_summary(mean):
    """The enumeration targets, checked on the figures."""
    walk = mean("nsrs", "enum_walk_N1000_M1000")
    procns = mean("nsrs", "enum_procns_N1000_M1000")
    if not walk or not procns:
        return
    print()
    print(f"Enumeration at N = 1,000 tasks, M = 1,000 namespaces: /proc walk {walk:.0f},"
          f" /proc/namespaces {procns:.0f} instructions: {walk / procns:.1f}x cheaper"
          " (target: at least 50x).")
    for n in (100, 1000):
        small, big = mean("nsrs", f"enum_procns_N{n}_M1000"), mean("nsrs", f"enum_procns_N{n}_M10000")
        if small and big:
            print(f"Linear in M at N = {n}: 10x the namespaces costs {big / small:.2f}x (target: at most 11x).")
    for m in (100, 1000, 10000):
        a, b = mean("nsrs", f"enum_procns_N100_M{m}"), mean("nsrs", f"enum_procns_N1000_M{m}")
        if a and b:
            print(f"Flat in N at M = {m}: 10x the tasks costs {b / a:.2f}x.")
    listns_summary(mean, walk, procns)


def listns_summary(mean, walk, procns):
    """The targets of listns(): against /proc/namespaces and the /proc walk, linear and flat."""
    for method, pages in (("listnsall", "one call"), ("listns64", "pages of 64")):
        full = mean("nsrs", f"enum_{method}_N1000_M1000")
        if not full:
            continue
        print(f"listns() in {pages} at N = 1,000, M = 1,000: {full:.0f} instructions,"
              f" {procns / full:.1f}x cheaper than /proc/namespaces (target: at least 10x),"
              f" {walk / full:.0f}x cheaper than the /proc walk (target: at least 500x).")
        small, big = mean("nsrs", f"enum_{method}_N1000_M1000"), mean("nsrs", f"enum_{method}_N1000_M10000")
        if small and big:
            print(f"  linear in M: 10x the namespaces costs {big / small:.2f}x;", end="")
        a, b = mean("nsrs", f"enum_{method}_N100_M1000"), mean("nsrs", f"enum_{method}_N1000_M1000")
        if a and b:
            print(f" flat in N: 10x the tasks costs {b / a:.2f}x.")
        else:
            print()


def write_plot(path, mean, workloads):
    """Enumeration cost against M (at N = 1,000) and against N (at M = 1,000), log scale."""
    points = {}
    for w in workloads:
        m = ENUM.match(w)
        if m:
            points.setdefault(m.group(1), {})[(int(m.group(2)), int(m.group(3)))] = True
    if not points:
        return
    width, height, pad = 900, 380, 60
    panels = [("namespaces M (N = 1,000 tasks)", lambda key: key[0] == 1000, lambda key: key[1]),
              ("tasks N (M = 1,000 namespaces)", lambda key: key[1] == 1000, lambda key: key[0])]
    values = [enum_figure(mean, meth, n, m) for meth, keys in points.items() for (n, m) in keys]
    values = [v for v in values if v]
    lo, hi = math.log10(min(values)) - 0.2, math.log10(max(values)) + 0.2
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           'font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>']
    panel_w = (width - 3 * pad) / 2
    for i, (title, keep, x_of) in enumerate(panels):
        x0, y0, y1 = pad + i * (panel_w + pad), pad / 2, height - pad
        xs = sorted({x_of(k) for keys in points.values() for k in keys if keep(k)})
        if not xs:
            continue

        def px(x):
            if len(xs) == 1:
                return x0 + panel_w / 2
            return x0 + panel_w * (math.log10(x) - math.log10(xs[0])) / (math.log10(xs[-1]) - math.log10(xs[0]))

        def py(v):
            return y1 - (y1 - y0) * (math.log10(v) - lo) / (hi - lo)
        out.append(f'<line x1="{x0}" y1="{y1}" x2="{x0 + panel_w}" y2="{y1}" stroke="black"/>')
        out.append(f'<line x1="{x0}" y1="{y0}" x2="{x0}" y2="{y1}" stroke="black"/>')
        out.append(f'<text x="{x0 + panel_w / 2}" y="{height - 15}" text-anchor="middle">{title}</text>')
        for x in xs:
            out.append(f'<text x="{px(x)}" y="{y1 + 15}" text-anchor="middle">{x}</text>')
        for e in range(math.ceil(lo), math.floor(hi) + 1):
            out.append(f'<text x="{x0 - 5}" y="{py(10 ** e) + 4}" text-anchor="end">1e{e}</text>')
            out.append(f'<line x1="{x0}" y1="{py(10 ** e)}" x2="{x0 + panel_w}" y2="{py(10 ** e)}" '
                       'stroke="#ddd"/>')
        for meth, keys in sorted(points.items()):
            pts = [(px(x_of(k)), py(enum_figure(mean, meth, *k)))
                   for k in sorted(keys, key=x_of) if keep(k) and enum_figure(mean, meth, *k)]
            if not pts:
                continue
            colour = COLOURS.get(meth, "black")
            out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="'
                       + " ".join(f"{x:.1f},{y:.1f}" for x, y in pts) + '"/>')
            for x, y in pts:
                out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>')
            if i == 0:
                lx, ly = pts[-1]
                out.append(f'<text x="{lx + 6:.1f}" y="{ly + 4:.1f}" fill="{colour}">{meth}</text>')
    out.append(f'<text x="{pad}" y="14">instructions per full listing (log scale)</text>')
    out.append("</svg>")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
