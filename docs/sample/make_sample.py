"""Regenerate the sample HTML report and its screenshot.

    python docs/sample/make_sample.py            # from the repository's root

writes docs/sample/report.html (the built-in agenda and evidence, as of 2025-05-01, with the
quarterly trend since 2022 and each priority's 5-95 % interval) and docs/sample/report.png
(a 1200 px wide screenshot taken by headless Chromium, if /usr/bin/chromium or CHROMIUM names
one).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from renewal_score.api import checked_agenda, load_inputs, run
from renewal_score.options import RunOptions
from renewal_score.reports.html import render_html
from renewal_score.trend import dates, trend

HERE = Path(__file__).resolve().parent
AS_OF = dt.date(2025, 5, 1)
TREND_FROM = dt.date(2022, 1, 1)


def screenshot(page: Path, png: Path) -> None:
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists():
        print(f"no screenshot: {chromium} is missing", file=sys.stderr)
        return
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                f"--screenshot={png}",
                "--window-size=1200,2000",
                page.as_uri(),
            ],
            check=True,
            timeout=60,
            capture_output=True,
        )


def main() -> None:
    inputs = load_inputs()
    agenda = checked_agenda(inputs)
    options = RunOptions(as_of=AS_OF)
    card = run(inputs, options)
    history = trend(agenda, inputs.host, options, dates(TREND_FROM, AS_OF, "quarter"), "quarter")
    page = HERE / "report.html"
    report = render_html(card, agenda=agenda, trend=history)
    page.write_text(report, encoding="utf-8")
    screenshot(page, HERE / "report.png")
    print(f"wrote {page} and {HERE / 'report.png'}")


if __name__ == "__main__":
    main()
