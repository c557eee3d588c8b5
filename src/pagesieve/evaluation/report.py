"""Writing and showing a report: the targets, the Markdown and JSON files, the figures, the
terminal summary.

Everything here reads a finished report (a dict of figures, never page text); nothing is
measured.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..environ import environ_set
from . import REPO
from .extractors import HELDOUT, HELDOUT_CONTENT, PAGESIEVE, PAGESIEVE_CONTENT
from .heldout import DEFAULT_HELDOUT_FOLDS, DEFAULT_HELDOUT_SYNTHETIC

__all__ = [
    "DEFAULT_REPORT",
    "HEADLINE_COLUMNS",
    "NOTEBOOK",
    "dump_report",
    "print_summary",
    "render_figures",
    "render_markdown",
    "targets",
    "write_report",
]

#: Where `write_report` writes by default, and the notebook `render_figures` executes.
DEFAULT_REPORT = REPO / "reports" / "evaluation.json"
NOTEBOOK = REPO / "notebooks" / "evaluation.ipynb"


def _f(x: Any, pct: bool = False) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if pct:
        return f"{100 * float(x):.1f}%"
    return f"{float(x):.3f}"


def _headline_rows(report: Mapping[str, Any]) -> list[list[str]]:
    """Rows: extractor, cwced ROUGE (mean, articles, forums, site mean), lines, labels, speed."""
    mc = report.get("main_content", {})
    cw = mc.get(_headline_dataset(report), {}).get("extractors", {})
    ann = report.get("annotations", {})
    timing = report.get("timing", {})
    rows = []
    names = list(report.get("meta", {}).get("extractors", []))
    for name in [*names, PAGESIEVE_CONTENT, HELDOUT_CONTENT]:
        s = cw.get(name)
        if s is None and name not in names:
            continue
        s = s or {}
        a = ann.get(name, {})
        keep = a.get("keep", {})
        t = timing.get(name, {})
        rows.append([
            name,
            _f(s.get("rouge1_f1")),
            _f(s.get("by_type", {}).get("article", {}).get("rouge1_f1")),
            _f(s.get("by_type", {}).get("forum", {}).get("rouge1_f1")),
            _f(s.get("site_mean_rouge1_f1")),
            _f(s.get("lines", {}).get("page_mean_content_lines_kept"), pct=True),
            _f(s.get("lines", {}).get("page_mean_junk_lines_leaked"), pct=True),
            _f(a.get("macro_f1")) if "macro_f1" in a else "n/a",
            f"{_f(keep.get('precision'))} / {_f(keep.get('recall'))}" if keep else "-",
            str(keep.get("ad_blocks_kept", "-")) if keep else "-",
            _f(t.get("pages_per_s")).rstrip("0").rstrip(".") if t.get("pages_per_s") else "-",
            str(t.get("failures", "-")),
        ])
    return rows


def _headline_dataset(report: Mapping[str, Any]) -> str:
    """cwced-zh when the report has it, else its first data set with ROUGE figures."""
    mc = report.get("main_content", {})
    if "cwced-zh" in mc:
        return "cwced-zh"
    for ds, block in mc.items():
        if any("rouge1_f1" in s for s in block.get("extractors", {}).values()):
            return str(ds)
    return "cwced-zh"


HEADLINE_COLUMNS = [
    "extractor", "R1-F1", "articles", "forums", "site mean", "content lines kept",
    "junk lines leaked", "annot. macro-F1", "annot. keep P / R", "ads kept", "pages/s", "failures",
]
#: The same, short, for the terminal.
_SHORT_COLUMNS = [
    "extractor", "R1-F1", "article", "forum", "site μ", "lines kept", "junk leak",
    "macro-F1", "keep P/R", "ads", "pages/s", "fail",
]


#: The model of the held-back-corpus rows: trained without the corpus text it is tested on.
HELDBACK = "pagesieve-heldback"
HELDBACK_ROWS = (
    "macro-F1 on composed seed-like pages, held-back corpora",
    "composed seed-like pages, held-back corpora: ad precision",
    "composed seed-like pages, held-back corpora: ad recall",
)


def targets(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The issue's "How well" targets against this report: held-out figures when present."""
    name = HELDOUT if HELDOUT in report.get("all_gold_pages", {}) else PAGESIEVE
    ag = report.get("all_gold_pages", {}).get(name, {})
    ann = report.get("annotations", {}).get(name, {})
    seed = report.get("seed_page") or {}
    ours = (report.get("seedlike") or {}).get("pooled", {})
    blind = (report.get("seedlike_blind") or {}).get("pooled", {})
    back = (report.get("heldback") or {}).get("seedlike", {})
    by_type = ag.get("by_type", {})
    lines = ag.get("lines", {})
    keep = ann.get("keep", {})
    rows: list[tuple[str, float | int | None, str, float]] = [
        ("ROUGE-1 F1, articles (human-gold pages)", by_type.get("article", {}).get("rouge1_f1"),
         ">=", 0.96),
        ("ROUGE-1 F1, forum threads, content+comment", by_type.get("forum", {}).get("rouge1_f1"),
         ">=", 0.85),
        ("content lines kept (mean over pages)", lines.get("page_mean_content_lines_kept"),
         ">=", 0.95),
        ("junk lines leaked (mean over pages)", lines.get("page_mean_junk_lines_leaked"),
         "<=", 0.01),
        ("content lines kept (pooled)", lines.get("content_lines_kept"), ">=", 0.95),
        ("junk lines leaked (pooled)", lines.get("junk_lines_leaked"), "<=", 0.01),
        ("junk characters leaked (pooled; for reference)", lines.get("junk_chars_leaked"),
         "<=", 0.01),
        ("third-party ad blocks kept (annotations)", keep.get("ad_blocks_kept"), "<=", 0),
        ("macro-F1 on the hand annotations", ann.get("macro_f1"), ">=", 0.85),
        ("macro-F1 on the seed page", seed.get("macro_f1"), ">=", 0.95),
        ("seed page ad precision", seed.get("ad", {}).get("precision"), ">=", 0.95),
        ("seed page ad recall", seed.get("ad", {}).get("recall"), ">=", 0.90),
        ("macro-F1 on our seed-like pages (pooled)", ours.get("macro_f1"), ">=", 0.95),
        ("seed-like pages ad precision", ours.get("ad", {}).get("precision"), ">=", 0.95),
        ("seed-like pages ad recall", ours.get("ad", {}).get("recall"), ">=", 0.90),
        ("macro-F1 on our blind seed-like pages (pooled)", blind.get("macro_f1"), ">=", 0.95),
        ("blind seed-like pages ad precision", blind.get("ad", {}).get("precision"), ">=", 0.95),
        ("blind seed-like pages ad recall", blind.get("ad", {}).get("recall"), ">=", 0.90),
        (HELDBACK_ROWS[0], back.get("macro_f1"), ">=", 0.95),
        (HELDBACK_ROWS[1], back.get("per_label", {}).get("ad", {}).get("precision"), ">=", 0.95),
        (HELDBACK_ROWS[2], back.get("per_label", {}).get("ad", {}).get("recall"), ">=", 0.90),
    ]
    out = []
    for what, value, op, goal in rows:
        ok = None if value is None else (value >= goal if op == ">=" else value <= goal)
        model = HELDBACK if what in HELDBACK_ROWS else name if "seed" not in what else PAGESIEVE
        out.append({"what": what, "model": model,
                    "value": value, "target": f"{op} {goal:g}", "met": ok})
    return out


