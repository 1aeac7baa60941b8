"""``make demo`` end to end: the synthetic dump ingests into a lake with the expected counts."""

import pytest

from flows.demo import main
from tests import lakes


@pytest.mark.usefixtures("prefect_harness")
def test_demo(tmp_path, capsys):
    assert main(["--out", str(tmp_path / "demo")]) == 0
    out = capsys.readouterr().out
    assert "57 files, 80 items in: 72 stories, 7 duplicates, 0 skipped, 1 rejects" in out
    assert ["malformed_xml", "1"] in [line.split() for line in out.splitlines()]
    df = lakes.stories(str(tmp_path / "demo" / "lake"))
    assert df.height == 72
    assert df.group_by("provider").len().sort("provider").rows() == [("ap", 24), ("dpa", 24),
                                                                      ("reuters", 24)]
    assert df["date"].n_unique() == 4
    assert df["headline"].null_count() == 0 and df["body"].null_count() == 0
    dups = lakes.read_table(str(tmp_path / "demo" / "lake"), "duplicates")
    assert dups.height == 7 and set(dups["reason"]) == {"exact"}
