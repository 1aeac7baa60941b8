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
