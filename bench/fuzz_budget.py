#!/usr/bin/env python3
"""Runs cargo-fuzz targets one after the other until each has used a budget of CPU time
(user + system of the fuzzer process, not wall time: the fuzzers run `nice`d beside other
work), in chunks of at most CHUNK seconds of wall time, with libFuzzer's 256 MB limit and a
per-input time limit of TIMEOUT seconds (environment, default 1). libFuzzer's time limit is wall
time: on a shared machine a niced fuzzer is starved past 1 s on inputs that take milliseconds,
so there raise it, and re-run any `timeout-*` input alone to tell a real hang from starvation.
Appends one line per chunk to fuzz/budget.log (target, executions, CPU seconds, exit code) and
prints the totals. A crash stops the target (libFuzzer writes the input under
fuzz/artifacts/<target>/).
Usage (from the repository): bench/fuzz_budget.py CPU_SECONDS TARGET [TARGET ...]
The targets must be built first: cd fuzz && cargo +nightly fuzz build -O --sanitizer none"""
import os
import re
import resource
import subprocess
import sys
import time

CHUNK = 600
TIMEOUT = os.environ.get("TIMEOUT", "1")
budget = float(sys.argv[1])
targets = sys.argv[2:]
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
fuzz = os.path.join(root, "fuzz")
binary_dir = os.path.join(fuzz, "target", "x86_64-unknown-linux-gnu", "release")
log = os.path.join(fuzz, "budget.log")


def cpu_of_children():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


for target in targets:
    corpus = os.path.join(fuzz, "corpus-work", target)
    kept = os.path.join(fuzz, "corpus", target)
    artifacts = os.path.join(fuzz, "artifacts", target) + "/"
    os.makedirs(corpus, exist_ok=True)
    os.makedirs(artifacts, exist_ok=True)
    used, runs = 0.0, 0
    while used < budget:
        wall = int(min(CHUNK, max(30, budget - used)))
        before = cpu_of_children()
        start = time.time()
        proc = subprocess.run(
            ["nice", "-n", "15", os.path.join(binary_dir, target), corpus, kept,
             f"-max_total_time={wall}", "-rss_limit_mb=256", f"-timeout={TIMEOUT}",
             f"-artifact_prefix={artifacts}", "-print_final_stats=1"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, errors="replace")
        cpu = cpu_of_children() - before
        done = re.findall(r"stat::number_of_executed_units:\s*(\d+)", proc.stderr)
        executed = int(done[-1]) if done else 0
        used += cpu
        runs += executed
        with open(log, "a") as f:
            f.write(f"{time.strftime('%H:%M:%S')} {target} executions={executed} "
                    f"cpu={cpu:.0f}s wall={time.time() - start:.0f}s rc={proc.returncode}\n")
        if proc.returncode != 0:
            sys.stderr.write(proc.stderr[-3000:])
            print(f"{target}: stopped, rc={proc.returncode} (see {artifacts})")
            break
    print(f"{target}: {runs} executions, {used:.0f} s CPU")
