#!/usr/bin/env python3
"""Packs a fixture folder that holds kustomizations into the kustomize fuzz target's input
format (`path NUL content NUL`, see src/robustness.rs): the kustomization of the folder given
first, then every other file of the tree under ROOT (at most 16, small files only).
Usage: pack_kustomize.py ROOT OVERLAY OUT"""
import os
import sys

root, overlay, out = sys.argv[1:4]
files = []
first = None
for dirpath, _, names in sorted(os.walk(root)):
    for name in sorted(names):
        path = os.path.join(dirpath, name)
        rel = os.path.relpath(path, root)
        if os.path.getsize(path) > 4096:
            continue
        if os.path.dirname(path) == os.path.normpath(overlay) and name == "kustomization.yaml":
            first = rel
        else:
            files.append(rel)
order = ([first] if first else []) + files
with open(out, "wb") as f:
    for rel in order[:16]:
        f.write(rel.encode() + b"\0")
        with open(os.path.join(root, rel), "rb") as src:
            f.write(src.read() + b"\0")
