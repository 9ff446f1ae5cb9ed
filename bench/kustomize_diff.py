#!/usr/bin/env python3
"""Measures how faithfully `cct-lint render DIR --json` builds kustomizations against
`kubectl kustomize DIR` (Kustomize v5.5): objects compared as data, as a set.

Usage:
  bench/kustomize_diff.py [--bin target/release/cct-lint] [--components BASE DIR]...
                          [--markdown DIR]... [--helm-command HELM] [--json] PATH...

Each PATH is a kustomization directory or a tree searched for them (components skipped: they
build only through a kustomization). `--components BASE DIR` adds one overlay per component of
DIR on top of BASE (in a temporary directory), the way a test overlay combines them.
`--markdown DIR` replays the `cat <<EOF >file` blocks of DIR/*.md (kubernetes-sigs/kustomize's
examples keep their inputs there) into temporary directories and adds the directories their
`kustomize build` lines name. A kustomization naming a remote resource is counted apart (an
offline kubectl cannot build it). `--helm-command HELM` gives kubectl a `helm` for `helmCharts` (`--enable-helm`): e.g. a script
running tests/data/helm_shim.py with the Helm oracle venv. Prints one line per difference and
the figures; exit 0.
Needs PyYAML (reads kubectl's output as YAML 1.1, like Kubernetes).
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import yaml

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


def kustomization_file(d):
    for n in KUSTOMIZATION_FILES:
        p = os.path.join(d, n)
        if os.path.isfile(p):
            return p
    return None


def is_component(d):
    f = kustomization_file(d)
    try:
        with open(f, encoding="utf-8") as fh:
            return re.search(r"^kind:\s*Component\s*$", fh.read(), re.M) is not None
    except (OSError, UnicodeDecodeError):
        return False


def find(root):
    out = []
    for d, dirs, _ in os.walk(root):
        dirs.sort()
        dirs[:] = [x for x in dirs if not x.startswith(".")]
        # A folder holding Chart.yaml is a Helm chart for cct-lint (and `render` renders it).
        if kustomization_file(d) and not is_component(d) and not os.path.isfile(os.path.join(d, "Chart.yaml")):
            out.append(d)
    return out


def component_overlays(base, comps, tmp):
    out = []
    for name in sorted(os.listdir(comps)):
        c = os.path.join(comps, name)
        if not os.path.isdir(c) or not kustomization_file(c) or not is_component(c):
            continue
        d = os.path.join(tmp, "with-" + name)
        os.makedirs(d)
        with open(os.path.join(d, "kustomization.yaml"), "w", encoding="utf-8") as fh:
            fh.write(
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                f"resources:\n- {os.path.relpath(base, d)}\ncomponents:\n- {os.path.relpath(c, d)}\n"
            )
        out.append(d)
    return out


def expand(text, env):
    """The shell's expansion of an unquoted heredoc: `$X`, `${X}`, and `\\$`, `\\\\`, `\\``
    standing for the character itself."""

    def sub(m):
        if m.group(3):
            return m.group(3)
        return env.get(m.group(1) or m.group(2), "")

    return re.sub(r"\$\{(\w+)\}|\$(\w+)|\\([$`\\])", sub, text)


def replay_markdown(md, tmp):
    """The directories a Markdown example builds, with its heredoc files written."""
    env = {}
    builds = []
    with open(md, encoding="utf-8") as fh:
        text = fh.read()
    lines = []
    for block in re.findall(r"```(?:bash|sh|shell)?\n(.*?)```", text, re.S):
        lines.extend(block.split("\n"))
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        i += 1
        m = re.match(r"^(\w+)=(.*)$", line)
        if m:
            value = m.group(2).strip().strip('"')
            if "mktemp" in value:
                value = tempfile.mkdtemp(dir=tmp)
            env[m.group(1)] = expand(value, env)
            continue
        m = re.match(r"^mkdir\s+(-p\s+)?(.*)$", line)
        if m:
            for p in m.group(2).split():
                os.makedirs(expand(p, env), exist_ok=True)
            continue
        m = re.match(r"^cat\s+<<-?\s*(['\"]?)(\w+)\1\s*(>>?)\s*(\S+)", line)
        # Also `cat > FILE << EOF`.
        m2 = re.match(r"^cat\s+(>>?)\s*(\S+)\s+<<-?\s*(['\"]?)(\w+)\3\s*$", line)
        if m or m2:
            if m:
                quoted, marker, target = m.group(1), m.group(2), expand(m.group(4), env)
                mode = "a" if m.group(3) == ">>" else "w"
            else:
                quoted, marker, target = m2.group(3), m2.group(4), expand(m2.group(2), env)
                mode = "a" if m2.group(1) == ">>" else "w"
            body = []
            while i < len(lines) and lines[i].strip() != marker:
                body.append(lines[i])
                i += 1
            i += 1
            content = "\n".join(body) + "\n"
            if not quoted:
                content = expand(content, env)
            if not os.path.isabs(target):
                continue  # only files under the example's temporary directories
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, mode, encoding="utf-8") as fh:
                fh.write(content)
            continue
        m = re.search(r"kustomize build\s+([^\s|)]+)", line)
        if m:
            d = expand(m.group(1), env)
            if d not in builds:
                builds.append(d)
    return [d for d in builds if os.path.isdir(d) and kustomization_file(d)]


def canon(v):
    return json.dumps(v, sort_keys=True)


def run(cmd):
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    return p, time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--bin", default="target/release/cct-lint")
    ap.add_argument("--components", nargs=2, action="append", default=[])
    ap.add_argument("--markdown", action="append", default=[])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--helm-command")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="kustomize-diff-")
    dirs = []
    for p in args.paths:
        dirs.extend(find(p))
    for base, comps in args.components:
        dirs.extend(component_overlays(os.path.abspath(base), os.path.abspath(comps), tmp))
    for d in args.markdown:
        for md in sorted(os.listdir(d)):
            if md.endswith(".md"):
                dirs.extend(replay_markdown(os.path.join(d, md), tmp))
    counts = {"equal": 0, "different": 0, "both_refuse": 0, "only_we_refuse": 0,
              "only_kubectl_refuses": 0, "remote": 0, "crash": 0}
    ours_time = 0.0
    details = []
    for d in dirs:
        helm = ["--enable-helm", "--helm-command", args.helm_command] if args.helm_command else []
        k, _ = run(["kubectl", "kustomize", *helm, d])
        o, dt = run([args.bin, "render", "--json", d])
        ours_time += dt
        if o.returncode not in (0, 2) or "panicked" in o.stderr:
            counts["crash"] += 1
            details.append((d, "crash", o.stderr[-400:]))
            continue
        if any(m in o.stderr for m in ("remote resource", "remote component", "needs a pull")):
            counts["remote"] += 1
            continue
        if k.returncode != 0 and o.returncode != 0:
            counts["both_refuse"] += 1
            last = lambda t: (t.strip().splitlines() or [""])[-1][:200]
            details.append((d, "both refuse", f"kubectl: {last(k.stderr)}\n    ours: {last(o.stderr)}"))
            continue
        if k.returncode != 0:
            counts["only_kubectl_refuses"] += 1
            details.append((d, "kubectl refuses", k.stderr.strip()[-400:]))
            continue
        if o.returncode != 0:
            counts["only_we_refuse"] += 1
            details.append((d, "we refuse", o.stderr.strip()[-400:]))
            continue
        theirs = sorted(canon(x) for x in yaml.safe_load_all(k.stdout) if x is not None)
        ours = sorted(canon(x) for x in json.loads(o.stdout))
        if theirs == ours:
            counts["equal"] += 1
        else:
            counts["different"] += 1
            only_k = [x for x in theirs if x not in ours]
            only_o = [x for x in ours if x not in theirs]
            details.append((d, "different", f"kubectl only: {only_k[:2]}\n    ours only: {only_o[:2]}"))
    compared = sum(counts.values()) - counts["remote"]
    agree = counts["equal"] + counts["both_refuse"]
    figure = 100.0 * agree / compared if compared else 0.0
    if args.json:
        print(json.dumps({"counts": counts, "agree_percent": figure, "ours_seconds": ours_time,
                          "details": details}, indent=1))
        return
    for d, kind, text in details:
        print(f"{kind}: {d}\n    {text[:1500]}")
    print(f"kustomizations: {len(dirs)}  compared: {compared}  {counts}")
    print(f"agree (data-equal or both refuse): {agree}/{compared} = {figure:.1f} %")
    print(f"cct-lint render wall time, all: {ours_time * 1000:.0f} ms (process start included)")


if __name__ == "__main__":
    sys.exit(main())