def _md_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def render_markdown(report: Mapping[str, Any]) -> str:
    """The Markdown summary of a report (figures only)."""
    meta = report.get("meta", {})
    lines = [
        "# pagesieve evaluation",
        "",
        f"Created {meta.get('created')} on {meta.get('pages')} pages from {meta.get('sites')} "
        f"sites (`{meta.get('data')}`), in {meta.get('seconds')} s. Model sha256 "
        f"`{str(meta.get('model', {}).get('sha256'))[:12]}`. Peers: "
        + (", ".join(f"{k} {v}" for k, v in (meta.get("peer_versions") or {}).items() if v)
           or "none")
        + f". {meta.get('magic_html')}.",
        "",
        "Reproduce: `make evaluate`, i.e. `.venv/bin/pagesieve evaluate ../shared/data "
        "--report reports/evaluation.json` (held-out folds: `PAGESIEVE_EVAL_FOLDS`, default "
        f"{DEFAULT_HELDOUT_FOLDS}; synthetic pages per fold: `PAGESIEVE_EVAL_SYNTHETIC`, default "
        f"{DEFAULT_HELDOUT_SYNTHETIC}; figures: `notebooks/evaluation.ipynb`).",
        "",
    ]
    if meta.get("in_sample_warning"):
        lines += [f"> **In-sample warning.** {meta['in_sample_warning']}", ""]
    tg = targets(report)
    lines += ["## Targets (issue 3, \"How well\")", "",
              _md_table(["criterion", "model", "measured", "target", "met"],
                        [[t["what"], t["model"],
                          str(t["value"]) if isinstance(t["value"], int) else _f(t["value"]),
                          t["target"], {True: "yes", False: "**no**", None: "-"}[t["met"]]]
                         for t in tg]), ""]
    lines += [f"## Headline ({_headline_dataset(report)} main content, annotations, speed)", "",
              _md_table(HEADLINE_COLUMNS, _headline_rows(report)), ""]
    lines += [
        "ROUGE-1 F1 over jieba words, mean over pages; *site mean* = mean of per-site means. "
        "pagesieve keeps content (articles) / content+comment (forum threads); "
        "`[content]` rows keep content only. Line shares: mean over pages here (pooled over "
        "pages in the per-data-set tables and the JSON). Annotation keep P/R: "
        "precision/recall of the wanted blocks (content; content+comment on forums) among the "
        "blocks an extractor keeps (a peer keeps a block when its text is in the peer's output).",
        "",
    ]
    ho = meta.get("heldout")
    if ho and "folds" in ho:
        lines += ["## Held out by site (the honest figures)", "",
                  f"{ho['k']} folds over sites (seed {ho['seed']}); each fold's model is trained "
                  "without the fold's sites and evaluated on their pages only. Peers: same pages.",
                  ""]
        lines += [_md_table(["fold", "sites", "pages", "training pages", "seconds"],
                            [[str(f["fold"]), str(len(f["sites"])), str(f["pages"]),
                              str(f["training_pages"]), str(f["seconds"])] for f in ho["folds"]]),
                  ""]
        ag = report.get("all_gold_pages", {})
        rows = []
        for name in [HELDOUT, HELDOUT_CONTENT, *[n for n in meta.get("extractors", [])
                                                 if n not in (HELDOUT, PAGESIEVE)]]:
            s = ag.get(name)
            if not s:
                continue
            a = report.get("annotations", {}).get(name, {})
            rows.append([name, str(s["pages"]), _f(s["rouge1_f1"]),
                         _f(s["by_type"].get("article", {}).get("rouge1_f1")),
                         _f(s["by_type"].get("forum", {}).get("rouge1_f1")),
                         _f(s["site_mean_rouge1_f1"]),
                         _f(s["lines"].get("page_mean_content_lines_kept"), pct=True),
                         _f(s["lines"].get("page_mean_junk_lines_leaked"), pct=True),
                         _f(s["lines"].get("junk_chars_leaked"), pct=True),
                         _f(a.get("macro_f1")) if "macro_f1" in a else "n/a",
                         _f(a.get("site_mean_macro_f1")) if "macro_f1" in a else "n/a",
                         str(a.get("keep", {}).get("ad_blocks_kept", "-"))])
        lines += ["All pages with human gold (cwced-zh + webmainbench-zh):", "",
                  _md_table(["extractor", "pages", "R1-F1", "articles", "forums", "site mean",
                             "content lines kept", "junk lines leaked",
                             "junk chars leaked (pooled)", "annot. macro-F1",
                             "annot. site-mean macro-F1", "ads kept"], rows), ""]
    elif ho and "error" in ho:
        lines += ["## Held out by site", "", f"Not run: {ho['error']}", ""]
    # Other data sets.
    lines += ["## Per data set", ""]
    for ds, block in report.get("main_content", {}).items():
        lines += [f"### {ds} — {block['gold_kind']}, {block['pages']} pages", ""]
        rows = []
        for name, s in block["extractors"].items():
            snip = s.get("snippets")
            rows.append([name, str(s.get("pages", snip.get("pages") if snip else "-")),
                         _f(s.get("rouge1_f1")), _f(s.get("site_mean_rouge1_f1")),
                         _f(s.get("lines", {}).get("content_lines_kept"), pct=True),
                         _f(s.get("lines", {}).get("junk_lines_leaked"), pct=True),
                         _f(s.get("lines", {}).get("junk_chars_leaked"), pct=True),
                         _f(snip.get("with_found_share"), pct=True) if snip else "-",
                         _f(snip.get("without_found_share"), pct=True) if snip else "-",
                         str(s.get("failures", "-"))])
        lines += [_md_table(["extractor", "pages", "R1-F1", "site mean",
                             "content lines kept (pooled)", "junk lines leaked (pooled)",
                             "junk chars leaked (pooled)", "must-have found", "must-not found",
                             "failures"], rows), ""]
    ann = report.get("annotations", {})
    if ann:
        lines += [f"## Block labels on the hand annotations ({ann.get('pages')} pages, "
                  f"{ann.get('sites')} sites)", ""]
        for name in (HELDOUT, PAGESIEVE):
            a = ann.get(name)
            if not a or "per_label" not in a:
                continue
            lines += [f"**{name}**: macro-F1 {_f(a['macro_f1'])}, accuracy {_f(a['accuracy'])}, "
                      f"site-mean macro-F1 {_f(a['site_mean_macro_f1'])} over {a['blocks']} "
                      "blocks.", ""]
            lines += [_md_table(["label", "precision", "recall", "F1", "support"],
                                [[lab, _f(v["precision"]), _f(v["recall"]), _f(v["f1"]),
                                  str(v["support"])] for lab, v in a["per_label"].items()]), ""]
            cm = a["confusion"]
            lines += ["Confusion (rows gold, columns predicted):", "",
                      _md_table(["gold \\ pred", *cm["labels"]],
                                [[lab, *map(str, row)] for lab, row in
                                 zip(cm["labels"], cm["matrix"], strict=True)]), ""]
        rows = []
        for name in meta.get("extractors", []):
            k = ann.get(name, {}).get("keep")
            if k:
                rows.append([name, _f(k["precision"]), _f(k["recall"]), _f(k["f1"]),
                             f"{k['junk_blocks_kept']}/{k['junk_blocks']}",
                             str(k["ad_blocks_kept"]), _f(k["by_site_f1"]["mean"])])
        lines += ["Keep/drop of wanted blocks (peers cannot name labels, so only this):", "",
                  _md_table(["extractor", "precision", "recall", "F1", "junk blocks kept",
                             "ad blocks kept", "site-mean F1"], rows), ""]
    seed = report.get("seed_page")
    if seed:
        ad = seed["ad"]
        lines += ["## Seed page (`shared/examples/seed-page.txt`)", "",
                  f"pagesieve (shipped model): macro-F1 {_f(seed['macro_f1'])}, "
                  f"{seed['blocks_right']}/{seed['blocks']} blocks right; ad precision "
                  f"{_f(ad['precision'])}, recall {_f(ad['recall'])}. {seed['note']}.", ""]
    lines += _seedlike_markdown(report.get("seedlike"))
    lines += _seedlike_markdown(report.get("seedlike_blind"), blind=True)
    lines += _heldback_markdown(report.get("heldback"))
    t = report.get("timing", {})
    if t:
        lines += ["## Speed (one process, same pages, same run)", "",
                  _md_table(["extractor", "pages", "seconds", "pages/s", "failures"],
                            [[n, str(v["pages"]), str(v["seconds"]), str(v["pages_per_s"]),
                              str(v["failures"])] for n, v in t.items()]), ""]
    figs = meta.get("figures") or []
    if figs:
        lines += ["## Figures (`notebooks/evaluation.ipynb`)", ""]
        lines += [f"![{Path(f).stem}]({f})" for f in figs] + [""]
    st = meta.get("settings", {})
    lines += ["## How it is measured", ""] + [f"- **{k}**: {v}" for k, v in st.items()] + [""]
    return "\n".join(lines)


