"""Full training run: grouped CV, learning curve, final model, results table.

    .venv/bin/python scripts/train_stance.py [--out models/stance] [--results annotations/results.md]

A thin wrapper around `stance-corpus train` with the results table written to
annotations/results.md by default.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.cli import app  # noqa: E402

if __name__ == "__main__":
    args = sys.argv[1:]
    if "--results" not in args:
        args += ["--results", "annotations/results.md"]
    app(["train", *args], prog_name="train_stance.py")
