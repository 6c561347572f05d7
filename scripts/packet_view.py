"""Print coding packets as compact text, for a coder to read (one block per sentence).

    PYTHONPATH=. .venv/bin/python scripts/packet_view.py PACKET.jsonl [...]

A candidate packet prints each sentence with its names (``text=id``), conflict wording, the
detector's conflicts and the candidate pairs; a plain packet (``make_packets.py --plain``) prints
the sentences only. The JSON packet stays the reference: this view leaves nothing of it out but
the character offsets.
"""

from __future__ import annotations

from pathlib import Path

import typer

from pipeline.io import read_jsonl


def block(row: dict) -> str:
    lines = [f"[{row['sent_key']}] {row['text']}"]
    if row.get("mentions"):
        names = ", ".join(
            f"{m['text']}={m['id']}" + (f"({'+'.join(m['states'])})" if m["states"] else "") for m in row["mentions"]
        )
        lines.append(f"    names: {names}")
    if row.get("war_terms"):
        lines.append(f"    conflict words: {', '.join(t['text'] for t in row['war_terms'])}")
    if row.get("conflicts"):
        lines.append(f"    conflicts: {', '.join(row['conflicts'])}")
    if row.get("candidates"):
        pairs = ", ".join(
            f"{c['actor']}->{c['target']}" + (f" [{c['expanded_from']}]" if c.get("expanded_from") else "")
            for c in row["candidates"]
        )
        lines.append(f"    candidates: {pairs}")
    return "\n".join(lines)


def main(packets: list[Path] = typer.Argument(..., help="Packet files.")) -> None:
    """Print packets as compact text."""
    for path in packets:
        rows = list(read_jsonl(path))
        speaker = rows[0]["speaker"] if rows else "?"
        typer.echo(f"=== {path.stem} (speaker {speaker}, {len(rows)} sentences) ===")
        for row in rows:
            typer.echo(block(row))
        typer.echo("")


if __name__ == "__main__":
    typer.run(main)
