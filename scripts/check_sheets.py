"""Check gold coding sheets against their packets: one line per problem, exit 1 if any.

    PYTHONPATH=. .venv/bin/python scripts/check_sheets.py SHEET.jsonl [...] [--packets DIR]
    PYTHONPATH=. .venv/bin/python scripts/check_sheets.py annotations/gold/ungd/sheets/CODER/

A directory argument checks every ``*.jsonl`` in it. The packet of ``<doc_id>.jsonl`` is
``<packets>/<doc_id>.jsonl`` (default ``annotations/gold/ungd/packets``).

``--coding-folder DIR`` checks against the folder's packets as ``CodingFolder.packet`` gives them
(a sealed test's candidate packets merged into its plain ones: the adjudicated sheets).

``--fill-none`` first rewrites each sheet with a plain ``none`` row for every candidate pair it
has no row for (``sheets.fill_none``): under that protocol a coder writes the positions only.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from pipeline.io import LayerReadError, read_jsonl, write_jsonl
from pipeline.quality.coding import CodingFolder
from pipeline.quality.sheets import check_sheet, fill_none


def main(
    sheets: list[Path] = typer.Argument(..., help="Sheets, or folders of sheets."),
    packets: Path = typer.Option(Path("annotations/gold/ungd/packets"), help="The packets folder."),
    fill: bool = typer.Option(False, "--fill-none", help="Add a plain none row for each uncoded candidate."),
    coding_folder: Optional[Path] = typer.Option(None, help="Check against this coding folder's merged packets."),
) -> None:
    """Check coding sheets against their packets: one line per problem, exit 1 if any."""
    paths: list[Path] = []
    for p in sheets:
        paths += sorted(p.glob("*.jsonl")) if p.is_dir() else [p]
    problems: list[str] = []
    folder = CodingFolder(coding_folder) if coding_folder else None
    for path in paths:
        packet = folder.packet(path.stem) if folder else None
        if fill and (packet is not None or (packets / path.name).is_file()):
            try:
                rows = list(read_jsonl(path))
            except LayerReadError as exc:
                problems.append(str(exc))
                continue
            write_jsonl(path, fill_none(rows, packet if packet is not None else list(read_jsonl(packets / path.name))))
        problems += check_sheet(path, packet if packet is not None else packets / path.name)
    for line in problems:
        print(f"error: {line}")
    print(f"{len(paths)} sheet(s), {len(problems)} problem(s)", file=sys.stderr)
    raise typer.Exit(1 if problems else 0)


if __name__ == "__main__":
    typer.run(main)
