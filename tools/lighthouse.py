"""`make lighthouse`: Lighthouse (npm, pinned) on the demo article and home page, mobile preset, Debian's Chromium.

Lighthouse's own advice for its variable Performance score is to take the median of several runs: each page is
measured RUNS times and the median of each category is compared with the targets. Prints every score, the
audits that cost points, and exits with 1 when a category is below its target (CI runs this).
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from tools.demo_site import ARTICLE_PATH, chromium_path, demo_site

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
PAGES = {"article": ARTICLE_PATH, "home": "/"}
RUNS = int(os.environ.get("LIGHTHOUSE_RUNS", "3"))
ATTEMPTS = 3
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-dev-shm-usage"


def run_lighthouse(url, output):
    """Lighthouse's report of `url`, written to `output`.

    Now and then a run ends in a Lighthouse runtime error about the trace it recorded (NO_NAVSTART: "Please run
    Lighthouse again"); it still saves the report, with `runtimeError` and no scores. A run with a runtime error is
    repeated, up to ATTEMPTS times in all, so a page that really fails (a 500 is ERRORED_DOCUMENT_REQUEST) still
    fails, naming the code; a failure that leaves no report stops at once.
    """
    output = Path(output)
    for attempt in range(1, ATTEMPTS + 1):
        output.unlink(missing_ok=True)
        finished = subprocess.run(
            [str(LIGHTHOUSE), url, f"--only-categories={','.join(TARGETS)}", f"--chrome-flags={CHROME_FLAGS}",
             "--output=json", f"--output-path={output}", "--quiet"],
            env={**os.environ, "CHROME_PATH": chromium_path()}, check=False,
        )  # fmt: skip
        report = json.loads(output.read_text()) if output.exists() else {}
        if finished.returncode == 0:
            return report
        if "runtimeError" not in report:
            raise SystemExit(f"Lighthouse failed on {url} (exit status {finished.returncode}).")
        error = report["runtimeError"]["code"]
        print(f"  {url}: Lighthouse runtime error {error} on attempt {attempt} of {ATTEMPTS}", file=sys.stderr)
    raise SystemExit(f"Lighthouse could not measure {url}: {error} on all {ATTEMPTS} attempts.")


def lost_points(report, category):
    """Titles of the audits that lowered `category`'s score, with their own scores."""
    audits = report["audits"]
    for reference in report["categories"][category]["auditRefs"]:
        audit = audits[reference["id"]]
        if reference["weight"] and audit["score"] is not None and audit["score"] < 1:
            shown = f": {audit['displayValue']}" if audit.get("displayValue") else ""
            yield f"{audit['title']} ({audit['score']:.2f}){shown}"


def main():
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is missing: run `npm ci` (make lighthouse does).")
    failures = []
    with demo_site() as url, tempfile.TemporaryDirectory() as folder:
        for page, path in PAGES.items():
            reports = [run_lighthouse(url + path, Path(folder) / f"{page}-{run}.json") for run in range(RUNS)]
            scores = {
                category: statistics.median(round(report["categories"][category]["score"] * 100) for report in reports)
                for category in TARGETS
            }
            print(f"{page} ({path}), median of {RUNS} runs, mobile preset:")
            for category, target in TARGETS.items():
                runs = ", ".join(str(round(report["categories"][category]["score"] * 100)) for report in reports)
                verdict = "ok" if scores[category] >= target else f"BELOW {target}"
                print(f"  {category:<15} {scores[category]:>5g}  (runs: {runs})  {verdict}")
                if scores[category] < target:
                    failures.append(f"{page} {category}")
                for audit in sorted(set().union(*(lost_points(report, category) for report in reports))):
                    print(f"      - {audit}")
    if failures:
        print("Lighthouse targets missed: " + ", ".join(failures), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