def _seedlike_markdown(sl: Mapping[str, Any] | None, *, blind: bool = False) -> list[str]:
    """The "Seed-like pages (ours)" section (or its blind set's): pooled figures, then one row
    a page."""
    if not sl:
        return []
    pooled = sl["pooled"]
    ad = pooled["ad"]
    title, folder = (("Seed-like pages, blind set (ours)", "data/seedlike-blind") if blind
                     else ("Seed-like pages (ours)", "data/seedlike"))
    lines = [f"## {title}", "",
             f"pagesieve on {len(sl['pages'])} pages of `{folder}`: pooled macro-F1 "
             f"{_f(pooled['macro_f1'])}, {pooled['blocks_right']}/{pooled['blocks']} blocks "
             f"right, {pooled['unmatched']} unmatched; ad precision {_f(ad['precision'])}, "
             f"recall {_f(ad['recall'])}. Note: {sl['note']}.", "",
             _md_table(["label", "precision", "recall", "F1", "support"],
                       [[lab, _f(v["precision"]), _f(v["recall"]), _f(v["f1"]),
                         str(v["support"])] for lab, v in pooled["per_label"].items()]), "",
             _md_table(["page", "macro-F1", "ad precision", "ad recall", "blocks right",
                        "unmatched"],
                       [[name, _f(v["macro_f1"]), _f(v["ad_precision"]), _f(v["ad_recall"]),
                         f"{v['blocks_right']}/{v['blocks']}", str(v["unmatched"])]
                        for name, v in sl["pages"].items()]), ""]
    return lines


