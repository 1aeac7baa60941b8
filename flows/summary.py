"""Human-readable run summary (the CLI prints it; the demo ends with it)."""

from __future__ import annotations


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=False)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [fmt.format(*header), fmt.format(*["-" * w for w in widths])]
    lines += [fmt.format(*[str(x) for x in r]) for r in rows]
    return "\n".join("  " + line.rstrip() for line in lines)


def _md_table(rows: list[list[str]], header: list[str]) -> str:
    def cells(r):
        return "| " + " | ".join(str(x).replace("|", "\\|") for x in r) + " |"
    return "\n".join([cells(header), "|" + "---|" * len(header), *[cells(r) for r in rows]])


FILL_FIELDS = ("headline", "body", "published_at", "authors", "dateline")


def summary_sections(manifest: dict) -> list[tuple[str, list[str], list[list]]]:
    """A run's summary as (title, header, rows) tables: what the CLI prints and the
    flow run's Prefect artifact shows, from the same rows."""
    t = manifest["totals"]
    sections = []
    inputs = [["raw objects listed", manifest.get("listed_objects", t["files"])],
              ["read", t["files"]],
              ["  of them read before (changed, or reprocess)", manifest.get("reread_objects", 0)],
              ["consumed by earlier runs, unchanged (not read)", manifest.get("unchanged_objects", 0)],
              ["items in", t["items_in"]],
              ["stories", t["stories"]],
              ["duplicates", t["duplicates"]],
              ["skipped", t["skipped"]],
              ["rejects", t["rejects"]]]
    recovered = manifest.get("recovered") or {}
    if recovered.get("staging_objects") or recovered.get("uncommitted_rejects"):
        inputs.append(["cleared: staging objects of interrupted runs", recovered["staging_objects"]])
        inputs.append(["cleared: uncommitted rejects files", len(recovered["uncommitted_rejects"])])
    if manifest.get("extract_workers"):
        inputs.append(["processes that parsed (host:pid)", len(manifest["extract_workers"])])
    if manifest.get("extract_tasks"):
        inputs.append(["extract tasks (a batch of files, or a part of a large one)", manifest["extract_tasks"]])
    sections.append(("inputs and outcomes", ["", "count"], inputs))
    for title, key in (("duplicates by reason", "duplicates_by_reason"),
                       ("skipped by reason (not text stories)", "skipped_by_reason"),
                       ("rejects by reason", "rejects_by_reason")):
        if manifest.get(key):
            sections.append((title, ["reason", "count"], [[k, v] for k, v in manifest[key].items()]))
    if manifest.get("by_format"):
        sections.append(("per source format (fill rates among kept stories)", *_format_table(manifest)))
    if manifest.get("stories_by_day_provider"):
        sections.append(("stories per day and provider", ["date", "provider", "stories"],
                         [[r["date"] or "(no date)", r["provider"] or "(unknown)", r["stories"]]
                          for r in manifest["stories_by_day_provider"]]))
    timings = manifest.get("timings_s") or {}
    if timings:
        peaks, cpu = manifest.get("peak_rss_mb") or {}, manifest.get("cpu_s") or {}
        sections.append(("stage timings", ["stage", "seconds", "CPU seconds", "peak RSS MiB"],
                         [[k, f"{v:.2f}", f"{cpu[k]:.2f}" if k in cpu else "-", peaks.get(k, "-")]
                          for k, v in timings.items()]))
    return sections


def _title(manifest: dict) -> str:
    return f"run {manifest['run_id']} -> {manifest['lake']}"


def _totals_line(t: dict) -> str:
    return (f"{t['files']} files, {t['items_in']} items in: {t['stories']} stories, {t['duplicates']} duplicates, "
            f"{t['skipped']} skipped, {t['rejects']} rejects")


def _text(title: str, totals: dict | None, sections: list) -> str:
    out = [title, *(["  " + _totals_line(totals)] if totals else [])]
    for name, header, rows in sections:
        out += [f"{name}:", _table(rows, header)]
    return "\n".join(out)


def _markdown(title: str, totals: dict | None, sections: list) -> str:
    out = [f"# wirelake {title}", "", *([_totals_line(totals), ""] if totals else [])]
    for name, header, rows in sections:
        out += [f"## {name}", "", _md_table(rows, header), ""]
    return "\n".join(out)


def format_summary(manifest: dict) -> str:
    """The run summary as the CLI prints it."""
    return _text(_title(manifest), manifest["totals"], summary_sections(manifest))


