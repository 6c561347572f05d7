"""No state is special-cased in code: conflicts, parties and words are data."""

from __future__ import annotations

import ast
from pathlib import Path

import pycountry

PACKAGE = Path(__file__).resolve().parents[2] / "pipeline"
CODES = {c.alpha_3 for c in pycountry.countries}


def _literals(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in CODES:
            yield node.lineno, node.value


def test_no_iso3_code_is_a_literal_in_the_package():
    found = [f"{p.relative_to(PACKAGE)}:{line}: {code!r}" for p in PACKAGE.rglob("*.py") for line, code in _literals(p)]
    assert found == []


def test_no_state_code_is_a_setting_of_the_config():
    config = (PACKAGE / "nlp" / "config.cfg").read_text(encoding="utf-8")
    assert not [code for code in CODES if f'"{code}"' in config]