def _heldback_markdown(hb: Mapping[str, Any] | None) -> list[str]:
    """The "Held-back corpora" section: seed-like and all composed pages, then per page type."""
    if not hb:
        return []
    if "error" in hb:
        return ["## Held-back corpora (composed pages)", "", f"Not run: {hb['error']}.", ""]
    fams = hb["families_held_back"]
    items = hb["corpus_items"]
    n_back = sum(v["held_back"] for v in items.values())
    n_all = n_back + sum(v["training"] for v in items.values())
    lines = ["## Held-back corpora (composed pages)", "",
             f"A model trained as `make model` trains, but without {n_back:,} of {n_all:,} corpus "
             f"items (one in five, by a stable hash of the text) and {len(fams)} of the composer's "
             f"site families, labels {hb['pages']} pages composed from what was held back "
             f"(seed {hb['seed']}). Optimistic: the layouts and template phrases are our "
             "composer's; it says whether ad, comment and teaser *text* never seen is "
             "recognised, not how real sites read (the held-out rows above do). Seed-like = "
             "news, content-farm and blog pages (an article with teasers, ads, comments, a "
             "footer). Reproduce: `.venv/bin/python bench/heldback_corpora.py --seed "
             f"{hb['seed']}`.", ""]
    rows = []
    for name, fig in [("seed-like", hb["seedlike"]), ("all", hb["all"]),
                      *hb["by_type"].items()]:
        per = fig["per_label"]
        rows.append([name, str(fig["blocks"]), _f(fig["macro_f1"]),
                     *(_f(per[lab]["f1"]) for lab in per),
                     _f(per["ad"]["precision"]), _f(per["ad"]["recall"])])
    labels = list(hb["all"]["per_label"])
    lines += [_md_table(["page type", "blocks", "macro-F1", *(f"{lab} F1" for lab in labels),
                         "ad precision", "ad recall"], rows), ""]
    return lines


