#!/usr/bin/env python3
"""Module import graph of src/: lists the `crate::`/`super::` edges between modules, the import
circles (strongly connected components), the imports that run back up the pipeline (a module
importing one that stands above it in LAYERS) and the largest files. Reads src/ only; changes
nothing. Usage: bench/module_graph.py [--edges] [SRC_DIR]"""
import os
import re
import sys

SRC = next((a for a in sys.argv[1:] if not a.startswith("--")),
           os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))

# The pipeline, top to bottom (architecture.md): the CLI and its subcommands, the renderers of
# the outcome, the check that runs the pipeline, the dispatch per target, the loaders per input
# kind, locate, the derogation and coverage stages, evaluate / discover / settings, the model,
# the libraries (YAML and Dockerfile parsers, Helm renderer, Kustomize build) and spans. A module
# imports only modules of lower layers (not of its own); one not listed is a leaf (layer 99).
# A listed module stands for its whole directory (`load` for load/mod.rs, `load::chart` apart).
LAYERS = [
    ["main"],
    ["cli"],
    ["check_flags", "scaffold", "registry_survey", "robustness"],
    ["docs"],
    ["report"],
    ["check"],
    ["scan", "policy"],
    ["load::chart", "load::manifest", "load::dockerfile", "kustomize_scan", "not_manifest",
     "chart_scan",  # before the load/ split
     "regotest"],
    ["argo"],
    ["load"],
    ["locate"],
    ["derogation", "coverage", "evidence"],
    ["evaluate", "discover"],
    ["repository"],
    ["config"],
    ["finding", "helm_errors", "helm_hooks"],
    ["catalog"],
    ["kustomize"],
    ["render"],
    ["parse"],
    ["span", "paths"],
]


def module_of_file(rel):
    parts = rel[:-3].split(os.sep)
    if parts[-1] == "mod":
        parts = parts[:-1]
    if parts == ["lib"]:
        return ""
    return "::".join(parts)


def files():
    for root, _, names in os.walk(SRC):
        for n in names:
            if n.endswith(".rs"):
                full = os.path.join(root, n)
                yield os.path.relpath(full, SRC), full


def strip_comments_and_tests(text):
    # Unit-test modules may import anything of their own module; they are not part of the graph.
    text = re.sub(r"#\[cfg\(test\)\]\s*mod tests\s*\{.*", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    return text


def main():
    mods = {}
    for rel, full in files():
        mods[module_of_file(rel)] = full
    known = set(mods)
    edges = set()
    for mod, full in mods.items():
        if mod == "":
            continue
        is_dir_mod = full.endswith("mod.rs") or mod in ("main",)
        text = strip_comments_and_tests(open(full, encoding="utf-8").read())
        here = mod.split("::")
        refs = []
        for m in re.finditer(r"\b(crate|super|cct_lint)((?:::\w+)+)", text):
            head, tail = m.group(1), m.group(2).split("::")[1:]
            if head in ("crate", "cct_lint"):
                path = tail
            else:
                # `super::` from a file module is its parent; from mod.rs, the grand-parent.
                base = here[:-1]
                while tail and tail[0] == "super":
                    base = base[:-1]
                    tail = tail[1:]
                path = base + tail
            refs.append(path)
        # `use crate::x::{a, b::c}` groups
        for m in re.finditer(r"\b(crate|cct_lint)::(\w+)::\{([^;]*)\}", text):
            for item in re.split(r"[,{}\s]+", m.group(3)):
                first = item.split("::")[0]
                if first:
                    refs.append([m.group(2), first])
        # a directory module using its own children by bare name (`helm::register`)
        if full.endswith("mod.rs"):
            for child in known:
                if child.startswith(mod + "::") and "::" not in child[len(mod) + 2:]:
                    name = child[len(mod) + 2:]
                    if re.search(r"(?<![\w:])" + name + r"::", text):
                        refs.append(child.split("::"))
        for path in refs:
            target = None
            for k in range(len(path), 0, -1):
                cand = "::".join(path[:k])
                if cand in known:
                    target = cand
                    break
            # A child using its ancestors (`super::Helper`) is the module tree, not an import
            # that makes a circle; an ancestor using its children is an edge.
            if target and target != mod and not mod.startswith(target + "::"):
                edges.add((mod, target))
    # circles: Tarjan
    graph = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
    index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]

    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(sorted(comp))

    for v in sorted(known):
        if v and v not in index:
            visit(v)

    layer = {}
    for i, names in enumerate(LAYERS):
        for n in names:
            layer[n] = i

    def unit(m):
        parts = m.split("::")
        for k in range(len(parts), 0, -1):
            if "::".join(parts[:k]) in layer:
                return "::".join(parts[:k])
        return parts[0]

    def layer_of(m):
        return layer.get(unit(m), 99)

    top_edges = sorted({(unit(a), unit(b)) for a, b in edges if unit(a) != unit(b)})
    back = [(a, b) for a, b in top_edges if layer_of(b) <= layer_of(a) and layer_of(a) != 99]
    if "--edges" in sys.argv:
        for a, b in top_edges:
            print(f"edge {a} -> {b}")
    print(f"modules: {len(known) - 1}, edges between modules: {len(edges)}, "
          f"between layered modules: {len(top_edges)}")
    print(f"circles: {len(sccs)}")
    for c in sorted(sccs):
        print("  circle: " + " <-> ".join(c))
    print(f"imports running back up the pipeline: {len(back)}")
    for a, b in back:
        print(f"  {a} -> {b}")
    sizes = sorted(((sum(1 for _ in open(f, encoding='utf-8')), os.path.relpath(f, SRC))
                    for f in mods.values()), reverse=True)[:8]
    print("largest files: " + ", ".join(f"{n} {p}" for p, n in ((p, n) for n, p in sizes)))


if __name__ == "__main__":
    main()
