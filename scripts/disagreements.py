"""List where the coders of a coding folder disagree, document by document, for adjudication.

    PYTHONPATH=. .venv/bin/python scripts/disagreements.py annotations/gold/ungd/sealed [DOC_ID ...]
    PYTHONPATH=. .venv/bin/python scripts/disagreements.py annotations/gold/ungd/sealed --draft DIR

For each document coded by two or more coders it prints every unit (sent_key, actor, target)
on which their positions differ, with each coder's rows (stance, mode, certainty, issue,
conflict, span, note) and the sentence. ``--draft DIR`` also writes, per document, the rows of
the units all coders agree on (the first coder's row for each), as the start of the adjudicated
sheet: the adjudicator adds a decision for every listed disagreement.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from pipeline.io import write_jsonl
from pipeline.quality.coding import CodingFolder, read_rows
from pipeline.quality.reliability import unit_values


def _show(row: dict) -> str:
    keys = ("stance", "mode", "certainty", "issue", "conflict", "expanded_from")
    return " ".join(f"{k}={row.get(k)}" for k in keys) + f" | span={row.get('span')!r} | note={row.get('note')!r}"


def main(
    folder: Path = typer.Argument(..., help="A coding folder (sample.csv, packets/, sheets/)."),
    doc_ids: Optional[list[str]] = typer.Argument(None, help="Documents (default: all coded twice)."),
    draft: Optional[Path] = typer.Option(None, help="Write the agreed rows of each document here."),
) -> None:
    """List the disagreements of a coding folder."""
    coding = CodingFolder(folder)
    total = 0
    for doc_id in doc_ids or sorted(coding.sample):
        sheets = {c: read_rows(p) for c, p in coding.sheets(doc_id).items()}
        if len(sheets) < 2:
            continue
        packet = coding.packet(doc_id)
        texts = {r["sent_key"]: r["text"] for r in packet}
        order = {r["sent_key"]: i for i, r in enumerate(packet)}
        values = {c: unit_values(rows) for c, rows in sheets.items()}
        units = sorted({u for v in values.values() for u in v}, key=lambda u: (order.get(u[0], 1e9), u))
        agreed, differ = [], []
        for unit in units:
            seen = {c: v.get(unit) for c, v in values.items()}
            same = len({None if x is None else x["stance"] for x in seen.values()}) == 1
            (agreed if same else differ).append(unit)
        typer.echo(f"=== {doc_id}: {len(units)} units with a position, {len(differ)} disagreements ===")
        for unit in differ:
            typer.echo(f"[{unit[0]}] {unit[1]}->{unit[2]}   {texts.get(unit[0], '?')}")
            for c, rows in sheets.items():
                mine = [r for r in rows if (r["sent_key"], r["actor"], r["target"]) == unit and r["stance"] != "none"]
                typer.echo(f"    {c}: " + ("; ".join(_show(r) for r in mine) if mine else "none"))
        total += len(differ)
        if draft is not None:
            first = next(iter(sheets.values()))
            keep = set(agreed)
            write_jsonl(
                draft / f"{doc_id}.jsonl",
                [r for r in first if (r["sent_key"], r["actor"], r["target"]) in keep and r["stance"] != "none"],
            )
    typer.echo(f"{total} disagreement(s)")


if __name__ == "__main__":
    typer.run(main)
