"""Draw the gold sample of UN General Debate statements (sessions 77 and 78).

    PYTHONPATH=. .venv/bin/python scripts/sample_gold.py [--out annotations/gold/ungd/sample.csv]

Deterministic: the seed is fixed (``SEED``), every list is sorted before the generator touches
it, and the output is written atomically, so the same inputs give the same bytes.

Design (documented in ``annotations/gold/ungd/SAMPLING.md``):

1. Frame: every statement of a UN member state in ``corpus/ungd/session77_2022`` and
   ``session78_2023`` (observers such as the EU, Palestine and the Holy See have no vote and
   are left out).
2. Strata: session x vote on the session's resolution (A/RES/ES-11/4 for 77, A/RES/ES-11/6 for
   78: yes | no | abstain | absent) x UN M49 region (``corpus/ungd/un_m49_regions.csv``).
3. Allocation: fixed quotas per (session, vote) that over-sample the minority votes (``QUOTA``),
   spread over regions by largest remainder with at least one statement per region where the
   quota allows. At most one statement per state, so no state's style sits in both splits.
4. Split: within each vote, statements ordered by region then a seeded random key, and every
   position where the running share of ``EVAL_SHARE`` crosses an integer goes to ``eval``.
5. Reliability subset: within each vote, the same systematic rule over (split, region, random
   key), round(``RELIABILITY_SHARE`` x n) statements and at least ``RELIABILITY_MIN``, so both
   splits, all votes and most regions carry double-coded documents.

The votes decide the strata only: no coder sees them, and ``sample.csv`` is not a coding input.

``--sealed`` draws the sealed test instead (``annotations/gold/ungd/sealed/sample.csv``): the same
frame and strata, ``SEALED_QUOTA`` per (session, vote), leaving out every state of the gold sample
and every statement named in ``sealed/read_before.txt`` (statements a person or a document of the
project had read before the draw), with its own seed (``SEALED_SEED``).
"""

from __future__ import annotations

import csv
import io
import math
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

import typer

from pipeline.io import write_text

SEED = 20220977
UNGD = Path("corpus/ungd")
SESSIONS = (("77", "2022", "A/RES/ES-11/4"), ("78", "2023", "A/RES/ES-11/6"))
VOTES = ("no", "absent", "abstain", "yes")  # rarest first: they draw before the common strata
QUOTA = {"no": 3, "absent": 4, "abstain": 8, "yes": 17}  # per session: 32, 64 in all
SEALED_SEED = 20261205
SEALED_QUOTA = {"no": 2, "absent": 2, "abstain": 4, "yes": 7}  # per session: 30 in all
EVAL_SHARE = 0.4
RELIABILITY_SHARE = 0.25
RELIABILITY_MIN = 2  # per vote, so each minority vote is double-coded
FIELDS = (
    "doc_id",
    "file",
    "iso3",
    "country",
    "session",
    "year",
    "resolution",
    "vote",
    "region",
    "subregion",
    "stratum_frame",
    "stratum_sample",
    "weight",
    "split",
    "reliability",
)


