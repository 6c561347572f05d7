"""Inter-coder reliability of the UN General Debate coding sheets (GUIDELINES §10.1).

Units are fixed by the packets, not by what the coders marked: every candidate pair
``(sent_key, actor, target)`` of a packet plus every pair any coder added. A coder with no row
for a unit, or only ``none`` rows, gives it the value ``none``; so a position one coder saw and
the other did not counts as a disagreement. From these units:

- **stance** over all units (``support | oppose | neutral | none``);
- **position vs none** over all units (binary: did the coder see a position at all);
- **stance, mode, certainty, issue** over the units where every coder gave a position, each
  reported beside the same field over all units with ``none`` for no position, so no figure
  stands only on the units both coders marked.

Each figure has Krippendorff's alpha (nominal, the ``krippendorff`` package), percent agreement,
the number of units and documents, and a percentile 95 % bootstrap interval from resampling
whole documents (seeded), because units within a document are not independent.

A coder is a folder of ``sheets/`` with a ``CODER.md``; a document is double-coded when two or
more coders have a sheet for it. When one coder writes two rows for a unit (two clauses with
different spans, GUIDELINES §1) the unit's value is the sorted distinct positions joined by
``+`` (``neutral+oppose``), so two coders agree only when they saw the same positions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import numpy as np

from pipeline.errors import InputError
from pipeline.quality.coding import CodingFolder, coders, read_rows, read_sample  # noqa: F401 (re-exported)
from pipeline.quality.sheets import check_sheet

NONE = "none"
FIELDS = ("stance", "mode", "certainty", "issue")


def _joined(values) -> str:
    return "+".join(sorted(set(values)))


def unit_values(rows: list[dict]) -> dict[tuple, dict[str, str]]:
    """One value per field for each ``(sent_key, actor, target)`` a coder gave a position."""
    grouped: dict[tuple, list[dict]] = {}
    for r in rows:
        if r.get("stance") != NONE:
            grouped.setdefault((r["sent_key"], r["actor"], r["target"]), []).append(r)
    return {k: {f: _joined(str(r[f]) for r in rs) for f in FIELDS} for k, rs in grouped.items()}


@dataclass
class DocUnits:
    """The units of one double-coded document and each coder's values for them."""

    doc_id: str
    split: str
    coders: tuple[str, ...]
    keys: list[tuple]
    values: list[dict[tuple, dict[str, str]]]  # per coder: unit -> field values (positions only)
    adjudicated: Optional[dict[tuple, dict[str, str]]] = None  # the adjudicated sheet's, where there is one

    def column(self, fld: str, unit: tuple) -> list[str]:
        return [v[unit][fld] if unit in v else NONE for v in self.values]


@dataclass
class FieldScore:
    """Pooled counts of one field's ``(unit, value)`` pairs: a coding (``n_machine``) against a
    reference (``n_gold``), ``tp`` in both."""

    field: str
    tp: int
    n_machine: int
    n_gold: int

    @property
    def precision(self) -> float:
        return self.tp / self.n_machine if self.n_machine else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def field_pairs(values: dict[tuple, dict[str, str]], fld: str) -> set[tuple]:
    """A sheet's ``(unit, value)`` pairs for a field; ``position``: its units."""
    if fld == "position":
        return set(values)
    return {(unit, v[fld]) for unit, v in values.items()}


def document_units(
    doc_id: str,
    split: str,
    packet: list[dict],
    sheets: dict[str, list[dict]],
    adjudicated: Optional[list[dict]] = None,
) -> DocUnits:
    """Units of a document: packet candidates plus every pair any coder added, in packet order."""
    order = {r["sent_key"]: i for i, r in enumerate(packet)}
    keys = {(r["sent_key"], c["actor"], c["target"]) for r in packet for c in r["candidates"]}
    for rows in sheets.values():
        keys |= {(r["sent_key"], r["actor"], r["target"]) for r in rows}
    names = tuple(sorted(sheets))
    return DocUnits(
        doc_id=doc_id,
        split=split,
        coders=names,
        keys=sorted(keys, key=lambda k: (order.get(k[0], len(order)), k)),
        values=[unit_values(sheets[c]) for c in names],
        adjudicated=None if adjudicated is None else unit_values(adjudicated),
    )


