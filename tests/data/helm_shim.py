"""A `helm` command for `kubectl kustomize --enable-helm --helm-command`, backed by the
helm-python-sdk (real Helm's library, offline), so that Kustomize's helmCharts can be built by
real Kustomize + real Helm in the differential test without a helm binary.

Understands what Kustomize's HelmChartInflationGenerator runs: `version --short`, and
`template NAME CHART [--namespace NS] [-f FILE]... [--include-crds] [--no-hooks]
[--skip-tests]`. Anything else (`pull`, `--kube-version`, `--api-versions`, `--generate-name`)
fails loudly: the SDK cannot do it, so no output is invented.
Usage: python helm_shim.py ARGS... (the test wraps it in an executable script).
"""

import os
import sys

import helm_python as helm
import yaml


def merge(base, over):
    """Helm's values merge of -f files: mappings merge, anything else is replaced."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            out[k] = merge(out.get(k), v) if k in out else v
        return out
    return over


def is_hook(doc, kinds=None):
    meta = (doc or {}).get("metadata") or {}
    hook = (meta.get("annotations") or {}).get("helm.sh/hook")
    if hook is None:
        return False
    if kinds is None:
        return True
    return any(h.strip().startswith(kinds) for h in str(hook).split(","))


def main(argv):
    if argv[:1] == ["version"]:
        print("v3.17.0+helm-python-sdk")
        return 0
    if argv[:1] != ["template"]:
        sys.exit(f"helm shim: unsupported command {argv}")
    args = argv[1:]
    positional, files, namespace = [], [], "default"
    crds = no_hooks = skip_tests = False
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("--namespace", "-n"):
            namespace = args[i + 1]
            i += 2
        elif a in ("-f", "--values"):
            files.append(args[i + 1])
            i += 2
        elif a == "--include-crds":
            crds = True
            i += 1
        elif a == "--no-hooks":
            no_hooks = True
            i += 1
        elif a == "--skip-tests":
            skip_tests = True
            i += 1
        elif a.startswith("-"):
            sys.exit(f"helm shim: unsupported flag {a}")
        else:
            positional.append(a)
            i += 1
    if len(positional) != 2:
        sys.exit(f"helm shim: expected NAME CHART, got {positional}")
    name, chart = positional
    values = {}
    for f in files:
        with open(f, encoding="utf-8") as fh:
            values = merge(values, yaml.safe_load(fh) or {})
    out = []
    if crds:
        d = os.path.join(chart, "crds")
        for n in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            if n.endswith((".yaml", ".yml", ".json")):
                with open(os.path.join(d, n), encoding="utf-8") as fh:
                    out.append(fh.read())
    with helm.Chart.load(chart) as c:
        rendered = c.render(values, name=name, namespace=namespace)
    for path in sorted(rendered):
        base = os.path.basename(path)
        if base.startswith("_") or base == "NOTES.txt":
            continue
        for text in rendered[path].split("\n---"):
            doc = yaml.safe_load(text)
            if not isinstance(doc, dict):
                continue
            if no_hooks and is_hook(doc):
                continue
            if skip_tests and is_hook(doc, "test"):
                continue
            out.append(text)
    sys.stdout.write("".join(f"---\n{t.strip()}\n" for t in out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