def fail(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(1)


def read_csv(path: Path) -> list[dict]:
    if not path.is_file():
        fail(f"{path}: file not found")
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def frame(root: Path) -> list[dict]:
    """Every member-state statement of both sessions with its vote and region."""
    regions = {r["iso3"]: r for r in read_csv(root / "un_m49_regions.csv")}
    votes = defaultdict(dict)
    for row in read_csv(root / "unga_votes.csv"):
        votes[row["resolution"]][row["iso3"]] = row["vote"]
    rows = []
    for session, year, resolution in SESSIONS:
        folder = root / f"session{session}_{year}"
        for path in sorted(folder.glob("*.txt")):
            iso3 = path.stem.split("_")[0]
            if iso3 not in votes[resolution]:
                continue  # an observer: no vote, not in the frame
            if iso3 not in regions:
                fail(f"{root / 'un_m49_regions.csv'}: no region for {iso3}")
            rows.append(
                {
                    "doc_id": path.stem,
                    "file": f"{folder.name}/{path.name}",
                    "iso3": iso3,
                    "country": regions[iso3]["country"],
                    "session": session,
                    "year": year,
                    "resolution": resolution,
                    "vote": votes[resolution][iso3],
                    "region": regions[iso3]["region"],
                    "subregion": regions[iso3]["subregion"],
                }
            )
    return rows


def allocate(n: int, sizes: dict[str, int]) -> dict[str, int]:
    """Largest-remainder allocation of n over cells, one per cell first when n allows, capped
    at each cell's size. Ties break by cell name, so the allocation needs no randomness."""
    cells = sorted(c for c, s in sizes.items() if s > 0)
    n = min(n, sum(sizes[c] for c in cells))
    out = {c: 0 for c in cells}
    if n >= len(cells):
        out = {c: 1 for c in cells}
    total = sum(sizes[c] for c in cells)
    while sum(out.values()) < n:
        # the cell furthest below its proportional share that still has statements left
        open_cells = [c for c in cells if out[c] < sizes[c]]
        best = max(open_cells, key=lambda c: (n * sizes[c] / total - out[c], sizes[c], c))
        out[best] += 1
    return out


def systematic(items: list, share: float) -> set:
    """Positions where the running share crosses an integer (rounded at the half): a spread-out
    selection of round(len * share) items from an ordered list."""
    picked = set()
    for i, item in enumerate(items):
        if math.floor((i + 1) * share + 0.5) > math.floor(i * share + 0.5):
            picked.add(item)
    return picked


def pick(rng: random.Random, pool: dict[str, list[dict]], counts: dict[str, int], taken: set[str]) -> list[dict]:
    """Draw ``counts[region]`` statements of each region's pool (regions and statements in sorted
    order, so the seed decides), marking their states as taken."""
    out = []
    for region in sorted(counts):
        for r in rng.sample(sorted(pool[region], key=lambda x: x["doc_id"]), counts[region]):
            out.append(dict(r))
            taken.add(r["iso3"])
    return out


def add_weights(chosen: list[dict], frame_size: Counter) -> None:
    """Each statement's stratum sizes in the frame and the sample, and its design weight."""
    sample_size = Counter((r["session"], r["vote"], r["region"]) for r in chosen)
    for r in chosen:
        key = (r["session"], r["vote"], r["region"])
        r["stratum_frame"], r["stratum_sample"] = frame_size[key], sample_size[key]
        r["weight"] = f"{frame_size[key] / sample_size[key]:.4f}"


def draw(rows: list[dict], seed: int = SEED) -> list[dict]:
    rng = random.Random(seed)
    chosen: list[dict] = []
    taken: set[str] = set()
    frame_size = Counter((r["session"], r["vote"], r["region"]) for r in rows)
    for session, _, _ in SESSIONS:
        for vote in VOTES:
            pool = defaultdict(list)
            for r in rows:
                if r["session"] == session and r["vote"] == vote and r["iso3"] not in taken:
                    pool[r["region"]].append(r)
            counts = allocate(QUOTA[vote], {k: len(v) for k, v in pool.items()})
            chosen += pick(rng, pool, counts, taken)
    add_weights(chosen, frame_size)
    chosen.sort(key=lambda r: r["doc_id"])
    keys = {r["doc_id"]: rng.random() for r in chosen}  # drawn in doc_id order: reproducible
    for vote in VOTES:
        group = sorted((r for r in chosen if r["vote"] == vote), key=lambda r: (r["region"], keys[r["doc_id"]]))
        evaluation = systematic([r["doc_id"] for r in group], EVAL_SHARE)
        for r in group:
            r["split"] = "eval" if r["doc_id"] in evaluation else "dev"
    for vote in VOTES:
        group = sorted(
            (r for r in chosen if r["vote"] == vote), key=lambda r: (r["split"], r["region"], keys[r["doc_id"]])
        )
        k = min(len(group), max(RELIABILITY_MIN, round(len(group) * RELIABILITY_SHARE)))
        reliable = systematic([r["doc_id"] for r in group], k / len(group)) if group else set()
        for r in group:
            r["reliability"] = "yes" if r["doc_id"] in reliable else "no"
    return chosen


def draw_sealed(rows: list[dict], excluded: set[str], seed: int = SEALED_SEED) -> list[dict]:
    """The sealed test: SEALED_QUOTA per (session, vote) over regions, one statement per state,
    none of a state in ``excluded`` (iso3) or a statement in ``excluded`` (doc_id). A vote whose
    pool is too small passes its shortfall to the session's "yes" stratum, so the size holds."""
    rng = random.Random(seed)
    chosen: list[dict] = []
    taken = set(excluded)
    frame_size = Counter((r["session"], r["vote"], r["region"]) for r in rows)
    for session, _, _ in SESSIONS:
        short = 0  # what a rare vote's pool cannot give goes to the last (largest) stratum
        for vote in VOTES:
            pool = defaultdict(list)
            for r in rows:
                if r["session"] == session and r["vote"] == vote and not {r["iso3"], r["doc_id"]} & taken:
                    pool[r["region"]].append(r)
            want = SEALED_QUOTA[vote] + (short if vote == VOTES[-1] else 0)
            counts = allocate(want, {k: len(v) for k, v in pool.items()})
            short += want - sum(counts.values())
            chosen += [dict(r, split="test", reliability="yes") for r in pick(rng, pool, counts, taken)]
    add_weights(chosen, frame_size)
    return sorted(chosen, key=lambda r: r["doc_id"])


def to_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: r[k] for k in FIELDS})
    return buf.getvalue()


