"""The report's screenshots in ``docs/screenshots/``, taken in headless Chromium.

    .venv/bin/python scripts/screenshots.py                 # annotations/ -> docs/screenshots/
    .venv/bin/python scripts/screenshots.py --out /tmp/shots

The report is written into a temporary folder; each page is opened at a fixed window size (the
collection page with filters set in its URL hash, as a reader's link would set them).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.report.html import write_report  # noqa: E402

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars"]
# (file, page under the report folder, URL fragment, window size)
SHOTS = [
    ("index.png", "index.html", "", "1100,800"),
    ("ungd_collection.png", "ungd/index.html", "#actor=POL&conflict=russia_ukraine&layer=machine", "1100,1600"),
    ("ungd_statement.png", "ungd/POL_77_2022.html", "", "1100,1400"),
    ("article_document.png", "articles/besa2023_central_asia.html", "", "1100,1400"),
]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--annotations", type=Path, default=ROOT / "annotations")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = ap.parse_args()
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        print("scripts/screenshots.py: chromium not found (apt-get install chromium)", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report"
        write_report(args.annotations, report)
        for name, page, fragment, size in SHOTS:
            shot = args.out / name
            subprocess.run(
                [
                    browser,
                    *FLAGS,
                    f"--user-data-dir={tmp}/profile",
                    f"--window-size={size}",
                    f"--screenshot={shot}",
                    (report / page).as_uri() + fragment,
                ],
                capture_output=True,
                timeout=180,
                check=True,
            )
            print(f"{shot}: {shot.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
