#!/usr/bin/env python3
"""Differential test of cct-lint's Helm renderer against real Helm.

For every chart under the given roots (a directory holding Chart.yaml, a packaged chart
`*.tgz`, or a directory whose children are charts), renders the chart with default values
with real Helm (the `helm-python-sdk` oracle, Helm v4's Go library) and with
`cct-lint render --json`, then compares every template's output *data-equal*: both texts are
parsed as YAML multi-document streams (PyYAML, YAML 1.1 like Helm's reader) and compared as
data; empty documents are dropped on both sides, as Helm's manifest splitter drops them.

Masking of random output, by two rules and nothing else:
1. Non-determinism: Helm renders every chart twice. A value that differs between those two
   Helm renders is non-deterministic by definition (randAlphaNum, genCA, uuidv4, now, and
   anything derived from them: b64enc, sha256sum checksums...); it is masked at the smallest
   data node (scalar, or the whole list/map when its shape differs) where the two renders
   disagree. Our value there must still exist and be of the same kind (a string for a string).
2. Our placeholders: cct-lint's random, time and crypto functions return fixed placeholders
   (src/render/funcs/sprig.rs: `xxxx` for randAlpha*, `0000` for randNumeric, a zero uuid,
   2024-01-01 00:00:00 UTC for `now` (so a string showing the year 2024 is compared with
   its digits and month/day names free: `now` formatted by `date`), PEM blocks around `PLACEHOLDER`, `$2a$10$PLACEHOLDER`
   for bcrypt/htpasswd, `placeholder-password`). Where our string differs from Helm's and
   carries such a placeholder, it is compared as a pattern: each placeholder stands for what
   the real function can return (`[ -~]{n}`, a uuid, a timestamp, a PEM body...), the rest
   must be identical. Base64 strings are decoded on both sides first (b64enc of a random).
Text that does not parse as YAML is compared line by line with rule 1.

Prints the share of data-equal templates (and of byte-identical ones), every differing template
with a short diff, and crashes or errors on either side; exits 1 when the share is under
--min-share (percent), with --no-crash when only one side fails a chart, with --all-render
when any chart fails on either side.

Must not: write anywhere but the --oracle-cache directory, touch the network, or modify the charts.
Needs: Python 3 with PyYAML and helm-python-sdk==0.2.2 (run it with the oracle venv's python).
"""

import argparse
import base64
import concurrent.futures
import difflib
import hashlib
import json
import os
import re
import subprocess
import sys

# What a chart render in a child process prints: {"renders": [r1, r2]} or {"error": msg}.
ORACLE_CHILD = r"""
import json, sys
import helm_python as helm
out = {"renders": []}
try:
    for _ in range(2):
        # Helm's dependency processing mutates a loaded chart: load it again for each render.
        with helm.Chart.load(sys.argv[1]) as c:
            out["renders"].append(c.render({}, name=sys.argv[2], namespace=sys.argv[3]))
except Exception as e:
    out = {"error": "%s: %s" % (type(e).__name__, e)}
json.dump(out, sys.stdout)
"""

MASKED = object()


def find_charts(roots):
    charts = []
    for root in roots:
        if os.path.isfile(os.path.join(root, "Chart.yaml")) or root.endswith(".tgz"):
            charts.append(root)
            continue
        if not os.path.isdir(root):
            sys.exit("helm_diff: %s is neither a chart nor a directory" % root)
        for name in sorted(os.listdir(root)):
            p = os.path.join(root, name)
            if os.path.isfile(os.path.join(p, "Chart.yaml")) or (
                name.endswith(".tgz") and os.path.isfile(p)
            ):
                charts.append(p)
    return charts


def chart_digest(chart, release, namespace):
    """Content hash of a chart (every file's path and bytes), for the oracle cache."""
    h = hashlib.sha256(("%s\0%s\0" % (release, namespace)).encode())
    paths = [chart] if os.path.isfile(chart) else sorted(
        os.path.join(d, f) for d, _, fs in os.walk(chart) for f in fs
    )
    for p in paths:
        h.update(os.path.relpath(p, chart).encode() + b"\0")
        with open(p, "rb") as f:
            h.update(f.read())
    return h.hexdigest()


