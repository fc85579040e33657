#!/usr/bin/env python3
"""Times two shell commands as whole processes, in turn (A B A B ...), and prints min / median / max of each
one's wall, user and system seconds and peak RSS, then the A/B ratios pair by pair. Taking them in turn makes a
ratio hold while this shared machine's speed drifts; quote medians and ratios, not single times.

    scripts/ab-time.py [-n RUNS] [--warmup N] 'COMMAND A' 'COMMAND B'

Each command runs under `sh -c`; its output goes to this script's stderr. The figures come from the operating
system's accounting of the finished child (os.wait4), as /usr/bin/time -v reports them."""
import argparse
import os
import platform
import statistics
import subprocess
import sys
import time


def run(command):
    started = time.monotonic()
    child = subprocess.Popen(["sh", "-c", command], stdout=sys.stderr)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return {"wall s": time.monotonic() - started, "user s": usage.ru_utime, "sys s": usage.ru_stime,
            "peak MiB": usage.ru_maxrss / 1024.0, "exit": child.returncode}


def row(name, values):
    return "%-14s %10.3f %10.3f %10.3f" % (name, min(values), statistics.median(values), max(values))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=3, help="counted runs of each command (default 3)")
    parser.add_argument("--warmup", type=int, default=0, help="uncounted runs of each, first (default 0)")
    parser.add_argument("a")
    parser.add_argument("b")
    args = parser.parse_args()
    for _ in range(args.warmup):
        run(args.a)
        run(args.b)
    runs = {"A": [], "B": []}
    for _ in range(args.n):
        runs["A"].append(run(args.a))
        runs["B"].append(run(args.b))
    load = open("/proc/loadavg").read().split()[:3] if os.path.exists("/proc/loadavg") else ["?"] * 3
    print("%s runs each, in turn after %s warm-up; %s CPUs, %s; load at the end %s" % (
        args.n, args.warmup, os.cpu_count(), platform.machine(), " ".join(load)))
    print("A = %s" % args.a)
    print("B = %s" % args.b)
    print("exit codes: A %s, B %s" % ([r["exit"] for r in runs["A"]], [r["exit"] for r in runs["B"]]))
    print("%-14s %10s %10s %10s" % ("", "min", "median", "max"))
    for side in ("A", "B"):
        for figure in ("wall s", "user s", "sys s", "peak MiB"):
            print(row("%s %s" % (side, figure), [r[figure] for r in runs[side]]))
    for figure in ("wall s", "user s"):
        print(row("A/B %s" % figure.split()[0],
                  [a[figure] / b[figure] for a, b in zip(runs["A"], runs["B"]) if b[figure] > 0]))


if __name__ == "__main__":
    main()