def collect(gold_dir: Path) -> list[DocUnits]:
    """Every document of ``sample.csv`` that two or more coders coded. A sheet may leave
    candidate pairs without a row (they are ``none``): a pass coded from the plain text has none."""
    folder = CodingFolder(gold_dir)
    docs = []
    for doc_id in sorted(folder.sample):
        sheets = folder.sheets(doc_id)
        if len(sheets) < 2:
            continue
        packet = folder.packet(doc_id)
        for path in sheets.values():
            problems = check_sheet(path, packet, complete=False)
            if problems:
                raise InputError(path, f"invalid sheet ({len(problems)} problem(s)), first: {problems[0]}")
        adjudicated = folder.adjudicated_sheet(doc_id)
        docs.append(
            document_units(
                doc_id,
                folder.sample[doc_id]["split"],
                packet,
                {c: read_rows(p) for c, p in sheets.items()},
                None if adjudicated is None else read_rows(adjudicated),
            )
        )
    return docs


# -- measures ---------------------------------------------------------------------------------

Matrix = list[list[str | None]]  # one list per unit: each coder's value (None = not rated)


def unit_matrix(doc: DocUnits, measure: str) -> Matrix:
    """The values of one measure for a document's units.

    ``stance`` / ``position`` / ``<field>_all``: all units (``none`` where no position);
    ``<field>_marked``: the units where at least one coder gave a position;
    ``<field>_both``: only the units where every coder gave a position."""
    rows: list[list] = []
    for unit in doc.keys:
        stance = doc.column("stance", unit)
        if measure == "position":
            rows.append(["none" if s == NONE else "position" for s in stance])  # type: ignore[arg-type]
        elif measure.endswith("_marked"):
            if any(s != NONE for s in stance):
                rows.append(doc.column(measure[: -len("_marked")], unit))
        elif measure.endswith("_both"):
            if NONE not in stance:
                rows.append(doc.column(measure[: -len("_both")], unit))
        else:
            rows.append(doc.column(measure.removesuffix("_all"), unit))
    return rows


def alpha(matrix: Matrix) -> float | None:
    """Krippendorff's nominal alpha of a units x coders matrix; None where it is undefined
    (no pairable values, or a single value in the domain)."""
    import krippendorff

    values = sorted({v for row in matrix for v in row if v is not None})
    if len(values) < 2:
        return None
    code = {v: i for i, v in enumerate(values)}
    width = max(len(row) for row in matrix)
    data = np.full((width, len(matrix)), np.nan)
    for j, row in enumerate(matrix):
        for i, v in enumerate(row):
            if v is not None:
                data[i, j] = code[v]
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def agreement(matrix: Matrix) -> float | None:
    """Share of units whose coders all gave the same value."""
    rated = [[v for v in row if v is not None] for row in matrix]
    rated = [r for r in rated if len(r) >= 2]
    return sum(len(set(r)) == 1 for r in rated) / len(rated) if rated else None


@dataclass
class Figure:
    measure: str
    units: int
    documents: int
    alpha: float | None
    agreement: float | None
    ci: tuple[float, float] | None = None
    valid_resamples: int = 0


def _bootstrap(per_doc: list[Matrix], resamples: int, seed: int) -> tuple[tuple[float, float] | None, int]:
    rng = np.random.default_rng(seed)
    n = len(per_doc)
    stats = []
    for _ in range(resamples):
        pick = rng.integers(0, n, size=n)
        value = alpha([row for i in pick for row in per_doc[i]])
        if value is not None:
            stats.append(value)
    if not stats:
        return None, 0
    lo, hi = np.percentile(stats, [2.5, 97.5])
    return (float(lo), float(hi)), len(stats)


