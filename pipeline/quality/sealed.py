"""The sealed test: scored once per claim system, every score logged.

``annotations/gold/ungd/sealed/`` holds 30 statements drawn before any of them was read
(``SAMPLING.md``), coded in two blind passes and adjudicated; its ``claims.jsonl`` is frozen.
Nothing is chosen or tuned on it. A *claim system* is what produced the automatic layer: the
pipeline fingerprint of the build (``build.json``: code, data, configuration and models) and the
claim system setting. :func:`score_once` scores a system the first time it is asked and appends
the figures with the commit and the fingerprint to ``scores.jsonl``; asked again for the same
system it returns the logged score and does not score again.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path
from typing import Any, Optional

from pipeline.errors import InputError
from pipeline.io import read_jsonl, write_text

SEALED = Path("annotations/gold/ungd/sealed")
LOG = "scores.jsonl"


def claim_system(annotations: Path) -> dict[str, str]:
    """The fingerprint and claim system of the build that wrote ``annotations``."""
    state_path = annotations / "build.json"
    if not state_path.is_file():
        raise InputError(state_path, "missing; run `stance-corpus build` first")
    state = json.loads(state_path.read_text(encoding="utf-8"))
    doc = next(iter(read_jsonl(annotations / "ungd" / "documents.jsonl.gz")), None)
    system = ((doc or {}).get("produced_by") or {}).get("claims", "unknown")
    return {"fingerprint": state["pipeline"], "system": system}


def _commit(root: Path) -> Optional[str]:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip() or None


def logged(sealed: Path) -> list[dict]:
    path = sealed / LOG
    return list(read_jsonl(path)) if path.is_file() else []


def score_once(
    annotations: Path, sealed: Path = SEALED, corpus: Path = Path("corpus"), when: Optional[str] = None
) -> tuple[dict, bool]:
    """(the log entry of the current claim system, whether it was scored now)."""
    from pipeline.quality.ungd_eval import ungd_report

    system = claim_system(annotations)
    for entry in logged(sealed):
        if entry["fingerprint"] == system["fingerprint"] and entry["system"] == system["system"]:
            return entry, False
    if not (sealed / "claims.jsonl").is_file():
        raise InputError(sealed / "claims.jsonl", "missing: the sealed test is not frozen yet")
    _, figures = ungd_report(annotations / "ungd", sealed, corpus, "test")
    fig: dict[str, Any] = figures["test"]
    entry = {
        "scored_at": when or dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        # the checkout the log lives in (a layer built into a folder outside it has no commit of its own)
        "commit": _commit(annotations.resolve().parent) or _commit(sealed.resolve()),
        **system,
        "documents": len(fig["documents"]),
        "stance": fig["stance"],
        "stance_macro_f1": fig["stance_macro_f1"],
        "intervals": {k: v for k, v in fig["bootstrap"]["intervals"].items() if k.startswith("stance_")},
    }
    lines = [json.dumps(e, sort_keys=True, ensure_ascii=False) for e in logged(sealed) + [entry]]
    write_text(sealed / LOG, "\n".join(lines) + "\n")
    return entry, True
