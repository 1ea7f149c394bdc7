"""Peak memory of a fresh process, for the benchmarks that report it."""

from __future__ import annotations

import os
import subprocess
import sys


def peak_rss_mb(code: str) -> float:
    """Run ``code`` in a fresh Python process (the repository's ``src`` and root on its
    path) and return its peak resident memory [MB], HiGHS's included, read from the
    process's own high-water mark (``VmHWM`` in /proc/self/status). Not ``ru_maxrss``:
    Linux keeps a parent's ``ru_maxrss`` in a child across fork and exec (178 MB reported
    for a 117 MB process)."""
    code += (
        "\nstatus = open('/proc/self/status').read().split('VmHWM:')[1]\nprint(status.split()[0])\n"
    )
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (os.path.join(root, "src"), root, env.get("PYTHONPATH", "")) if p
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env, cwd=root
    )
    return int(out.stdout.split()[-1]) / 1024  # VmHWM is in kB
