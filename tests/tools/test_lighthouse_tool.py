"""`make lighthouse` (tools/lighthouse.py) against a stand-in for the Lighthouse command line.

The real Lighthouse runs in CI; these tests pin down what the tool does with its outcomes, which a real browser
cannot be made to produce on demand: a runtime error that asks to "run Lighthouse again" once in a while.
"""

import json
import sys

import pytest

from tools import lighthouse

GOOD_REPORT = {"categories": {"performance": {"score": 1}}}
NO_NAVSTART = {
    "runtimeError": {
        "code": "NO_NAVSTART",
        "message": "Something went wrong with recording the trace over your page load. Please run Lighthouse again.",
    }
}

STAND_IN = """\
import json, sys
from pathlib import Path

outcomes = Path(sys.argv[0]).with_name("outcomes.json")
remaining = json.loads(outcomes.read_text())
report, status = remaining.pop(0)
outcomes.write_text(json.dumps(remaining))
output = next(argument.split("=", 1)[1] for argument in sys.argv if argument.startswith("--output-path="))
if report is not None:
    Path(output).write_text(json.dumps(report))
sys.exit(status)
"""


@pytest.fixture
def stand_in(tmp_path, monkeypatch):
    """A Lighthouse command that answers each run with the next of the (report, exit status) pairs it is given."""
    command = tmp_path / "lighthouse"
    command.write_text(f"#!{sys.executable}\n{STAND_IN}")
    command.chmod(0o755)
    monkeypatch.setattr(lighthouse, "LIGHTHOUSE", command)
    monkeypatch.setenv("CHROMIUM_PATH", sys.executable)

    def answer(*outcomes):
        (tmp_path / "outcomes.json").write_text(json.dumps(outcomes))
        return lambda: json.loads((tmp_path / "outcomes.json").read_text())

    return answer


def test_a_runtime_error_is_run_again_and_the_next_report_counts(stand_in, tmp_path, capsys):
    remaining = stand_in((NO_NAVSTART, 1), (GOOD_REPORT, 0))

    report = lighthouse.run_lighthouse("http://127.0.0.1:8000/", tmp_path / "home.json")

    assert report == GOOD_REPORT
    assert remaining() == []
    assert "runtime error NO_NAVSTART on attempt 1 of 3" in capsys.readouterr().err


def test_a_runtime_error_on_every_attempt_fails_naming_it(stand_in, tmp_path):
    remaining = stand_in(*[(NO_NAVSTART, 1)] * lighthouse.ATTEMPTS, (GOOD_REPORT, 0))

    with pytest.raises(SystemExit, match="could not measure http://127.0.0.1:8000/: NO_NAVSTART on all 3 attempts"):
        lighthouse.run_lighthouse("http://127.0.0.1:8000/", tmp_path / "home.json")

    assert remaining() == [[GOOD_REPORT, 0]]


def test_a_failure_without_a_report_is_not_run_again(stand_in, tmp_path):
    remaining = stand_in((None, 2), (GOOD_REPORT, 0))

    with pytest.raises(SystemExit, match=r"Lighthouse failed on http://127.0.0.1:8000/ \(exit status 2\)"):
        lighthouse.run_lighthouse("http://127.0.0.1:8000/", tmp_path / "home.json")

    assert remaining() == [[GOOD_REPORT, 0]]


def test_a_crash_after_a_runtime_error_is_not_mistaken_for_another_runtime_error(stand_in, tmp_path):
    remaining = stand_in((NO_NAVSTART, 1), (None, 2), (GOOD_REPORT, 0))

    with pytest.raises(SystemExit, match=r"Lighthouse failed on http://127.0.0.1:8000/ \(exit status 2\)"):
        lighthouse.run_lighthouse("http://127.0.0.1:8000/", tmp_path / "home.json")

    assert remaining() == [[GOOD_REPORT, 0]]
