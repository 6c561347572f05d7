"""Check gold coding sheets against their packets: one line per problem, exit 1 if any.

    PYTHONPATH=. .venv/bin/python scripts/check_sheets.py SHEET.jsonl [...] [--packets DIR]
    PYTHONPATH=. .venv/bin/python scripts/check_sheets.py annotations/gold/ungd/sheets/CODER/

A directory argument checks every ``*.jsonl`` in it. The packet of ``<doc_id>.jsonl`` is
``<packets>/<doc_id>.jsonl`` (default ``annotations/gold/ungd/packets``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from pipeline.quality.sheets import check_sheet


def main(
    sheets: list[Path] = typer.Argument(..., help="Sheets, or folders of sheets."),
    packets: Path = typer.Option(Path("annotations/gold/ungd/packets"), help="The packets folder."),
) -> None:
    """Check coding sheets against their packets: one line per problem, exit 1 if any."""
    paths: list[Path] = []
    for p in sheets:
        paths += sorted(p.glob("*.jsonl")) if p.is_dir() else [p]
    problems: list[str] = []
    for path in paths:
        problems += check_sheet(path, packets / path.name)
    for line in problems:
        print(f"error: {line}")
    print(f"{len(paths)} sheet(s), {len(problems)} problem(s)", file=sys.stderr)
    raise typer.Exit(1 if problems else 0)


if __name__ == "__main__":
    typer.run(main)
