"""``python -m bench`` lists the benchmarks; ``python -m bench NAME --help`` shows options."""

from __future__ import annotations

import importlib
import sys

from bench import BENCHMARKS


def _usage() -> str:
    lines = ["usage: python -m bench NAME [options]   (NAME --help for options)", "", "benchmarks:"]
    width = max(len(name) for name in BENCHMARKS)
    for name, (_module, description) in BENCHMARKS.items():
        lines.append(f"  {name:<{width}}  {description}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help", "list"}:
        print(_usage())
        return 0
    name, rest = argv[0], argv[1:]
    if name not in BENCHMARKS:
        print(f"unknown benchmark {name!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    module = importlib.import_module(BENCHMARKS[name][0])
    return int(module.main(rest))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