def check_report_path(report: Path | None) -> tuple[Path, Path]:
    """The report's two paths, or `ValueError` saying why they cannot be written: checked
    before an evaluation of many minutes, not after it. The folder that holds them is made
    only where its own parent exists (a typo must not build folders from ``/`` down)."""
    jpath, mpath = _report_paths(report)
    for p in (jpath, mpath):
        if p.is_dir():
            raise ValueError(f"--report: {p} is a folder")
    folder = jpath.parent
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"--report: {folder} exists and is not a folder")
    if not folder.exists() and not folder.parent.is_dir():
        raise ValueError(f"--report: no such folder {folder.parent}")
    where = folder if folder.exists() else folder.parent
    if not os.access(where, os.W_OK):
        raise ValueError(f"--report: cannot write to {where}")
    return jpath, mpath


def _report_paths(report: Path | None) -> tuple[Path, Path]:
    """A ``.json`` or ``.md`` file names both (the other beside it); a folder, or a name
    without a suffix, holds ``evaluation.json`` and ``evaluation.md``. Another suffix is an
    error: ``--report r.txt`` made a folder ``r.txt/``."""
    if report is None:
        return DEFAULT_REPORT, DEFAULT_REPORT.with_suffix(".md")
    report = Path(report)
    suffix = report.suffix.lower()
    if suffix == ".json":
        return report, report.with_suffix(".md")
    if suffix == ".md":
        return report.with_suffix(".json"), report
    if suffix and not report.is_dir():
        raise ValueError(f"--report names a .json or .md file, or a folder, not {report}")
    return report / "evaluation.json", report / "evaluation.md"