def figure(docs: list[DocUnits], measure: str, resamples: int = 1000, seed: int = 0) -> Figure:
    """One measure over a set of documents, with its document-bootstrap interval."""
    per_doc = [unit_matrix(d, measure) for d in docs]
    pooled = [row for m in per_doc for row in m]
    ci, valid = _bootstrap(per_doc, resamples, seed) if resamples and docs else (None, 0)
    return Figure(measure, len(pooled), sum(bool(m) for m in per_doc), alpha(pooled), agreement(pooled), ci, valid)


MEASURES = (
    ("stance", "stance, all units (support/oppose/neutral/none)"),
    ("position", "position vs none, all units"),
    ("stance_marked", "stance, units where at least one coder gave a position"),
    ("stance_both", "stance, units where both coders gave a position"),
    ("mode_both", "mode, units where both gave a position"),
    ("mode_all", "mode, all units (none where no position)"),
    ("certainty_both", "certainty, units where both gave a position"),
    ("certainty_all", "certainty, all units (none where no position)"),
    ("issue_both", "issue, units where both gave a position"),
    ("issue_all", "issue, all units (none where no position)"),
)


@dataclass
class Report:
    scopes: dict[str, list[Figure]] = field(default_factory=dict)
    documents: list[dict] = field(default_factory=list)
    against_adjudication: dict[str, dict] = field(default_factory=dict)
    resamples: int = 1000
    seed: int = 0


def reliability(docs: list[DocUnits], resamples: int = 1000, seed: int = 0) -> Report:
    """All measures overall, per split and per coder set, plus a line per document."""
    scopes = {"overall": docs}
    for split in sorted({d.split for d in docs}):
        scopes[split] = [d for d in docs if d.split == split]
    for names in sorted({d.coders for d in docs}):
        scopes[" × ".join(names)] = [d for d in docs if d.coders == names]
    report = Report(resamples=resamples, seed=seed, against_adjudication=against_adjudication(docs))
    for name, subset in scopes.items():
        report.scopes[name] = [figure(subset, m, resamples, seed) for m, _ in MEASURES]
    for d in docs:
        stance = unit_matrix(d, "stance")
        report.documents.append(
            {
                "doc_id": d.doc_id,
                "split": d.split,
                "coders": d.coders,
                "units": len(stance),
                "positions": [sum(v[i] != NONE for v in stance) for i in range(len(d.coders))],
                "disagreements": sum(len(set(r)) > 1 for r in stance),
                "agreement": agreement(stance),
                "alpha": alpha(stance),
            }
        )
    return report


def against_adjudication(docs: list[DocUnits]) -> dict[str, dict]:
    """Each coder's positions against the adjudicated sheet, over the documents that have one:
    a position is ``(unit, stance)``; P, R and F1 pooled over the documents. The adjudication
    starts from what the coders agreed on, so these are upper estimates of a coder's accuracy."""
    counts: dict[str, list[int]] = {}
    for d in docs:
        if d.adjudicated is None:
            continue
        final = field_pairs(d.adjudicated, "stance")
        for coder, values in zip(d.coders, d.values):
            mine = field_pairs(values, "stance")
            c = counts.setdefault(coder, [0, 0, 0, 0])  # agreed, coder's, adjudicated, documents
            c[0] += len(mine & final)
            c[1] += len(mine)
            c[2] += len(final)
            c[3] += 1
    out = {}
    for coder, (tp, n_coder, n_final, n_docs) in sorted(counts.items()):
        score = FieldScore("stance", tp, n_coder, n_final)
        out[coder] = {  # None where a figure has nothing to count
            "precision": score.precision if n_coder else None,
            "recall": score.recall if n_final else None,
            "f1": score.f1 if tp else None,
            "positions": n_coder,
            "adjudicated": n_final,
            "documents": n_docs,
        }
    return out


