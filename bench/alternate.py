#!/usr/bin/env python3
"""Times commands alternately, RUNS rounds (after 3 warm-up rounds), and prints for each the
median wall time in milliseconds, then the ratio of the first median to each other one.
Output and exit status of the commands are ignored.
Usage: alternate.py RUNS -- CMD1 ARGS... -- CMD2 ARGS..."""
import statistics
import subprocess
import sys
import time

runs = int(sys.argv[1])
commands, current = [], None
for arg in sys.argv[2:]:
    if arg == "--":
        current = []
        commands.append(current)
    else:
        current.append(arg)
times = [[] for _ in commands]
for round_ in range(runs + 3):
    for i, cmd in enumerate(commands):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if round_ >= 3:
            times[i].append(time.perf_counter() - start)
medians = [statistics.median(t) * 1000 for t in times]
for cmd, m in zip(commands, medians):
    print(f"{m:.1f} ms  {' '.join(cmd)}")
for cmd, m in zip(commands[1:], medians[1:]):
    print(f"ratio {medians[0] / m:.2f} against {cmd[0]}")
