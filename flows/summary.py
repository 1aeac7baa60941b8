"""Human-readable run summary (the CLI prints it; the demo ends with it)."""

from __future__ import annotations


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=False)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [fmt.format(*header), fmt.format(*["-" * w for w in widths])]
    lines += [fmt.format(*[str(x) for x in r]) for r in rows]
    return "\n".join("  " + line for line in lines)


def format_summary(manifest: dict) -> str:
    t = manifest["totals"]
    out = [
        f"run {manifest['run_id']} -> {manifest['lake']}",
        f"  {t['files']} files, {t['items_in']} items in: {t['stories']} stories, "
        f"{t['duplicates']} duplicates, {t['skipped']} skipped, {t['rejects']} rejects",
    ]
    if manifest.get("listed_objects") is not None:
        out.append(f"  {manifest['listed_objects']} raw objects listed: {t['files']} read "
                   f"({manifest.get('reread_objects', 0)} of them read before), "
                   f"{manifest.get('unchanged_objects', 0)} consumed by earlier runs and unchanged")
    recovered = manifest.get("recovered") or {}
    if recovered.get("staging_objects") or recovered.get("uncommitted_rejects"):
        out.append(f"  cleared what an interrupted run left: {recovered['staging_objects']} staging "
                   f"objects, {len(recovered['uncommitted_rejects'])} uncommitted rejects files")
    if manifest.get("stories_by_day_provider"):
        out.append("stories per day and provider:")
        out.append(_table([[r["date"] or "(no date)", r["provider"] or "(unknown)", r["stories"]]
                           for r in manifest["stories_by_day_provider"]],
                          ["date", "provider", "stories"]))
    for title, key in (("duplicates dropped", "duplicates_by_reason"),
                       ("skipped (not text stories)", "skipped_by_reason"),
                       ("rejects", "rejects_by_reason")):
        if manifest.get(key):
            out.append(f"{title}: " + ", ".join(f"{k} {v}" for k, v in manifest[key].items()))
    timings = manifest.get("timings_s") or {}
    if timings:
        out.append("timings: " + ", ".join(f"{k} {v:.2f}s" for k, v in timings.items()))
    return "\n".join(out)


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.0f}%"


def format_report(manifest: dict) -> str:
    """Per source format: files, items, outcomes, rejects by reason and fill rates."""
    header = ["format", "files", "items", "stories", "dups", "skipped", "rejects",
              "headline", "body", "published", "authors", "dateline"]
    rows = []
    for r in manifest.get("by_format", []):
        fill = r.get("fill") or {}
        rows.append([r["format"], r["files"], r["items_in"], r["stories"], r["duplicates"],
                     r["skipped"], r["rejects"], *[_pct(fill.get(k)) for k in
                                                   ("headline", "body", "published_at", "authors",
                                                    "dateline")]])
    t = manifest["totals"]
    out = [f"run {manifest['run_id']} ({manifest['started_at']}) -> {manifest['lake']}",
           f"  {t['files']} files, {t['items_in']} items in: {t['stories']} stories, "
           f"{t['duplicates']} duplicates, {t['skipped']} skipped, {t['rejects']} rejects",
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
