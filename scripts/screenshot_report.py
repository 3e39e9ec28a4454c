"""Screenshot a run's report.html in headless Chromium: full page at 1400 px wide (for the README).

Usage: python scripts/screenshot_report.py RUN_DIR OUT.png [--width 1400]
Exit code 0 on success; 1 with a message when the report or Chromium is missing or the page logs errors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tests.browser import find_chromium, load_page


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", type=Path, help="a run directory holding report.html (or the HTML file)")
    parser.add_argument("out", type=Path, help="where to write the PNG")
    parser.add_argument("--width", type=int, default=1400, help="viewport width in CSS pixels")
    parser.add_argument("--max-height", type=int, default=16000, help="cap on the page height captured")
    args = parser.parse_args(argv)
    report = args.run_dir if args.run_dir.is_file() else args.run_dir / "report.html"
    if not report.is_file():
        print(f"error: no report at {report} (run `insightminer run ... --out DIR` first)", file=sys.stderr)
        return 1
    if find_chromium() is None:
        print("error: Chromium not found; install it with scripts/install_chromium.sh", file=sys.stderr)
        return 1
    result = load_page(report, screenshot=args.out, width=args.width, max_height=args.max_height)
    for message in result.errors:
        print(f"page error: {message}", file=sys.stderr)
    print(f"wrote {args.out} ({args.width}x{min(result.height, args.max_height)} px)")
    return 1 if result.errors else 0


if __name__ == "__main__":
    sys.exit(main())
