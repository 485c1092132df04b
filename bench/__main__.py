"""`python -m bench` (`make bench`) — every benchmark in this package: each module named here
has main(argv)."""

from __future__ import annotations

import importlib

# bench.floors: Truce beside its floors (acks, outbox, schedules, search, start-up), with their table.
BENCHMARKS = ["bench.floors", "bench.intel", "bench.memory", "bench.soak", "bench.scorecard"]


def main() -> None:
    for name in BENCHMARKS:
        print(f"== {name} ==", flush=True)
        importlib.import_module(name).main([])


if __name__ == "__main__":
    main()
