"""``python -m bench.measure FIGURES COMMAND...``: run COMMAND, write its wall time, peak RSS and
exit code to FIGURES as JSON.

The bench runs its commands through this small process because on Linux a child forked from
the bench itself starts with the bench's own peak memory, which would hide the command's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time


def main() -> None:
    figures, command = sys.argv[1], sys.argv[2:]
    start = time.perf_counter()
    child = subprocess.Popen(command)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    child.returncode = code  # reaped here, not by Popen
    with open(figures, "w", encoding="utf-8") as out:
        json.dump({"wall": wall, "rss_mb": usage.ru_maxrss / 1024, "code": code}, out)


if __name__ == "__main__":
    main()
