"""Check the gold coding of the project-written passages: one line per problem, exit 1 if any.

    PYTHONPATH=. .venv/bin/python scripts/check_passages.py
    PYTHONPATH=. .venv/bin/python scripts/check_passages.py --claims FILE --passages DIR

It checks that every row's text is the passage file's [start:end], that its span is in the text,
the closed value lists and party codes of GUIDELINES 3.0, that actor and target differ, and that
no row is repeated (``pipeline/quality/passages.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from pipeline.quality.passages import check_passages


def main(
    claims: Path = typer.Option(Path("annotations/gold/passages/claims.jsonl"), help="The gold coding."),
    passages: Path = typer.Option(Path("corpus/passages"), help="The passages folder (with manifest.jsonl)."),
) -> None:
    """Check the passages' gold coding: one line per problem, exit 1 if any."""
    problems = check_passages(claims, passages)
    for line in problems:
        print(f"error: {line}")
    print(f"{claims}: {len(problems)} problem(s)", file=sys.stderr)
    raise typer.Exit(1 if problems else 0)


if __name__ == "__main__":
    typer.run(main)