# -- report -----------------------------------------------------------------------------------


def _num(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}"


def render(report: Report) -> str:
    """RELIABILITY.md: the tables, generated; same figures, same bytes."""
    label = dict(MEASURES)
    out = [
        "# Reliability of the UNGD coding sheets",
        "",
        "Generated by `stance-corpus gold reliability` from the double-coded sheets "
        "(`sheets/<coder>/`, machine annotators (language models) coding blind to each other); "
        "do not edit by hand. Method: GUIDELINES §10.1 and `pipeline/quality/reliability.py`.",
        "",
        "- **Units**: every candidate pair (sent_key, actor, target) of the packet plus every pair "
        "any coder added; a coder with no row, or a `none` row, has `none` for the unit.",
        "- **α**: Krippendorff's alpha, nominal. **%**: percent agreement. **n**: units; **docs**: "
        "documents contributing units.",
        f"- **95 % CI**: percentile bootstrap over documents ({report.resamples} resamples, seed "
        f"{report.seed}); resamples where α is undefined are dropped (their count is shown when any).",
        "- Figures over the units where both coders gave a position always stand beside the "
        "all-units figure of the same field.",
        "- Splits: `dev` (development), `eval` (the development test), `test` (the sealed test); "
        "GUIDELINES §10.1, `SAMPLING.md`.",
        "",
    ]
    for scope, figures in report.scopes.items():
        out += [f"## {scope}", "", "| measure | α | 95 % CI | % agree | n | docs |", "|---|---|---|---|---|---|"]
        for f in figures:
            ci = "—" if f.ci is None else f"{f.ci[0]:.3f} – {f.ci[1]:.3f}"
            if f.ci is not None and f.valid_resamples < report.resamples:
                ci += f" ({f.valid_resamples} valid)"
            pct = "—" if f.agreement is None else f"{100 * f.agreement:.1f}"
            out.append(f"| {label[f.measure]} | {_num(f.alpha)} | {ci} | {pct} | {f.units} | {f.documents} |")
        out.append("")
    if report.against_adjudication:
        out += [
            "## Each coder against the adjudication",
            "",
            "Positions (unit and stance) of each coder's sheet against the adjudicated sheet of the "
            "same documents, pooled. The adjudication starts from the rows the coders agreed on, so "
            "these are upper estimates of one coder's accuracy.",
            "",
            "| coder | P | R | F1 | positions | adjudicated positions | docs |",
            "|---|---|---|---|---|---|---|",
        ]
        for coder, row in report.against_adjudication.items():
            out.append(
                f"| {coder} | {_num(row['precision'])} | {_num(row['recall'])} | {_num(row['f1'])} | "
                f"{row['positions']} | {row['adjudicated']} | {row['documents']} |"
            )
        out.append("")
    out += [
        "## Per document (stance, all units)",
        "",
        "| document | split | coders | units | positions per coder | disagreements | % agree | α |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for d in report.documents:
        pct = "—" if d["agreement"] is None else f"{100 * d['agreement']:.1f}"
        out.append(
            f"| {d['doc_id']} | {d['split']} | {', '.join(d['coders'])} | {d['units']} | "
            f"{' / '.join(map(str, d['positions']))} | {d['disagreements']} | {pct} | {_num(d['alpha'])} |"
        )
    return "\n".join(out) + "\n"


def write_report(gold_dir: Path, out: Path | None = None, resamples: int = 1000, seed: int = 0) -> Report:
    """Compute the figures of a gold folder and write ``RELIABILITY.md`` (atomically)."""
    from pipeline.io import write_text

    docs = collect(gold_dir)
    if not docs:
        raise InputError(Path(gold_dir) / "sheets", "no document has sheets from two or more coders")
    report = reliability(docs, resamples, seed)
    write_text(out or Path(gold_dir) / "RELIABILITY.md", render(report))
    return report
