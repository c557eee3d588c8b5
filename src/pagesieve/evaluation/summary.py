"""Per-page figures aggregated into the report's figures: per data set, type and site.

`summarize` turns what `extractors.run_pages` gives into the ``main_content``,
``all_gold_pages``, ``annotations`` and ``timing`` parts of the report.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from .extractors import HELDOUT, PAGESIEVE, wanted_labels
from .metrics import confusion_matrix, keep_metrics, label_figures, label_metrics
from .pages import DATASETS, GOLD_KIND

__all__ = ["summarize"]


def _mean(xs: Iterable[float | None]) -> float | None:
    vals = [x for x in xs if x is not None]
    return round(sum(vals) / len(vals), 6) if vals else None


def _site_means(by_site: Mapping[str, list[float]]) -> tuple[dict[str, float | None], float | None]:
    per = {s: _mean(v) for s, v in sorted(by_site.items())}
    return per, _mean(v for v in per.values() if v is not None)


def _rouge_summary(entries: Sequence[Mapping[str, Any]], name: str, field_: str = "rouge1"
                   ) -> dict[str, Any] | None:
    rows = [(e, e["extractors"][name]) for e in entries
            if name in e["extractors"] and field_ in e["extractors"][name]]
    if not rows:
        return None
    f1 = [f[field_]["f1"] for _, f in rows]
    by_type: dict[str, list[float]] = defaultdict(list)
    by_site: dict[str, list[float]] = defaultdict(list)
    for e, f in rows:
        by_type[e["type"]].append(f[field_]["f1"])
        by_site[e["site"]].append(f[field_]["f1"])
    per_site, site_mean = _site_means(by_site)
    lines = Counter[str]()
    site_lines: dict[str, Counter[str]] = defaultdict(Counter)
    for e, f in rows:
        if "lines" in f:
            lines.update(f["lines"])
            site_lines[e["site"]].update(f["lines"])

    def shares(c: Mapping[str, int]) -> dict[str, float | None]:
        return {
            "content_lines_kept": round(c["gold_lines_kept"] / c["gold_lines"], 6)
            if c.get("gold_lines") else None,
            "junk_lines_leaked": round(c["junk_lines"] / c["kept_lines"], 6)
            if c.get("kept_lines") else None,
            "junk_chars_leaked": round(c["junk_chars"] / c["kept_chars"], 6)
            if c.get("kept_chars") else None,
        }

    site_shares = {s: shares(c) for s, c in sorted(site_lines.items())}
    per_page = [shares(f["lines"]) for _, f in rows if "lines" in f]
    page_mean = {
        f"page_mean_{k}": _mean(x[k] for x in per_page)
        for k in ("content_lines_kept", "junk_lines_leaked", "junk_chars_leaked")
    }
    return {
        "pages": len(rows),
        "failures": sum(1 for _, f in rows if f.get("error")),
        "rouge1_f1": _mean(f1),
        "rouge1_p": _mean(f[field_]["p"] for _, f in rows),
        "rouge1_r": _mean(f[field_]["r"] for _, f in rows),
        "by_type": {
            t: {"pages": len(v), "rouge1_f1": _mean(v)} for t, v in sorted(by_type.items())
        },
        "by_site": per_site,
        "site_mean_rouge1_f1": site_mean,
        "lines": {**shares(lines), **page_mean, **dict(lines)},
        "lines_by_site": site_shares,
        "lines_site_mean": {
            k: _mean(v[k] for v in site_shares.values() if v[k] is not None)
            for k in ("content_lines_kept", "junk_lines_leaked", "junk_chars_leaked")
        },
    }


def _snippet_summary(entries: Sequence[Mapping[str, Any]], name: str) -> dict[str, Any] | None:
    rows = [e["extractors"][name]["snippets"] for e in entries
            if name in e["extractors"] and "snippets" in e["extractors"][name]]
    if not rows:
        return None
    c = Counter[str]()
    for r in rows:
        c.update(r)
    return {
        "pages": len(rows),
        "with_found_share": round(c["with_found"] / c["with_total"], 6)
        if c["with_total"] else None,
        "without_found_share": round(c["without_found"] / c["without_total"], 6)
        if c["without_total"] else None,
        **dict(c),
    }


def _labels_summary(entries: Sequence[Mapping[str, Any]], name: str) -> dict[str, Any] | None:
    """Per-label figures of a labelling extractor (pagesieve) on the annotated pages."""
    rows = [(e, e["extractors"][name]["labelled"]) for e in entries
            if name in e["extractors"] and "labelled" in e["extractors"][name]]
    if not rows:
        return None
    gold = [g for _, r in rows for g, _, _ in r]
    pred = [p for _, r in rows for _, p, _ in r]
    out = label_figures(gold, pred)
    out["pages"] = len(rows)
    out["unmapped_blocks"] = sum(
        int(e["extractors"][name].get("unmapped_blocks", 0)) for e, _ in rows
    )
    by_site: dict[str, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for e, r in rows:
        by_site[e["site"]][0].extend(g for g, _, _ in r)
        by_site[e["site"]][1].extend(p for _, p, _ in r)
    per_site = {s: label_metrics(confusion_matrix(g, p))["macro_f1"]
                for s, (g, p) in sorted(by_site.items())}
    out["by_site_macro_f1"] = per_site
    out["site_mean_macro_f1"] = _mean(v for v in per_site.values() if v is not None)
    # Keep/drop, comparable with the peers.
    wanted, kept, ads_kept, junk_kept, junk = [], [], 0, 0, 0
    for e, r in rows:
        want = wanted_labels(e["type"])
        for g, p, _ in r:
            wanted.append(g in want)
            kept.append(p in want)
            ads_kept += g == "ad" and p in want
            junk += g not in ("content", "comment")
            junk_kept += g not in ("content", "comment") and p in want
    out["keep"] = keep_metrics(wanted, kept)
    out["keep"].update({"ad_blocks_kept": ads_kept, "junk_blocks": junk,
                        "junk_blocks_kept": junk_kept})
    out["keep"]["by_site_f1"] = _keep_by_site(
        rows, lambda e, r: [(g, p in wanted_labels(e["type"])) for g, p, _ in r]
    )
    return out


def _keep_by_site(rows: Sequence[tuple[Mapping[str, Any], Any]],
                  pairs: Callable[[Mapping[str, Any], Any], list[tuple[str, bool]]]
                  ) -> dict[str, Any]:
    """Keep/drop F1 of the wanted blocks per site, and the mean over sites."""
    by_site: dict[str, tuple[list[bool], list[bool]]] = defaultdict(lambda: ([], []))
    for e, r in rows:
        want = wanted_labels(e["type"])
        for g, k in pairs(e, r):
            by_site[e["site"]][0].append(g in want)
            by_site[e["site"]][1].append(k)
    per = {s: keep_metrics(w, k)["f1"] for s, (w, k) in sorted(by_site.items())}
    return {"per_site": per, "mean": _mean(per.values())}


def _peer_keep_summary(entries: Sequence[Mapping[str, Any]], name: str) -> dict[str, Any] | None:
    rows = [(e, e["extractors"][name]["kept_blocks"]) for e in entries
            if name in e["extractors"] and "kept_blocks" in e["extractors"][name]]
    if not rows:
        return None
    wanted, kept, ads_kept, junk_kept, junk = [], [], 0, 0, 0
    for e, r in rows:
        want = wanted_labels(e["type"])
        for g, k in r:
            wanted.append(g in want)
            kept.append(bool(k))
            ads_kept += g == "ad" and bool(k)
            junk += g not in ("content", "comment")
            junk_kept += g not in ("content", "comment") and bool(k)
    out = keep_metrics(wanted, kept)
    out.update({"pages": len(rows), "ad_blocks_kept": ads_kept, "junk_blocks": junk,
                "junk_blocks_kept": junk_kept})
    out["by_site_f1"] = _keep_by_site(rows, lambda e, r: [(g, bool(k)) for g, k in r])
    return out


def _timing(entries: Sequence[Mapping[str, Any]], names: Sequence[str]) -> dict[str, Any]:
    out = {}
    for name in names:
        secs = [e["extractors"][name]["seconds"] for e in entries if name in e["extractors"]]
        fails = sum(1 for e in entries if name in e["extractors"]
                    and e["extractors"][name].get("error"))
        total = sum(secs)
        out[name] = {"pages": len(secs), "seconds": round(total, 3),
                     "pages_per_s": round(len(secs) / total, 2) if total > 0 else None,
                     "failures": fails}
    return out


def summarize(pages: Mapping[str, Mapping[str, Any]], names: Sequence[str]) -> dict[str, Any]:
    """Aggregate per-page figures: per data set, per type, per site (+ mean over sites)."""
    entries = list(pages.values())
    by_ds: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for e in entries:
        by_ds[e["dataset"]].append(e)
    main: dict[str, Any] = {}
    for ds in [d for d in (*DATASETS, *sorted(by_ds)) if d in by_ds]:
        if ds in main:
            continue
        es = by_ds[ds]
        block: dict[str, Any] = {"gold_kind": GOLD_KIND.get(ds, GOLD_KIND["folder"]),
                                 "pages": len(es), "extractors": {}}
        for name in names:
            s = _rouge_summary(es, name)
            snip = _snippet_summary(es, name)
            if s is None and snip is None:
                continue
            block["extractors"][name] = s or {}
            if snip is not None:
                block["extractors"][name]["snippets"] = snip
            if name in (PAGESIEVE, HELDOUT):
                c = _rouge_summary(es, name, "rouge1_content_only")
                if c is not None:
                    block["extractors"][f"{name}[content]"] = c
        if block["extractors"]:
            main[ds] = block
    # All gold pages together (gold and human gold only: silver/expected excluded).
    gold_entries = [e for e in entries if e.get("gold_kind") == "gold"]
    all_gold: dict[str, Any] = {}
    for name in names:
        s = _rouge_summary(gold_entries, name)
        if s is not None:
            all_gold[name] = s
        if name in (PAGESIEVE, HELDOUT):
            c = _rouge_summary(gold_entries, name, "rouge1_content_only")
            if c is not None:
                all_gold[f"{name}[content]"] = c
    ann: dict[str, Any] = {}
    ann_entries = [e for e in entries if e.get("annotated")]
    if ann_entries:
        ann["pages"] = len(ann_entries)
        ann["sites"] = len({e["site"] for e in ann_entries})
        for name in names:
            lab = _labels_summary(ann_entries, name)
            if lab is not None:
                ann[name] = lab
                continue
            keep = _peer_keep_summary(ann_entries, name)
            if keep is not None:
                ann[name] = {"keep": keep, "labels": "not available (the peer only keeps or drops)"}
    return {"main_content": main, "all_gold_pages": all_gold, "annotations": ann,
            "timing": _timing(entries, names)}