def dump_report(report: Mapping[str, Any]) -> str:
    """The report as JSON: indented, except one compact line per page under ``pages``."""
    rest = {k: v for k, v in report.items() if k != "pages"}
    head = json.dumps(rest, ensure_ascii=False, indent=1)
    pages = report.get("pages", {})
    body = ",\n".join(
        f"  {json.dumps(k, ensure_ascii=False)}: "
        + json.dumps(v, ensure_ascii=False, separators=(",", ":"))
        for k, v in pages.items()
    )
    block = '"pages": {\n' + body + "\n }"
    if rest:
        return head[:-2] + ",\n " + block + "\n}\n"
    return "{\n " + block + "\n}\n"


def write_report(report: Mapping[str, Any], path: Path | None = None) -> tuple[Path, Path]:
    """Write the JSON report and its Markdown summary; returns both paths."""
    jpath, mpath = check_report_path(path)
    jpath.parent.mkdir(exist_ok=True)
    tmp = jpath.with_suffix(".json.tmp")
    tmp.write_text(dump_report(report), encoding="utf-8")
    os.replace(tmp, jpath)
    mpath.write_text(render_markdown(report), encoding="utf-8")
    return jpath, mpath


def render_figures(
    json_path: Path, figures: Path | None = None, *, timeout: int = 300
) -> tuple[list[Path], str | None]:
    """Execute ``notebooks/evaluation.ipynb`` on a written report, headless, so its figures
    (confusion matrix, precision-recall curves, per-site F1) land in `figures` (default: a
    ``figures`` folder beside the report). Returns (figure files, reason when skipped)."""
    figures = figures or Path(json_path).parent / "figures"
    if not NOTEBOOK.is_file():
        return [], f"notebook not found ({NOTEBOOK})"
    try:
        import nbclient
        import nbformat
    except ImportError as exc:
        return [], f"nbclient/nbformat not installed ({exc}); pip install 'pagesieve[dev]'"
    paths = {"PAGESIEVE_EVAL_REPORT": str(Path(json_path).resolve()),
             "PAGESIEVE_FIGURES": str(Path(figures).resolve())}
    try:
        with environ_set(paths):  # the notebook's kernel reads them
            nb = nbformat.read(NOTEBOOK, as_version=4)
            nbclient.NotebookClient(
                nb, timeout=timeout, kernel_name="python3",
                resources={"metadata": {"path": str(NOTEBOOK.parent)}},
            ).execute()
    except Exception as exc:  # a figure failure must not lose the report
        return [], f"notebook failed: {type(exc).__name__}"
    return sorted(Path(figures).glob("*.png")), None


