#!/usr/bin/env python3
"""Renders a cct-lint `--format json` report as the Markdown job summary of the GitHub Action.

Usage: github-summary.py REPORT.json EXIT_CODE [MAX_ROWS]  (writes Markdown to standard output)
Standard library only; a missing or unreadable report (exit code 2) still gives a summary.
"""
import json
import sys


def cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def main():
    path, code = sys.argv[1], sys.argv[2]
    max_rows = int(sys.argv[3]) if len(sys.argv) > 3 else 50
    verdict = {"0": "passed", "1": "failed"}.get(code, "could not run")
    print(f"## cct-lint: {verdict} (exit code {code})\n")
    try:
        with open(path, encoding="utf-8") as f:
            report = json.load(f)
    except (OSError, ValueError) as e:
        print(f"No report ({e}); see the job log.")
        return
    s = report.get("summary", {})
    print("| errors | warnings | notes | suppressed | files checked |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    print(f"| {s.get('error', 0)} | {s.get('warning', 0)} | {s.get('note', 0)} "
          f"| {s.get('suppressed', 0)} | {s.get('targets', 0)} |\n")
    rank = {"error": 0, "warning": 1, "note": 2}
    findings = [f for f in report.get("findings", []) if not f.get("suppression")]
    findings.sort(key=lambda f: rank.get(f.get("severity"), 3))  # stable: file order kept
    if not findings:
        print("No finding.")
        return
    print("| severity | rule | location | message | requirements |")
    print("| --- | --- | --- | --- | --- |")
    for f in findings[:max_rows]:
        where = f"{f.get('file')}:{f.get('line')}"
        reqs = ", ".join(f.get("requirements", []))
        existing = " (baseline)" if f.get("in_baseline") else ""
        print(f"| {f.get('severity')}{existing} | `{f.get('rule_id')}` | `{cell(where)}` "
              f"| {cell(f.get('message', ''))} | {cell(reqs)} |")
    if len(findings) > max_rows:
        print(f"\n{len(findings) - max_rows} more findings: see the SARIF file or the job log.")


if __name__ == "__main__":
    main()
