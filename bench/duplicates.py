#!/usr/bin/env python3
"""Duplicated code in src/: runs of 6 or more consecutive non-blank lines (trimmed) that occur
at two places, merged into maximal runs, counted as pairs of places. Unit-test modules,
comments, `use` lines and lines of only brackets are left out. Reads only; changes nothing.
Usage: bench/duplicates.py [SRC_DIR] [--list]"""
import os
import re
import sys

MIN = 6
SRC = next((a for a in sys.argv[1:] if not a.startswith("--")),
           os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))


def lines_of(path):
    text = open(path, encoding="utf-8").read()
    text = re.sub(r"#\[cfg\(test\)\]\s*mod tests\s*\{.*", "", text, flags=re.S)
    out = []
    for n, line in enumerate(text.split("\n"), 1):
        t = line.strip()
        if not t or t.startswith("//") or t.startswith("use ") or re.fullmatch(r"[\)\]\}\{;,]*", t):
            continue
        out.append((n, t))
    return out


files = {}
for root, _, names in os.walk(SRC):
    for name in names:
        if name.endswith(".rs"):
            p = os.path.join(root, name)
            files[os.path.relpath(p, SRC)] = lines_of(p)

windows = {}
for f, ls in files.items():
    for i in range(len(ls) - MIN + 1):
        key = tuple(t for _, t in ls[i:i + MIN])
        windows.setdefault(key, []).append((f, i))

pairs = {}
for key, places in windows.items():
    if len(places) < 2:
        continue
    for a in range(len(places)):
        for b in range(a + 1, len(places)):
            (fa, ia), (fb, ib) = places[a], places[b]
            if fa == fb and abs(ia - ib) < MIN:
                continue
            pairs.setdefault((fa, fb, ia - ib if fa == fb else None), []).append((ia, ib))

# Merge consecutive windows of one pair of files into maximal runs.
runs = []
for (fa, fb, _), starts in pairs.items():
    starts.sort()
    run_start = prev = None
    for ia, ib in starts:
        if prev is not None and ia == prev[0] + 1 and ib == prev[1] + 1:
            prev = (ia, ib)
            continue
        if run_start is not None:
            runs.append((fa, fb, run_start, prev))
        run_start = prev = (ia, ib)
    if run_start is not None:
        runs.append((fa, fb, run_start, prev))

print(f"pairs of places sharing {MIN}+ lines: {len(runs)}")
if "--list" in sys.argv:
    for fa, fb, (sa, sb), (ea, eb) in sorted(runs):
        la, lb = files[fa][sa][0], files[fb][sb][0]
        print(f"  {fa}:{la} ~ {fb}:{lb} ({ea - sa + MIN} lines)")
