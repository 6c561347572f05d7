"""Check gold coding sheets against their packets: one line per problem, exit 1 if any.

    PYTHONPATH=. .venv/bin/python scripts/check_sheets.py SHEET.jsonl [...] [--packets DIR]
    PYTHONPATH=. .venv/bin/python scripts/check_sheets.py annotations/gold/ungd/sheets/CODER/

A directory argument checks every ``*.jsonl`` in it. The packet of ``<doc_id>.jsonl`` is
``<packets>/<doc_id>.jsonl`` (default ``annotations/gold/ungd/packets``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.quality.sheets import check_sheet


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sheets", nargs="+", type=Path)
    ap.add_argument("--packets", type=Path, default=Path("annotations/gold/ungd/packets"))
    args = ap.parse_args(argv)
    paths = []
    for p in args.sheets:
        paths += sorted(p.glob("*.jsonl")) if p.is_dir() else [p]
    problems = []
    for path in paths:
        problems += check_sheet(path, args.packets / path.name)
    for line in problems:
        print(f"error: {line}")
    print(f"{len(paths)} sheet(s), {len(problems)} problem(s)", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
