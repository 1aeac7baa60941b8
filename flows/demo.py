"""``make demo``: write a small synthetic raw dump, ingest it into a local lake, show it.

The dump has several days and providers in three wire formats, byte-identical
copies of some stories (loose and inside a tar.gz bundle) and one broken file,
so the summary shows stories, duplicates and a reject.
"""

from __future__ import annotations

import argparse
import io
import shutil
import tarfile
from pathlib import Path

from samples.synthetic import demo_stories, render_jsonl, render_newsml_g2, render_reuters_web_text

READ_LINES = '''import polars as pl
stories = pl.scan_parquet("{lake}/stories", hive_partitioning=True)
print(stories.filter(pl.col("date") == pl.date(2026, 11, 3)).group_by("provider").len().sort("provider").collect())'''


def write_dump(raw: Path) -> None:
    stories = demo_stories()
    for s in stories["reuters"]:
        path = raw / "reuters" / f"{s.published_at:%Y%m%d}" / f"{s.guid.rsplit(':', 1)[-1]}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(render_reuters_web_text(s))
    for s in stories["dpa"]:
        path = raw / "dpa" / f"{s.guid.replace(':', '_')}.xml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(render_newsml_g2(s))
    by_day: dict[str, list] = {}
    for s in stories["ap"]:
        by_day.setdefault(f"{s.published_at:%Y-%m-%d}", []).append(s)
    (raw / "ap").mkdir(parents=True, exist_ok=True)
    for day, items in by_day.items():
        (raw / "ap" / f"ap-{day}.jsonl").write_bytes(render_jsonl(items))
    # The same dpa stories delivered again by a second feed: byte-identical copies.
    resend = raw / "dpa-resend"
    resend.mkdir()
    for s in stories["dpa"][:3]:
        (resend / f"{s.guid.rsplit(':', 1)[-1]}.xml").write_bytes(render_newsml_g2(s))
    # A bundle of reuters pages that were already delivered loose.
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for s in stories["reuters"][:4]:
            data = render_reuters_web_text(s)
            info = tarfile.TarInfo(f"bundle/{s.guid.rsplit(':', 1)[-1]}.txt")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    (raw / "reuters-bundle.tar.gz").write_bytes(buf.getvalue())
    # A transfer that broke off half-way.
    (raw / "dpa" / "broken-transfer.xml").write_bytes(render_newsml_g2(stories["dpa"][4])[:400])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default="demo", help="directory for the raw dump and the lake")
    args = ap.parse_args(argv)
    out = Path(args.out).resolve()
    shutil.rmtree(out, ignore_errors=True)
    raw, lake = out / "raw", out / "lake"
    write_dump(raw)
    print(f"wrote a synthetic raw dump to {raw}")

    from flows.cli import run_ingest

    status = run_ingest([str(raw)], str(lake), None)
    if status:
        return status
    code = READ_LINES.format(lake=lake)
    print("\nread the lake with polars:\n")
    print("\n".join("    " + line for line in code.splitlines()))
    print()
    exec(compile(code, "demo", "exec"), {})  # run exactly the lines shown above
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