def composition(rows: list[dict]) -> str:
    """A markdown table vote x region x split (dev / eval / reliability)."""
    regions = sorted({r["region"] for r in rows})
    lines = ["| vote | " + " | ".join(regions) + " | total |", "|---" * (len(regions) + 2) + "|"]
    for vote in VOTES + ("all",):
        cells = []
        for region in regions + ["*"]:
            sub = [r for r in rows if (vote == "all" or r["vote"] == vote) and region in ("*", r["region"])]
            dev = sum(r["split"] == "dev" for r in sub)
            ev = sum(r["split"] == "eval" for r in sub)
            rel = sum(r["reliability"] == "yes" for r in sub)
            cells.append(f"{dev}/{ev} ({rel})" if sub else "–")
        lines.append(f"| {vote} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(
    root: Path = typer.Option(UNGD, help="The UNGD folder (statements, speakers, votes)."),
    out: Path = typer.Option(Path("annotations/gold/ungd/sample.csv"), help="Where the sample is written."),
    table: bool = typer.Option(False, "--table", help="Print the composition table."),
    sealed: bool = typer.Option(False, "--sealed", help="Draw the sealed test (see the module doc)."),
) -> None:
    """Draw the seeded, stratified gold sample of UN General Debate statements."""
    if sealed:
        gold = {r["iso3"] for r in read_csv(out.parent / "sample.csv")}
        read = set((out.parent / "sealed" / "read_before.txt").read_text(encoding="utf-8").split())
        rows = draw_sealed(frame(root), gold | read)
        out = out.parent / "sealed" / "sample.csv"
        write_text(out, to_csv(rows))
        print(f"{out}: {len(rows)} statements")
        if table:
            print(composition(rows))
        return
    rows = draw(frame(root))
    write_text(out, to_csv(rows))
    print(
        f"{out}: {len(rows)} statements, "
        f"{sum(r['split'] == 'eval' for r in rows)} eval, "
        f"{sum(r['reliability'] == 'yes' for r in rows)} reliability"
    )
    if table:
        print(composition(rows))


if __name__ == "__main__":
    typer.run(main)
