"""Run geomap's benchmarks: ``python benchmarks/run.py [NAME] [ARGS...]`` (``make benchmark``).

NAME is a module in this folder with a ``main()``; the default is ``scale``. Arguments after
it are passed on (``python benchmarks/run.py scale --quick``).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

BENCHMARKS = ("scale", "outofcore", "e2e", "extract", "extract_lexicon", "realnames", "startup")


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    name = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else "scale"
    if name not in BENCHMARKS:
        sys.exit(f"unknown benchmark {name!r}; choose one of: {', '.join(BENCHMARKS)}")
    sys.argv = [name, *sys.argv[2 if len(sys.argv) > 1 and sys.argv[1] == name else 1:]]
    importlib.import_module(name).main()


if __name__ == "__main__":
    main()
