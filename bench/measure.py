"""Runs commands side by side, several rounds interleaved, and prints each
one's median wall time and peak RSS and its ratio to a baseline.

Each round starts one command further on, so that no command always runs
right after the same other one: memory a process has just freed is cheaper
for the next to take (in this VM, fresh memory costs 2-3 ms per MiB on
first touch), so a fixed order favours whoever follows a big process.

usage: measure.py ROUNDS BASELINE_LABEL[,LABEL...] -- LABEL1 'shell cmd' LABEL2 'shell cmd' ...
(several baselines: one ratio column each)
"""
import os
import statistics
import subprocess
import sys
import time


def run(cmd):
    t0 = time.monotonic()
    p = subprocess.Popen(["/bin/sh", "-c", cmd], stdout=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    if status != 0:
        sys.exit("command failed (%d): %s" % (status, cmd))
    return wall, ru.ru_maxrss / 1024.0  # MiB (ru_maxrss is KiB on Linux)


def main():
    rounds = int(sys.argv[1])
    base = sys.argv[2]
    args = sys.argv[4:]
    cmds = list(zip(args[0::2], args[1::2]))
    times = {label: [] for label, _ in cmds}
    rss = {label: 0.0 for label, _ in cmds}
    for label, cmd in cmds:  # warm the page cache once
        run(cmd)
    for i in range(rounds):
        for label, cmd in cmds[i % len(cmds):] + cmds[:i % len(cmds)]:
            w, r = run(cmd)
            times[label].append(w)
            rss[label] = max(rss[label], r)
    bases = base.split(",")
    b = [statistics.median(times[x]) for x in bases]
    print("%-28s %10s %12s" % ("command", "wall (s)", "peak RSS MiB") +
          "".join(" %14s" % ("vs " + x)[:14] for x in bases))
    for label, _ in cmds:
        m = statistics.median(times[label])
        print("%-28s %10.3f %12.1f" % (label, m, rss[label]) +
              "".join(" %13.2fx" % (m / x) for x in b))


main()
