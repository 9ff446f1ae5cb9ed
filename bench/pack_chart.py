#!/usr/bin/env python3
"""Packs a chart directory into a reproducible `.tgz` as `helm package` lays it out
(`NAME/...` members, gzip), with fixed timestamps, owners and order so the bytes only change
when the chart does. Used for fixtures/charts/platform/charts/cache-3.1.4.tgz from
fixtures/chart-sources/cache:

    python3 bench/pack_chart.py fixtures/chart-sources/cache fixtures/charts/platform/charts/cache-3.1.4.tgz

Must not: follow symbolic links out of the chart, or write anything but OUT.
"""
import gzip
import io
import os
import sys
import tarfile


def main(src, out):
    name = os.path.basename(os.path.normpath(src))
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for root, dirs, files in os.walk(src):
            dirs.sort()
            for f in sorted(files):
                path = os.path.join(root, f)
                if os.path.islink(path):
                    continue
                rel = os.path.relpath(path, src).replace(os.sep, "/")
                with open(path, "rb") as fh:
                    data = fh.read()
                info = tarfile.TarInfo("%s/%s" % (name, rel))
                info.size, info.mode, info.mtime = len(data), 0o644, 0
                tar.addfile(info, io.BytesIO(data))
    with open(out, "wb") as fh:
        fh.write(gzip.compress(buf.getvalue(), mtime=0))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: pack_chart.py CHART_DIR OUT.tgz")
    main(sys.argv[1], sys.argv[2])
