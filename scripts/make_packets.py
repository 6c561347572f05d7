"""Write the coding packets of the gold sample (and of any other statements named).

    PYTHONPATH=. .venv/bin/python scripts/make_packets.py [DOC_ID ...] [--out DIR]
    PYTHONPATH=. .venv/bin/python scripts/make_packets.py --sample annotations/gold/ungd/sealed/sample.csv \
        --out annotations/gold/ungd/sealed/packets [--plain]
    PYTHONPATH=. .venv/bin/python scripts/make_packets.py --every-but annotations/gold/ungd/sealed/sample.csv \
        --out annotations/machine/ungd/packets

Without DOC_IDs it builds one packet per row of ``--sample`` (default
``annotations/gold/ungd/sample.csv``) into ``<out>/<doc_id>.jsonl`` and prints per-document counts.
``--every-but`` takes every statement of ``corpus/ungd/manifest.jsonl`` except those of the CSV.
``--plain`` writes every sentence without names, conflicts or candidates (``PacketBuilder.plain_rows``). A DOC_ID is a
file stem of ``corpus/ungd/session*/`` (``UKR_77_2022``). See ``pipeline/quality/packets.py``.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Optional

import typer

from pipeline.io import write_jsonl
from pipeline.nlp.kb import CountryKB
from pipeline.quality.packets import Names, PacketBuilder, load_terms, speaker_names

GOLD = Path("annotations/gold/ungd")
UNGD = Path("corpus/ungd")


def statement_path(doc_id: str) -> Path:
    parts = doc_id.split("_")
    if len(parts) != 3:
        raise SystemExit(f"error: {doc_id}: not a statement id (ISO3_SESSION_YEAR)")
    path = UNGD / f"session{parts[1]}_{parts[2]}" / f"{doc_id}.txt"
    if not path.is_file():
        raise SystemExit(f"error: {path}: file not found")
    return path


def _doc_ids(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [r["doc_id"] for r in csv.DictReader(fh)]


def main(
    doc_ids: Optional[list[str]] = typer.Argument(None, help="Statements (default: every sampled one)."),
    out: Path = typer.Option(GOLD / "packets", help="The packets folder."),
    sample: Path = typer.Option(GOLD / "sample.csv", help="The statements to pack (a doc_id column)."),
    every_but: Optional[Path] = typer.Option(None, help="Pack every statement except this CSV's."),
    plain: bool = typer.Option(False, "--plain", help="Every sentence, nothing found in it."),
) -> None:
    """Write the coding packets of the sampled statements."""
    if every_but is not None:
        left_out = set(_doc_ids(every_but))
        manifest = (UNGD / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
        doc_ids = sorted(d for d in (json.loads(line)["doc_id"] for line in manifest if line) if d not in left_out)
    elif not doc_ids:
        doc_ids = _doc_ids(sample)
    terms = load_terms(GOLD / "packet_terms.json")
    with (UNGD / "speakers.csv").open(encoding="utf-8", newline="") as fh:
        extra = speaker_names(csv.DictReader(fh), terms.get("unlisted_speakers", ()))
    kb = CountryKB.from_path("pipeline/data/country_kb.jsonl")
    builder = PacketBuilder(Names(kb, terms, extra), terms)
    total_s = total_c = 0
    print("doc_id\tsentences\tcandidate_pairs")
    for doc_id in doc_ids:
        path = statement_path(doc_id)
        try:
            lines = path.read_text(encoding="utf-8").split("\n")
        except UnicodeDecodeError as exc:
            raise SystemExit(f"error: {path}: not valid UTF-8 ({exc.reason} at offset {exc.start})")
        # the speaker as a party: an observer's code by its alias ("EU" speaks for org:eu)
        speaker = kb.speaker_party(doc_id.split("_")[0])
        rows = (builder.plain_rows if plain else builder.rows)(doc_id, speaker, lines)
        write_jsonl(out / f"{doc_id}.jsonl", rows)
        n_c = sum(len(r["candidates"]) for r in rows)
        total_s, total_c = total_s + len(rows), total_c + n_c
        print(f"{doc_id}\t{len(rows)}\t{n_c}")
    print(f"total\t{total_s}\t{total_c}")


if __name__ == "__main__":
    typer.run(main)