def summary_markdown(manifest: dict) -> str:
    """The run summary as markdown, for the flow run's Prefect artifact."""
    return _markdown(_title(manifest), manifest["totals"], summary_sections(manifest))


def backfill_sections(report: dict) -> list[tuple[str, list[str], list[list]]]:
    """A backfill's summary: what it chose to read, and each chunk's run."""
    t = report["totals"]
    inputs = [["raw objects listed", report["listed_objects"]],
              ["dated by their key", report["dated_by_key"]],
              ["dated by when they were written", report["dated_by_modified"]],
              ["outside the range (not read)", report["outside_range"]],
              *([["no date in their key: read for their stories of the range (--by published)",
                  report["undated_read_by_published"]]] if "undated_read_by_published" in report else []),
              ["in range, consumed earlier and unchanged (not read)", report["unchanged_objects"]],
              ["read", t["files"]],
              ["items in", t["items_in"]], ["stories", t["stories"]], ["duplicates", t["duplicates"]],
              ["skipped", t["skipped"]], ["rejects", t["rejects"]]]
    chunks = [[c["chunk"], c["run_id"], c["totals"]["files"], c["totals"]["items_in"], c["totals"]["stories"],
               c["totals"]["duplicates"], c["totals"]["skipped"], c["totals"]["rejects"]] for c in report["chunks"]]
    return [("inputs and outcomes", ["", "count"], inputs),
            ("chunks (one committed run each)",
             ["chunk", "run", "files", "items", "stories", "dups", "skipped", "rejects"], chunks)]


def _backfill_title(report: dict) -> str:
    title = (f"backfill {report['backfill_id']} of {report['start']}..{report['end']} -> {report['lake']}: "
             f"{len(report['chunks'])} chunks of {report['chunk_days']} day(s)")
    return f"{title}\nNOTHING READ: {report['nothing_read']}" if report.get("nothing_read") else title


def format_backfill(report: dict) -> str:
    return _text(_backfill_title(report), report["totals"], backfill_sections(report))


def backfill_markdown(report: dict) -> str:
    return _markdown(_backfill_title(report), report["totals"], backfill_sections(report))


def compact_sections(report: dict) -> list[tuple[str, list[str], list[list]]]:
    """A compaction's summary: partitions rewritten per table, rejects files merged."""
    tables = [[name, report[name]["partitions"], report[name]["rewritten"], report[name]["row_groups_before"],
               report[name]["row_groups_after"]] for name in ("items", "stories", "duplicates")]
    rej = report["rejects"]
    return [("partitions", ["table", "partitions", "rewritten", "row groups before", "after"], tables),
            ("rejects", ["per-run files merged", "into months"],
             [[rej["rejects_files_merged"], ", ".join(rej["months"]) or "-"]])]


def _compact_title(report: dict) -> str:
    return f"compaction {report['run_id']} of {report['lake']}"


def format_compact(report: dict) -> str:
    return _text(_compact_title(report), None, compact_sections(report))


def compact_markdown(report: dict) -> str:
    return _markdown(_compact_title(report), None, compact_sections(report))


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.0f}%"


def _format_table(manifest: dict) -> tuple[list[str], list[list]]:
    """Per source format: files, items, outcomes and the fill rates among kept stories."""
    header = ["format", "files", "items", "stories", "dups", "skipped", "rejects", *FILL_FIELDS]
    return header, [[r["format"], r["files"], r["items_in"], r["stories"], r["duplicates"], r["skipped"],
                     r["rejects"], *[_pct((r.get("fill") or {}).get(k)) for k in FILL_FIELDS]]
                    for r in manifest.get("by_format", [])]


def format_report(manifest: dict) -> str:
    """Per source format: files, items, outcomes, rejects by reason and fill rates."""
    header, rows = _format_table(manifest)
    out = [f"run {manifest['run_id']} ({manifest['started_at']}) -> {manifest['lake']}",
           "  " + _totals_line(manifest["totals"]),
           "", "per source format (fill rates among kept stories):", _table(rows, header)]
    rejected = [r for r in manifest.get("by_format", []) if r["rejects_by_reason"]]
    if rejected:
        out += ["", "rejects by format and reason:"]
        out += [f"  {r['format']}: " + ", ".join(f"{k} {v}" for k, v in r["rejects_by_reason"].items())
                for r in rejected]
    if manifest.get("skipped_by_reason"):
        out += ["", "skipped by reason: " + ", ".join(f"{k} {v}" for k, v in
                                                     manifest["skipped_by_reason"].items())]
    return "\n".join(out)
