"""Write corpus/ungd/manifest.jsonl: one row per UN General Debate statement in corpus/ungd/.

The speaking state comes from the file name (``ISO3_SESSION_YEAR.txt``, the UNGDC
convention), the speaker and post from ``speakers.csv``. Same files, same bytes.

    python scripts/ungd_manifest.py [corpus/ungd]
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pipeline.ingest.manifest import statement_meta  # noqa: E402
from pipeline.io import write_jsonl  # noqa: E402


def main(folder: str = "corpus/ungd") -> int:
    root = Path(folder)
    with open(root / "speakers.csv", newline="", encoding="utf-8") as fh:
        speakers = {(r["iso3"], int(r["session"])): r for r in csv.DictReader(fh)}
    rows = []
    for path in sorted(root.glob("session*/*.txt")):
        stem = path.stem.split("_")
        who = speakers.get((stem[0], int(stem[1])), {}) if len(stem) == 3 and stem[1].isdigit() else {}
        meta = statement_meta(path, who.get("country"))
        if meta is None:
            raise SystemExit(f"error: {path}: not named ISO3_SESSION_YEAR.txt")
        rows.append(
            {
                "doc_id": path.stem,
                "file": str(path.relative_to(root)),
                **meta,
                "speaker_name": who.get("speaker") or None,
                "speaker_post": who.get("post") or None,
            }
        )
    n = write_jsonl(root / "manifest.jsonl", rows)
    print(f"{n} statements -> {root / 'manifest.jsonl'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:]))
