#!/usr/bin/env python3
"""Differential test of cct-lint's YAML loader against Kubernetes' own decoder.

For every YAML file under the given roots (`*.yaml`, `*.yml`; Helm chart templates and hidden
directories skipped: templates are not YAML before rendering), decodes the file twice:
- with `kubectl label --local -f FILE cct-lint-diff=x -o json` (kubectl's resource builder:
  sigs.k8s.io/yaml over go-yaml, the code path of `kubectl apply`), offline;
- with cct-lint's loader (`cargo run --release --example yaml_dump`), every document's objects,
  `List` kinds flattened, with the same label added to each object.
and compares the objects as data (numbers by value: `1` and `1.0` are equal, as in JSON).

Files kubectl refuses (no apiVersion/kind, syntax errors go-yaml reports, duplicate keys) are
counted apart: the agreement is over the files kubectl accepts. Prints the agreement, every
disagreement with the first differing path, the files we refuse that kubectl accepts, and the
files kubectl refuses while we load objects. Exits 1 when the agreement is under --min-share.

Usage: bench/yaml_diff.py [--min-share 100] [--jobs 2] [--save-disagreements DIR] ROOT...
Roots are directories (e.g. a `git archive` of kubernetes/examples) or single files.
Needs kubectl on PATH; reads files only, opens no socket (kubectl --local).
"""

import argparse
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys

LABEL = "cct-lint-diff"


def yaml_files(roots):
    out = []
    for root in roots:
        if os.path.isfile(root):
            out.append(root)
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            if os.path.basename(dirpath) == "templates" and os.path.isfile(
                os.path.join(os.path.dirname(dirpath), "Chart.yaml")
            ):
                dirnames[:] = []
                continue
            for name in sorted(filenames):
                if name.endswith((".yaml", ".yml")):
                    out.append(os.path.join(dirpath, name))
    return out


