"""The ``wirelake`` command: exit codes, printed summary, and the installed console script."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from flows.cli import EXIT_NO_INPUT, EXIT_OK, EXIT_STORAGE, main
from tests import lakes
from tests.corpora import corpus_path

SEED_DIR = "seed"


@pytest.mark.usefixtures("prefect_harness")
def test_ingest_prints_summary_and_exits_zero_despite_rejects(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(corpus_path(SEED_DIR) / "000_9162bee93abea508.txt", raw / "a.txt")
    (raw / "empty.txt").write_bytes(b"")
    assert main(["ingest", str(raw), "--lake", str(tmp_path / "L")]) == EXIT_OK
    out = capsys.readouterr().out
    assert "2 files, 2 items in: 1 stories, 0 duplicates, 0 skipped, 1 rejects" in out
    rows = [line.split() for line in out.splitlines()]
    assert ["2014-11-10", "reuters", "1"] in rows and ["empty_input", "1"] in rows


@pytest.mark.usefixtures("prefect_harness")
def test_no_input_exits_2(tmp_path, capsys):
    (tmp_path / "empty-dir").mkdir()
    assert main(["ingest", str(tmp_path / "empty-dir"), "--lake", str(tmp_path / "L")]) == EXIT_NO_INPUT
    assert main(["ingest", str(tmp_path / "missing"), "--lake", str(tmp_path / "L")]) == EXIT_NO_INPUT
    assert "no input" in capsys.readouterr().err


@pytest.mark.usefixtures("prefect_harness")
def test_unreachable_storage_exits_3_without_leaking_credentials(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDLEAKCHECK")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret-must-not-appear")
    raw = corpus_path(SEED_DIR)
    assert main(["ingest", str(raw), "--lake", "s3://wirelake-test/lake"]) == EXIT_STORAGE
    captured = capsys.readouterr()
    assert "storage failure" in captured.err
    assert "secret-must-not-appear" not in captured.out + captured.err


@pytest.mark.slow
def test_console_script_on_the_seed(tmp_path):
    """The installed ``wirelake`` script, as a user runs it (its own Prefect server)."""
    script = Path(sys.executable).parent / "wirelake"
    lake = tmp_path / "L"
    env = dict(os.environ, PREFECT_LOGGING_LEVEL="WARNING")
    env.pop("PREFECT_API_URL", None)
    proc = subprocess.run([str(script), "ingest", str(corpus_path(SEED_DIR)), "--lake", str(lake)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "1 stories" in proc.stdout
    df = lakes.stories(str(lake))
    assert df["headline"].to_list() == ["North Korea halts U.N. charm offensive over human rights record"]
    assert df["dateline_location"].to_list() == ["UNITED NATIONS"]
    assert df["authors"].to_list() == [["Michelle Nichols"]]
    # the script ends without the interpreter's teardown (flows/cli.py entry): its
    # status and its last words still come out
    proc = subprocess.run([str(script), "ingest", str(tmp_path / "missing"), "--lake", str(lake)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 2 and "wirelake: no input" in proc.stderr, proc.stderr[-3000:]