def print_summary(report: Mapping[str, Any], console: Any | None = None) -> None:
    """The headline table, in colour, on the terminal."""
    from rich.console import Console
    from rich.table import Table

    if console is None:
        console = Console()
        if not console.is_terminal:
            console = Console(width=160)
    table = Table(title=f"pagesieve vs peers ({_headline_dataset(report)} main content; "
                        "annotations; speed)")
    for i, c in enumerate(_SHORT_COLUMNS):
        table.add_column(c, justify="left" if i == 0 else "right", no_wrap=i == 0)
    from rich.markup import escape

    for row in _headline_rows(report):
        style = "bold green" if row[0].startswith(HELDOUT) else (
            "green" if row[0].startswith(PAGESIEVE) else None)
        table.add_row(*(escape(c) for c in row), style=style)
    console.print(table)
    ag = report.get("all_gold_pages", {})
    if HELDOUT in ag:
        s = ag[HELDOUT]
        console.print(
            f"[bold]held out by site[/] (all human-gold pages): ROUGE-1 F1 {_f(s['rouge1_f1'])}, "
            f"articles {_f(s['by_type'].get('article', {}).get('rouge1_f1'))}, forums "
            f"{_f(s['by_type'].get('forum', {}).get('rouge1_f1'))}; lines kept "
            f"{_f(s['lines'].get('page_mean_content_lines_kept'), True)}, junk leaked "
            f"{_f(s['lines'].get('page_mean_junk_lines_leaked'), True)} (mean over pages; "
            f"pooled {_f(s['lines']['content_lines_kept'], True)} / "
            f"{_f(s['lines']['junk_lines_leaked'], True)})"
        )
    seed = report.get("seed_page")
    if seed:
        console.print(f"seed page: macro-F1 {_f(seed['macro_f1'])}, ad P/R "
                      f"{_f(seed['ad']['precision'])}/{_f(seed['ad']['recall'])}")
    for key, what in (("seedlike", "ours"), ("seedlike_blind", "ours, blind")):
        sl = report.get(key)
        if sl:
            pooled = sl["pooled"]
            console.print(f"seed-like pages ({what}, {len(sl['pages'])}): macro-F1 "
                          f"{_f(pooled['macro_f1'])}, ad P/R {_f(pooled['ad']['precision'])}/"
                          f"{_f(pooled['ad']['recall'])}, {pooled['blocks_right']}/"
                          f"{pooled['blocks']} blocks right")
    hb = (report.get("heldback") or {}).get("seedlike")
    if hb:
        console.print(f"composed seed-like pages, held-back corpora: macro-F1 "
                      f"{_f(hb['macro_f1'])}, ad P/R {_f(hb['per_label']['ad']['precision'])}/"
                      f"{_f(hb['per_label']['ad']['recall'])}")
    warn = report.get("meta", {}).get("in_sample_warning")
    if warn:
        console.print(f"[yellow]{warn}[/]")