def kubectl_objects(path):
    """kubectl's objects for a file, or (None, error text) when it refuses the file."""
    try:
        r = subprocess.run(
            ["kubectl", "label", "--local", "-f", path, f"{LABEL}=x", "-o", "json"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except subprocess.TimeoutExpired:
        return None, "timeout"
    if r.returncode != 0:
        return None, (r.stderr.strip().splitlines() or ["exit %d" % r.returncode])[0]
    if not r.stdout.strip():
        return [], None
    # One JSON object per resource, one after the other (a `List` input comes back as one).
    objects, text, decoder, i = [], r.stdout, json.JSONDecoder(), 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            break
        try:
            data, i = decoder.raw_decode(text, i)
        except json.JSONDecodeError as e:
            return None, f"kubectl output is not JSON: {e}"
        if isinstance(data, dict) and data.get("kind") == "List" and "items" in data:
            objects.extend(data["items"])
        else:
            objects.append(data)
    return objects, None


def ours(paths, dump):
    """Our loader's objects per file, one process for every file."""
    out = {}
    chunk = 200
    for i in range(0, len(paths), chunk):
        part = paths[i : i + chunk]
        r = subprocess.run([dump] + part, capture_output=True, text=True, check=True)
        for line in r.stdout.splitlines():
            rec = json.loads(line)
            out[rec["file"]] = rec
    return out


def labelled(obj):
    """Our object with the label kubectl adds, added the way kubectl's merge does."""
    if not isinstance(obj, dict):
        return obj
    obj = json.loads(json.dumps(obj))
    meta = obj.get("metadata")
    if not isinstance(meta, dict):
        meta = {}
        obj["metadata"] = meta
    labels = meta.get("labels")
    if not isinstance(labels, dict):
        labels = {}
        meta["labels"] = labels
    labels[LABEL] = "x"
    return obj


def first_difference(a, b, path="$"):
    if isinstance(a, bool) or isinstance(b, bool):
        return None if a is b or (type(a) is type(b) and a == b) else path
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return None if float(a) == float(b) else path
    if type(a) is not type(b):
        return path
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{path}.{k}"
            d = first_difference(a[k], b[k], f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}[len {len(a)} vs {len(b)}]"
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    return None if a == b else path


def value_at(obj, path):
    cur = obj
    for part in path.replace("[", ".[").split(".")[1:]:
        if part.startswith("[") and part.endswith("]"):
            try:
                cur = cur[int(part[1:-1])]
            except (ValueError, IndexError, TypeError, KeyError):
                return "?"
        else:
            cur = cur.get(part, "<absent>") if isinstance(cur, dict) else "?"
    s = json.dumps(cur)
    return s if len(s) < 80 else s[:77] + "..."


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("roots", nargs="+")
    ap.add_argument("--min-share", type=float, default=0.0)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--dump", default=None, help="yaml_dump binary (default: built with cargo)")
    args = ap.parse_args()
    if not shutil.which("kubectl"):
        print("kubectl not found on PATH", file=sys.stderr)
        return 2
    dump = args.dump
    if not dump:
        here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        subprocess.run(
            ["cargo", "build", "--release", "--quiet", "--example", "yaml_dump"],
            cwd=here,
            check=True,
        )
        dump = os.path.join(here, "target", "release", "examples", "yaml_dump")
    files = yaml_files(args.roots)
    mine = ours(files, dump)
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        theirs = dict(zip(files, pool.map(kubectl_objects, files)))

    accepted = agree = 0
    disagreements, we_refuse, duplicates = [], [], []
    not_objects, they_refuse_we_load, both_refuse = [], [], []
    for f in files:
        k_objs, k_err = theirs[f]
        missing = {"objects": [], "errors": [{"kind": "dump", "at": "", "message": "missing"}]}
        rec = mine.get(f, missing)
        our_objs = [labelled(o) for o in rec["objects"] if o is not None]
        refusing = [e for e in rec["errors"] if e["kind"] != "duplicate_key"]
        if k_objs is None:
            if "is missing in" in k_err or "cannot unmarshal array into Go value" in k_err:
                not_objects.append(f)  # valid YAML that is no Kubernetes object (a JSON patch)
            elif rec["objects"] and not refusing:
                they_refuse_we_load.append((f, k_err))
            else:
                both_refuse.append((f, k_err))
            continue
        accepted += 1
        if refusing:
            e = refusing[0]
            we_refuse.append((f, f"{e['at']}: {e['message']}"))
            continue
        d = first_difference(k_objs, our_objs)
        if d is None:
            agree += 1
            if rec["errors"]:
                duplicates.append(f)
        else:
            disagreements.append((f, d, value_at(k_objs, d), value_at(our_objs, d)))

    share = 100.0 * agree / accepted if accepted else 100.0
    print(f"files: {len(files)}; kubectl accepts {accepted}, refuses {len(files) - accepted}")
    print(f"agreement: {agree}/{accepted} = {share:.2f} % of the files kubectl accepts")
    print(
        f"  of which {len(duplicates)} with duplicate keys: same data (the last value wins, "
        "as in go-yaml), reported by cct-lint as LNT002"
    )
    for f, d, k, o in disagreements:
        print(f"DIFFERENT {f}: at {d}: kubectl {k} / cct-lint {o}")
    for f, e in we_refuse:
        print(f"WE-REFUSE {f}: {e}")
    for f, e in they_refuse_we_load:
        print(f"KUBECTL-REFUSES {f}: {e}")
    for f, e in both_refuse:
        print(f"BOTH-REFUSE {f}: {e}")
    print(
        f"kubectl refuses: {len(not_objects)} files are YAML but no Kubernetes object "
        f"(no kind: values, Chart.yaml, CI files, JSON patches); {len(they_refuse_we_load)} we "
        "load anyway; "
        f"{len(both_refuse)} both refuse"
    )
    return 1 if share < args.min_share else 0


if __name__ == "__main__":
    sys.exit(main())