def run_oracle(python, chart, release, namespace, timeout, cache=None):
    """Helm's two renders of a chart; with `cache` (a directory), reused while the chart's
    content is unchanged (iterating on our side does not need Helm to run again)."""
    key = None
    if cache:
        key = os.path.join(cache, chart_digest(chart, release, namespace) + ".json")
        if os.path.isfile(key):
            with open(key) as f:
                return json.load(f)
    out = run_oracle_uncached(python, chart, release, namespace, timeout)
    if key and "renders" in out:
        os.makedirs(cache, exist_ok=True)
        with open(key + ".tmp", "w") as f:
            json.dump(out, f)
        os.replace(key + ".tmp", key)
    return out


def run_oracle_uncached(python, chart, release, namespace, timeout):
    try:
        p = subprocess.run(
            [python, "-c", ORACLE_CHILD, chart, release, namespace],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return {"error": "oracle timed out after %ss" % timeout}
    if p.returncode != 0:
        return {"error": "oracle process failed (%d): %s" % (p.returncode, p.stderr[-2000:])}
    try:
        return json.loads(p.stdout)
    except ValueError:
        return {"error": "oracle printed no JSON: %s" % p.stderr[-2000:]}


def run_ours(binary, chart, release, namespace, timeout):
    cmd = [binary, "render", "--json", "--release-name", release, "-n", namespace, chart]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": "timed out after %ss" % timeout, "crash": True}
    if p.returncode == 0:
        try:
            return {"templates": json.loads(p.stdout)}
        except ValueError as e:
            return {"error": "invalid JSON on stdout: %s" % e, "crash": True}
    # 2 is a reported error; anything else (101 = Rust panic, signals) is a crash.
    crash = p.returncode != 2 or "panicked" in p.stderr
    return {"error": p.stderr.strip()[-2000:], "crash": crash}


def load_docs(text):
    """YAML documents of a template's output, empty ones dropped; None when unparsable."""
    import yaml

    try:
        return [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError:
        return None


def mask(a, b):
    """Merges two Helm renders: equal parts kept, differing parts replaced by a mask that
    records what a conforming value must look like."""
    if type(a) is type(b):
        if isinstance(a, dict):
            if a.keys() != b.keys():
                return ("mask", "dict", None)
            return {k: mask(a[k], b[k]) for k in a}
        if isinstance(a, list):
            if len(a) != len(b):
                return ("mask", "list", None)
            return [mask(x, y) for x, y in zip(a, b)]
        if a == b:
            return a
        return ("mask", type(a).__name__, None)
    return ("mask", "any", None)


def is_mask(m):
    return isinstance(m, tuple) and len(m) == 3 and m[0] == "mask"


def matches(m, ours):
    """Does our data equal the (masked) Helm data?"""
    if is_mask(m):
        _, kind, length = m
        if kind == "any":
            return True
        if kind == "dict":
            return isinstance(ours, dict)
        if kind == "list":
            return isinstance(ours, list)
        return type(ours).__name__ == kind
    if isinstance(m, dict):
        return (
            isinstance(ours, dict)
            and m.keys() == ours.keys()
            and all(matches(m[k], ours[k]) for k in m)
        )
    if isinstance(m, list):
        return (
            isinstance(ours, list)
            and len(m) == len(ours)
            and all(matches(x, y) for x, y in zip(m, ours))
        )
    if isinstance(m, str) and isinstance(ours, str) and m != ours:
        return placeholder_match(m, ours)
    # YAML 1.1 data: bool and int are distinct for us (True == 1 in Python).
    return type(m) is type(ours) and m == ours


# Our placeholders (src/render/funcs/sprig.rs) and what the real functions may return there.
PLACEHOLDERS = [
    (re.escape("$2a$10$PLACEHOLDER"), r"\$2[aby]?\$\d\d\$[./A-Za-z0-9]{53}"),
    (re.escape("PLACEHOLDER"), r"[A-Za-z0-9+/=\n]+"),
    (re.escape("placeholder-password"), r".+"),
    (re.escape("00000000-0000-4000-8000-000000000000"),
     r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"),
    (re.escape("2024-01-01 00:00:00 +0000 UTC"),
     r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? [+-]\d{4} [A-Z]+( m=[+-]\d+\.\d+)?"),
    (re.escape("1704067200"), r"\d+"),
]
# `now` formatted with any layout (`date "20060102150405" now`): our fixed instant is in
# 2024, a Monday in January; in a string showing it, digits and names are free.
NOW_YEAR = "2024"
NOW_NAMES = re.compile(r"January|Jan|Monday|Mon")
RUN = re.compile(r"x{3,}|0{3,}")


def placeholder_pattern(ours):
    """A regex for `ours` where each placeholder matches what Helm may print there; None when
    `ours` holds no placeholder."""
    out, i, found = [], 0, False
    dated = NOW_YEAR in ours
    while i < len(ours):
        if dated:
            m = NOW_NAMES.match(ours, i)
            if m:
                out.append(r"[A-Za-z]+")
                i = m.end()
                found = True
                continue
            if ours[i].isdigit():
                out.append(r"\d")
                i += 1
                found = True
                continue
        for lit, pat in PLACEHOLDERS:
            m = re.compile(lit).match(ours, i)
            if m:
                out.append(pat)
                i = m.end()
                found = True
                break
        else:
            m = RUN.match(ours, i)
            if m:
                n = m.end() - i
                out.append(r"[ -~]{%d}" % n if ours[i] == "x" else r"\d{%d}" % n)
                i = m.end()
                found = True
            else:
                out.append(re.escape(ours[i]))
                i += 1
    return "".join(out) if found else None


def b64(s):
    try:
        if len(s) < 4 or len(s) % 4:
            return None
        return base64.b64decode(s, validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None


def placeholder_match(helm, ours, depth=0):
    pat = placeholder_pattern(ours)
    if pat is not None and re.fullmatch(pat, helm, re.S):
        return True
    h, o = b64(helm), b64(ours)
    if depth < 2 and h is not None and o is not None:
        return h == o or placeholder_match(h, o, depth + 1)
    return False


def lines_match(h1, h2, ours):
    """Line-level comparison for text that is not YAML: lines that differ between the two
    Helm renders are masked."""
    a, b, o = h1.splitlines(), h2.splitlines(), ours.splitlines()
    if len(a) != len(b) or len(a) != len(o):
        return h1 == ours
    return all(x == z or x != y or placeholder_match(x, z) for x, y, z in zip(a, b, o))


def compare_template(h1, h2, ours):
    """'identical', 'equal' (data-equal after masking) or 'differ'."""
    if ours == h1 and h1 == h2:
        return "identical"
    d1, d2, do = load_docs(h1), load_docs(h2), load_docs(ours)
    if d1 is None or d2 is None:
        return "equal" if lines_match(h1, h2, ours) else "differ"
    if do is None:
        return "differ"
    return "equal" if matches(mask(d1, d2), do) else "differ"


def short(msg, limit=600):
    msg = str(msg)
    return msg if len(msg) <= limit else msg[: limit // 2] + " [...] " + msg[-limit // 2 :]


def short_diff(helm, ours, limit):
    lines = list(
        difflib.unified_diff(
            helm.splitlines(), ours.splitlines(), "helm", "cct-lint", n=1, lineterm=""
        )
    )
    if len(lines) > limit:
        lines = lines[:limit] + ["... (%d more diff lines)" % (len(lines) - limit)]
    return "\n".join("      " + l for l in lines)


def is_counted(name):
    # `helm template` does not print NOTES.txt and `cct-lint render` does not return it.
    return not name.endswith("/NOTES.txt")


def compare_chart(args, chart):
    oracle = run_oracle(
        args.python, chart, args.release_name, args.namespace, args.timeout, args.oracle_cache
    )
    ours = run_ours(args.bin, chart, args.release_name, args.namespace, args.timeout)
    result = {"chart": chart, "templates": {}, "helm_error": None, "our_error": None}
    if "error" in oracle:
        result["helm_error"] = oracle["error"]
    if "error" in ours:
        result["our_error"] = ours["error"]
        result["crash"] = ours.get("crash", False)
    if result["helm_error"] or result["our_error"]:
        if not result["helm_error"]:
            result["templates"] = {
                n: ("missing", "") for n in oracle["renders"][0] if is_counted(n)
            }
        return result
    h1, h2 = oracle["renders"]
    got = ours["templates"]
    for name in sorted(set(h1) | set(got)):
        if not is_counted(name):
            continue
        # A template missing on one side compares as empty output (Helm drops empty docs).
        a, b, o = h1.get(name, ""), h2.get(name, ""), got.get(name, "")
        status = compare_template(a, b, o)
        diff = short_diff(a, o, args.diff_lines) if status == "differ" else ""
        result["templates"][name] = (status, diff)
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("roots", nargs="+", help="chart directories, .tgz, or parents of charts")
    ap.add_argument("--bin", default="target/release/cct-lint", help="cct-lint binary")
    ap.add_argument("--python", default=sys.executable, help="python with helm-python-sdk")
    ap.add_argument("--min-share", type=float, default=0.0, help="percent of templates")
    ap.add_argument("--no-crash", action="store_true", help="also fail when one side fails and the other renders")
    ap.add_argument("--all-render", action="store_true", help="also fail when a chart fails on both sides")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--diff-lines", type=int, default=12)
    ap.add_argument("--release-name", default="rel")
    ap.add_argument("--namespace", default="ns")
    ap.add_argument("--oracle-cache", help="directory caching Helm's renders by chart content")
    ap.add_argument("--quiet", action="store_true", help="only the summary and failures")
    args = ap.parse_args()
    try:
        import yaml  # noqa: F401
    except ImportError:
        sys.exit("helm_diff: PyYAML is needed (pip install pyyaml)")
    if not os.access(args.bin, os.X_OK):
        sys.exit("helm_diff: no executable at %s" % args.bin)

    charts = find_charts(args.roots)
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
        results = list(ex.map(lambda c: compare_chart(args, c), charts))

    total = identical = equal = 0
    crashes, both_fail, only_helm_fails = [], [], []
    differing = []
    for r in results:
        if r["helm_error"] and r["our_error"]:
            both_fail.append(r)
            continue
        if r["helm_error"]:
            only_helm_fails.append(r)
            continue
        if r["our_error"]:
            crashes.append(r)
        for name, (status, diff) in r["templates"].items():
            total += 1
            identical += status == "identical"
            equal += status in ("identical", "equal")
            if status in ("differ", "missing"):
                differing.append((name, status, diff))

    for name, status, diff in differing:
        if status == "missing":
            continue  # reported with the chart's error below
        print("DIFF %s" % name)
        if not args.quiet or args.diff_lines:
            print(diff)
    for r in crashes:
        kind = "CRASH" if r.get("crash") else "ERROR"
        print("%s (ours, Helm succeeds) %s: %s" % (kind, r["chart"], short(r["our_error"])))
    for r in only_helm_fails:
        print("HELM-ONLY-ERROR (we render, Helm fails) %s: %s" % (r["chart"], short(r["helm_error"])))
    for r in both_fail:
        if not args.quiet:
            print("BOTH-ERROR %s\n  helm: %s\n  ours: %s" % (r["chart"], short(r["helm_error"]), short(r["our_error"])))

    share = 100.0 * equal / total if total else 100.0
    print(
        "charts: %d (%d rendered by Helm, %d fail in both, %d fail only in Helm)"
        % (len(charts), len(charts) - len(both_fail) - len(only_helm_fails), len(both_fail), len(only_helm_fails))
    )
    print(
        "templates: %d, data-equal: %d (%.2f %%), byte-identical: %d (%.2f %%), differing: %d"
        % (total, equal, share, identical, 100.0 * identical / total if total else 100.0, total - equal)
    )
    print(
        "our failures where Helm succeeds: %d (%d crashes)"
        % (len(crashes), sum(1 for r in crashes if r.get("crash")))
    )
    failed = share < args.min_share
    if args.no_crash and (crashes or only_helm_fails):
        failed = True
    if args.all_render and (crashes or only_helm_fails or both_fail):
        failed = True
    if failed:
        print("FAILED: share %.2f %% (minimum %.2f %%), charts failing: %d ours only, %d Helm only, %d both" % (
            share, args.min_share, len(crashes), len(only_helm_fails), len(both_fail)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
