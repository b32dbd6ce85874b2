"""Run the benchmarks: `python -m bench` runs all of them at their default sizes, in order;
`python -m bench NAME [NAME ...]` runs the named ones; arguments after `--` go to each.

    python -m bench --list
    python -m bench rules population
    python -m bench population -- --persons 1000000 --database-url postgresql://...
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from pathlib import Path


def available() -> list[str]:
    here = Path(__file__).parent
    return sorted(m.name for m in pkgutil.iter_modules([str(here)]) if not m.name.startswith("_"))


def main(argv: list[str]) -> int:
    passthrough: list[str] = []
    if "--" in argv:
        at = argv.index("--")
        argv, passthrough = argv[:at], argv[at + 1 :]
    names = available()
    if argv[:1] == ["--list"]:
        print("\n".join(names))
        return 0
    unknown = [name for name in argv if name not in names]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(names)}", file=sys.stderr)
        return 2
    for name in argv or names:
        module = importlib.import_module(f"bench.{name}")
        print(f"\n=== bench {name} ===", flush=True)
        started = time.perf_counter()
        module.main(passthrough)
        print(f"--- bench {name}: {time.perf_counter() - started:.1f} s wall", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
