"""`pagesieve evaluate`: pagesieve against the peer extractors on real pages, split by site.

What is measured (every figure per site too, and the mean over sites):

- **Main content** - ROUGE-1 F1 over jieba words of the kept text against the gold text (`rouge1`):
  words from `pagesieve.tokenize.tokenize` (NFKC, lower case), keeping only tokens with at least one
  letter or digit (punctuation, symbols and whitespace are dropped), multiset overlap. A page's
  figure is computed per page; a data set's figure is the mean over its pages. pagesieve keeps
  ``content`` on articles and ``content`` + ``comment`` on forum threads (see `page_type`); the
  content-only figure is reported beside it.
- **Lines** (`line_figures`) - share of gold lines found in the kept text, and share of kept lines
  that are junk (not found in the gold). Lines are compared after NFKC/lower-casing and dropping
  everything but letters and digits; a gold line counts as kept when >= 80 % of its character
  4-grams are in the kept text, a kept line counts as content when >= 50 % of its 4-grams are in
  the gold (lines under 4 characters: substring test). Pooled over pages.
- **Block labels** on the hand annotations (``data/annotations/*.jsonl``) and on the seed page:
  per-label precision/recall/F1, macro-F1 (over labels present in the gold or the predictions) and
  the confusion matrix. Peers cannot name labels: for them a block is "kept" when its text is found
  in their output (same matching rule as a gold line), and the report gives keep/drop precision and
  recall of the wanted blocks (content; content + comment on forum threads), junk kept, ads kept.
- **Held out by site** (`evaluate_heldout`) - the honest figure: the sites of the evaluation pages
  are split into folds; for each fold a model is trained without those sites
  (``build_dataset(..., exclude_hosts=...)``) and evaluated on their pages only.
- **Speed** - pages per second of every extractor, in this process, on the same pages.

Data (``../shared/data``): ``cwced-zh`` (gold), ``gne-testpages`` (GNE's own 2019 output for 20
pages: *silver*, and biased towards gne), ``readability-zh`` (Readability.js's expected output:
biased towards readability), ``trafilatura-zh`` (snippet checks only: biased towards
trafilatura), ``webmainbench-zh`` (human gold, markdown), plus every annotated page. Reports hold
figures only, never page text.
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import time
import unicodedata
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .environ import environ_set
from .types import LABELS

__all__ = [
    "EvalPage",
    "confusion_matrix",
    "evaluate_command",
    "evaluate_heldout",
    "infer_site",
    "label_metrics",
    "line_figures",
    "load_eval_pages",
    "load_gold",
    "merge_sites",
    "page_metrics",
    "page_type",
    "quick_metrics",
    "render_figures",
    "render_markdown",
    "rouge1",
    "run_evaluation",
    "seed_page_metrics",
    "seedlike_metrics",
    "summarize",
    "targets",
    "text_found",
    "words",
    "write_report",
]

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SHARED = REPO.parent / "shared"
DEFAULT_ANNOTATIONS = REPO / "data" / "annotations"
DEFAULT_REPORT = REPO / "reports" / "evaluation.json"

#: Data sets read from the shared data folder, in report order.
DATASETS = (
    "cwced-zh",
    "gne-testpages",
    "readability-zh",
    "trafilatura-zh",
    "webmainbench-zh",
    "gerapy-samples",
)
GOLD_KIND = {
    "cwced-zh": "gold (hand-copied main text)",
    "gne-testpages": "silver (GNE's own 2019 output; favours gne)",
    "readability-zh": "expected output of Readability.js (favours readability)",
    "trafilatura-zh": "snippets that must / must not appear (favours trafilatura)",
    "webmainbench-zh": "gold (human markdown)",
    "gerapy-samples": "none (annotations only)",
    "folder": "gold (.gold.txt beside the page)",
}
PAGESIEVE = "pagesieve"
PAGESIEVE_CONTENT = "pagesieve[content]"
HELDOUT = "pagesieve-heldout"
HELDOUT_CONTENT = "pagesieve-heldout[content]"
MAGIC_HTML_NOTE = "magic-html skipped: it requires Python >= 3.12 (this environment: Python 3.11)"

#: Held-out folds of `evaluate_command`, and synthetic training pages per fold (the shipped
#: model uses build_dataset's default, 1600): ~1-2 minutes a fold on two shared cores.
DEFAULT_HELDOUT_FOLDS = 3
DEFAULT_HELDOUT_SYNTHETIC = 400

#: Matching thresholds (share of character 4-grams), see the module docstring.
GRAM = 4
KEEP_THRESHOLD = 0.8
CONTENT_THRESHOLD = 0.5


# ==============================================================================================
# Text metrics
# ==============================================================================================
def _is_word(tok: str) -> bool:
    return any(unicodedata.category(ch)[0] in "LN" for ch in tok)


def words(text: str) -> list[str]:
    """jieba words of `text` (normalised), without pure punctuation / symbol / space tokens."""
    from .tokenize import tokenize

    return [t for t in tokenize(text or "", max_chars=0) if _is_word(t)]


@dataclass(frozen=True, slots=True)
class PRF:
    precision: float
    recall: float
    f1: float

    def as_dict(self) -> dict[str, float]:
        return {"p": round(self.precision, 6), "r": round(self.recall, 6), "f1": round(self.f1, 6)}


def _prf(overlap: float, n_pred: float, n_gold: float) -> PRF:
    if n_pred == 0 and n_gold == 0:
        return PRF(1.0, 1.0, 1.0)
    p = overlap / n_pred if n_pred else 0.0
    r = overlap / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return PRF(p, r, f)


def rouge1(pred: str | Sequence[str], gold: str | Sequence[str]) -> PRF:
    """ROUGE-1 precision/recall/F1 (multiset word overlap); strings are split with `words`.

    Both empty gives 1.0; one empty gives 0.0.
    """
    pw = words(pred) if isinstance(pred, str) else list(pred)
    gw = words(gold) if isinstance(gold, str) else list(gold)
    overlap = sum((Counter(pw) & Counter(gw)).values())
    return _prf(overlap, len(pw), len(gw))


def norm_chars(text: str) -> str:
    """NFKC, lower case, letters and digits only (for line matching)."""
    t = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in t if unicodedata.category(ch)[0] in "LN")


def _grams(s: str) -> set[str]:
    return {s[i : i + GRAM] for i in range(len(s) - GRAM + 1)}


@dataclass(slots=True)
class _Target:
    """A text prepared for line matching: its normalised form and its 4-gram set."""

    joined: str
    grams: set[str]
    lines: list[str]

    @classmethod
    def of(cls, text: str) -> _Target:
        lines = [n for n in (norm_chars(x) for x in (text or "").split("\n")) if n]
        joined = "\n".join(lines)
        grams: set[str] = set()
        for ln in lines:
            grams |= _grams(ln)
        return cls(joined, grams, lines)


def _found(line: str, target: _Target, threshold: float) -> bool:
    if not line:
        return False
    if len(line) < GRAM:
        return line in target.joined
    g = _grams(line)
    return sum(1 for x in g if x in target.grams) / len(g) >= threshold


def text_found(text: str, output: str | _Target, threshold: float = KEEP_THRESHOLD) -> bool:
    """True when `text` (normalised) is found in `output`: >= `threshold` of its 4-grams, or,
    under 4 characters, as a substring of one output line at most 4x its length + 4."""
    target = output if isinstance(output, _Target) else _Target.of(output)
    n = norm_chars(text)
    if not n:
        return False
    if len(n) < GRAM:
        return any(n in ln and len(ln) <= 4 * len(n) + 4 for ln in target.lines)
    return _found(n, target, threshold)


def line_figures(kept: str, gold: str) -> dict[str, int]:
    """Line counts: gold lines, gold lines found in `kept`, kept lines, kept lines not in gold."""
    kt, gt = _Target.of(kept), _Target.of(gold)
    gold_kept = sum(1 for ln in gt.lines if _found(ln, kt, KEEP_THRESHOLD))
    junk = [ln for ln in kt.lines if not _found(ln, gt, CONTENT_THRESHOLD)]
    return {
        "gold_lines": len(gt.lines),
        "gold_lines_kept": gold_kept,
        "kept_lines": len(kt.lines),
        "junk_lines": len(junk),
        # The same by characters (letters and digits): short junk lines weigh little.
        "kept_chars": sum(len(ln) for ln in kt.lines),
        "junk_chars": sum(len(ln) for ln in junk),
    }


# ==============================================================================================
# Label metrics
# ==============================================================================================
def confusion_matrix(
    gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] = LABELS
) -> list[list[int]]:
    """Rows: gold label, columns: predicted label, in `labels` order."""
    idx = {lab: i for i, lab in enumerate(labels)}
    cm = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, pred, strict=True):
        cm[idx[g]][idx[p]] += 1
    return cm


def label_metrics(cm: Sequence[Sequence[int]], labels: Sequence[str] = LABELS) -> dict[str, Any]:
    """Per-label precision/recall/F1/support and macro-F1 from a confusion matrix.

    Macro-F1 averages the labels present in the gold or the predictions (a label never seen and
    never predicted is left out, not counted as 1 or 0).
    """
    n = len(labels)
    per: dict[str, dict[str, float]] = {}
    f1s: list[float] = []
    total = sum(sum(r) for r in cm)
    correct = sum(cm[i][i] for i in range(n))
    for i, lab in enumerate(labels):
        tp = cm[i][i]
        support = sum(cm[i])
        predicted = sum(cm[r][i] for r in range(n))
        p = tp / predicted if predicted else 0.0
        r = tp / support if support else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        per[lab] = {"precision": round(p, 6), "recall": round(r, 6), "f1": round(f, 6),
                    "support": support, "predicted": predicted}
        if support or predicted:
            f1s.append(f)
    return {
        "per_label": per,
        "macro_f1": round(sum(f1s) / len(f1s), 6) if f1s else None,
        "accuracy": round(correct / total, 6) if total else None,
        "blocks": total,
    }


def _label_figures(gold: Sequence[str], pred: Sequence[str]) -> dict[str, Any]:
    """`label_metrics` of (gold, predicted) block labels, with their confusion matrix."""
    cm = confusion_matrix(gold, pred)
    out = label_metrics(cm)
    out["confusion"] = {"labels": list(LABELS), "matrix": cm}
    return out


def keep_metrics(wanted: Sequence[bool], kept: Sequence[bool]) -> dict[str, Any]:
    """Keep/drop precision and recall of the wanted blocks."""
    tp = sum(1 for w, k in zip(wanted, kept, strict=True) if w and k)
    n_kept = sum(kept)
    n_wanted = sum(wanted)
    prf = _prf(tp, n_kept, n_wanted)
    return {"precision": round(prf.precision, 6), "recall": round(prf.recall, 6),
            "f1": round(prf.f1, 6), "wanted": n_wanted, "kept": n_kept}


# ==============================================================================================
# Pages
# ==============================================================================================
@dataclass(slots=True)
class EvalPage:
    """One real page to evaluate on (text stays in memory, never in a report)."""

    key: str  # "<dataset>/<id>", the annotation key
    dataset: str
    site: str
    data: bytes  # page bytes as stored (UTF-8 for the shared copies)
    html: str  # the same, decoded, for the peers
    title: str | None = None
    url: str | None = None
    gold: str | None = None
    gold_kind: str | None = None
    snippets_with: tuple[str, ...] = ()
    snippets_without: tuple[str, ...] = ()
    type: str = "article"
    annotated: bool = False
    #: Every host name this page's site goes by (here and in the training data), for exclusion.
    aliases: set[str] = field(default_factory=set)
    extra: dict[str, Any] = field(default_factory=dict)


#: Share, licence, analytics and ad-server domains: links to them say nothing about the site.
_GENERIC_DOMAINS = frozenset({
    "weibo.com", "miit.gov.cn", "beian.gov.cn", "discuz.net", "comsenz.com", "mediaplex.com",
    "doubleclick.net", "google.com", "googleapis.com", "cnzz.com", "51.la", "12377.cn", "conac.cn",
    "w3.org", "adobe.com", "macromedia.com", "microsoft.com", "facebook.com", "twitter.com",
    "qzone.qq.com", "baidu.com", "allyes.com", "hanweb.com", "creativecommons.org",
    "wikimedia.org", "archive.org", "doi.org",
})
_TWO_LEVEL = frozenset({"com", "net", "org", "gov", "edu", "ac", "co"})


def registered_domain(host: str | None) -> str | None:
    """``news.sina.com.cn`` -> ``sina.com.cn``; ``www.sohu.com`` -> ``sohu.com``; IPs -> None."""
    if not host:
        return None
    h = host.lower().strip(".").split(":")[0]
    if not h or re.fullmatch(r"[\d.]+", h) or "." not in h:
        return None
    parts = h.split(".")
    if len(parts) >= 3 and parts[-2] in _TWO_LEVEL and len(parts[-1]) == 2:
        return ".".join(parts[-3:])
    return ".".join(parts[-2:])


_URL_HINTS = (
    re.compile(r"saved from url=\(\d+\)(\S+?)\s*-->", re.I),
    re.compile(r"<link[^>]+rel=[\"']?canonical[\"']?[^>]*href=[\"']([^\"']+)", re.I),
    re.compile(r"<link[^>]+href=[\"']([^\"']+)[\"'][^>]*rel=[\"']?canonical", re.I),
    re.compile(r"<meta[^>]+property=[\"']og:url[\"'][^>]*content=[\"']([^\"']+)", re.I),
)
_HREF = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*["']?((?:https?:)?//[^"'\s>]+)""", re.I)


def _host_of(url: str) -> str | None:
    if url.startswith("//"):
        url = "http:" + url
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


#: Portal names in a page title, for pages that carry no URL and few links.
_TITLE_BRANDS = (
    ("网易", "163.com"), ("新浪", "sina.com.cn"), ("搜狐", "sohu.com"), ("雅虎", "yahoo.com"),
    ("腾讯", "qq.com"), ("凤凰网", "ifeng.com"), ("人民网", "people.com.cn"),
    ("新华网", "xinhuanet.com"), ("央视", "cctv.com"), ("CCTV", "cctv.com"),
)


def infer_site(
    html: str, url: str | None = None, fallback: str = "unknown", title: str | None = None
) -> str:
    """The site of a page, as a registered domain (``sohu.com``).

    From the page URL; else a "saved from url" comment, a canonical link or ``og:url``; else the
    domain most links point to (at least 3 links, share/ICP/analytics domains ignored); else a
    portal name in the title (网易 -> 163.com, 新浪, 搜狐, 雅虎, 腾讯, 凤凰网, 人民网, 新华网,
    央视); else `fallback`. Pages of one site land in one fold of the held-out evaluation.
    """
    for cand in [url, *(m.group(1) for rx in _URL_HINTS if (m := rx.search(html[:200_000])))]:
        if cand:
            dom = registered_domain(_host_of(cand))
            if dom and "archive.org" not in dom:
                return dom
    counts: Counter[str] = Counter()
    for m in _HREF.finditer(html):
        dom = registered_domain(_host_of(m.group(1)))
        if dom and dom not in _GENERIC_DOMAINS:
            counts[dom] += 1
    if counts:
        dom, n = counts.most_common(1)[0]
        if n >= 3:
            return dom
    for brand, dom in _TITLE_BRANDS:
        if title and brand in title:
            return dom
    return fallback


_FORUM_NAME = re.compile(r"论坛|社区|bbs|discuz|贴吧|archiver", re.I)
_TITLE_SPLIT = re.compile(r"\s[-_|:：·—–]+\s|[-_|·—–]{1,2}|::|[\[\]【】〖〗]")
_FORUM_FURNITURE = re.compile(
    r"回复此帖|引用此帖|收藏此帖|只看该作者|当值版主|楼层\s*[:：]|第\s*\d+\s*楼(?![盘房])"
)
_OP = re.compile(r"楼主")


def page_type(title: str | None, visible_text: str) -> str:
    """'forum' for a forum thread, else 'article'.

    A simple documented rule: a part of the title other than the first (the site-name part,
    after a separator such as " - ", "_", "|", "::" or inside brackets) names a forum (论坛, 社区,
    BBS, Discuz, 贴吧, Archiver); or the visible text has thread furniture (回复此帖, 引用此帖,
    收藏此帖, 只看该作者, 当值版主, "楼层:", "第 N 楼"), or says 楼主 (original poster) at
    least twice. A comment section under a news story ("全部楼层") does not make a thread.
    """
    if title:
        parts = [x for x in _TITLE_SPLIT.split(title) if x and x.strip()]
        if any(_FORUM_NAME.search(x) for x in parts[1:]):
            return "forum"
    if _FORUM_FURNITURE.search(visible_text) or len(_OP.findall(visible_text)) >= 2:
        return "forum"
    return "article"


def _visible_text(html: str) -> tuple[str | None, str]:
    """(title, visible body text) with selectolax; scripts and styles dropped."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    title_node = tree.css_first("title")
    title = title_node.text(strip=True) if title_node is not None else None
    for node in tree.css("script, style, noscript, template"):
        node.decompose()
    body = tree.body
    return title or None, (body.text(separator=" ") if body is not None else "")


def _markdown_to_text(md: str) -> str:
    """Human gold in markdown to plain lines (markup dropped; words are what ROUGE reads)."""
    out = []
    in_code = False
    for line in md.splitlines():
        s = line.strip()
        if s.startswith("```"):
            in_code = not in_code
            continue
        s = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", s)
        s = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", s)
        s = re.sub(r"^(#{1,6}\s+|[-*+]\s+|\d+\.\s+|>\s*)", "", s)
        s = s.replace("**", "").replace("`", "").strip("| ")
        if re.fullmatch(r"[-:| ]*", s):
            continue
        out.append(s)
    return "\n".join(out)


def _short_hash(text: str) -> str:
    import hashlib

    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def _read_text(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace")


def _jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _page(key: str, dataset: str, data: bytes, *, site_fallback: str, url: str | None = None,
          title: str | None = None, **kw: Any) -> EvalPage:
    html = data.decode("utf-8", errors="replace")
    vis_title, text = _visible_text(html)
    title = title or vis_title
    site = infer_site(html, url, fallback=site_fallback, title=title)
    return EvalPage(key=key, dataset=dataset, site=site, data=data, html=html, title=title,
                    url=url, type=page_type(title, text), **kw)


def _load_cwced(root: Path) -> list[EvalPage]:
    out = []
    for rec in _jsonl(root / "index.jsonl"):
        title = rec.get("title")
        # Same title, same unknown site; hashed so no page text reaches the report.
        fb = f"cwced-zh:t{_short_hash(title)}" if title else f"cwced-zh:{rec['id'][:8]}"
        out.append(_page(
            f"cwced-zh/{rec['id']}", "cwced-zh", (root / rec["html"]).read_bytes(),
            site_fallback=fb, url=rec.get("url"), title=title,
            gold=_read_text(root / rec["gold"]), gold_kind="gold",
        ))
    return out


def _load_gne(root: Path) -> list[EvalPage]:
    silver = {r["path"]: r for r in _jsonl(root / "silver_gne_2019.jsonl")} if (
        root / "silver_gne_2019.jsonl").is_file() else {}
    out = []
    for rec in _jsonl(root / "index.jsonl"):
        rel = rec["path"]
        s = silver.get(rel)
        out.append(_page(
            f"gne-testpages/{rel.removesuffix('.html')}", "gne-testpages",
            (root / rel).read_bytes(), site_fallback=f"gne:{rec.get('site_dir')}",
            url=rec.get("url"), title=rec.get("title"),
            gold=(str(s["content"]) if s else None), gold_kind=("silver" if s else None),
        ))
    return out


def _load_readability(root: Path) -> list[EvalPage]:
    from .peers import html_to_text

    out = []
    for d in sorted(p for p in root.iterdir() if (p / "source.html").is_file()):
        exp = d / "expected.html"
        out.append(_page(
            f"readability-zh/{d.name}", "readability-zh", (d / "source.html").read_bytes(),
            site_fallback=f"readability:{d.name}",
            gold=html_to_text(_read_text(exp)) if exp.is_file() else None,
            gold_kind="expected" if exp.is_file() else None,
        ))
    return out


def _load_trafilatura(root: Path) -> list[EvalPage]:
    out = []
    for rec in _jsonl(root / "index.jsonl"):
        stem = Path(rec["file"]).stem
        url = rec.get("url")
        if url and "web.archive.org" in url:  # the archived page's own site
            m = re.search(r"/web/\d+/(.+)$", url)
            url = m.group(1) if m else url
        out.append(_page(
            f"trafilatura-zh/{stem}", "trafilatura-zh", (root / rec["file"]).read_bytes(),
            site_fallback=f"trafilatura:{stem}", url=url,
            snippets_with=tuple(rec.get("with") or ()),
            snippets_without=tuple(rec.get("without") or ()),
        ))
    return out


def _load_webmainbench(root: Path) -> list[EvalPage]:
    out = []
    for i, rec in enumerate(_jsonl(root / "samples.jsonl")):
        ident = rec.get("track_id") or str(i)
        out.append(_page(
            f"webmainbench-zh/{ident}", "webmainbench-zh", str(rec["html"]).encode("utf-8"),
            site_fallback=f"webmainbench:{ident}", url=rec.get("url"),
            gold=_markdown_to_text(str(rec.get("groundtruth_content") or "")), gold_kind="gold",
        ))
    return out


def _load_gerapy(root: Path, keys: set[str]) -> list[EvalPage]:
    """Only the annotated gerapy pages (no gold text)."""
    out = []
    for f in sorted((root / "samples").rglob("*.html")):
        key = f"gerapy-samples/{f.relative_to(root).with_suffix('').as_posix()}"
        if key in keys:
            out.append(
                _page(key, "gerapy-samples", f.read_bytes(), site_fallback=f"gerapy:{f.stem}")
            )
    return out


def _load_folder(folder: Path) -> list[EvalPage]:
    """Any folder: every .html/.htm page with its gold text in ``<stem>.gold.txt`` or
    ``<stem>.txt`` beside it (pages without gold are kept for annotations)."""
    out = []
    for f in sorted([*folder.rglob("*.html"), *folder.rglob("*.htm")]):
        gold_file = next((g for g in (f.with_suffix(".gold.txt"), f.with_suffix(".txt"))
                          if g.is_file()), None)
        rel = f.relative_to(folder).with_suffix("").as_posix()
        out.append(_page(
            f"{folder.name}/{rel}", folder.name, f.read_bytes(),
            site_fallback=f"{folder.name}:{f.parent.name}",
            gold=_read_text(gold_file) if gold_file else None,
            gold_kind="gold" if gold_file else None,
        ))
    return out


_LOADERS: dict[str, Callable[[Path], list[EvalPage]]] = {
    "cwced-zh": _load_cwced,
    "gne-testpages": _load_gne,
    "readability-zh": _load_readability,
    "trafilatura-zh": _load_trafilatura,
    "webmainbench-zh": _load_webmainbench,
}


def _is_shared_root(path: Path) -> bool:
    return any((path / d).is_dir() for d in _LOADERS)


def load_eval_pages(
    path: Path,
    *,
    annotations: Mapping[str, Any] | None = None,
    datasets: Iterable[str] | None = None,
    limit: int | None = None,
) -> list[EvalPage]:
    """Evaluation pages under `path`: the shared data folder, one of its data sets, or any folder
    of pages with gold text. Annotated pages are marked (`annotated`); `limit` caps pages per
    data set (annotated pages first, for quick runs)."""
    path = Path(path)
    keys = set(annotations or {})
    if _is_shared_root(path):
        root, names = path, [d for d in DATASETS if (path / d).is_dir()]
    elif path.name in DATASETS:
        root, names = path.parent, [path.name]
    else:
        root, names = path, []
    if datasets is not None:
        wanted = set(datasets)
        names = [n for n in names if n in wanted]
    pages: list[EvalPage] = []
    if names:
        for name in names:
            loaded = (_load_gerapy(root / name, keys) if name == "gerapy-samples"
                      else _LOADERS[name](root / name))
            if limit is not None:
                loaded.sort(key=lambda p: (p.key not in keys, p.key))
                loaded = loaded[:limit]
            pages.extend(loaded)
    else:
        pages = _load_folder(path)
        if limit is not None:
            pages = pages[:limit]
    for p in pages:
        p.annotated = p.key in keys
    if names:
        merge_sites(pages, _training_hosts(root))
    return pages


def _training_hosts(root: Path) -> dict[str, str]:
    """Host of every real page as the training data builder names it (page id -> host)."""
    try:
        from .training.realpages import load_real_pages
    except ImportError:
        return {}
    try:
        return {rp.page_id: rp.host for rp in load_real_pages(root, with_ungolded=True) if rp.host}
    except (OSError, ValueError, KeyError):
        return {}


def _is_domain(name: str) -> bool:
    return ":" not in name and not name.startswith(("unknown-", "gne-")) and "." in name


def merge_sites(pages: Sequence[EvalPage], train_hosts: Mapping[str, str]) -> None:
    """Put pages that share a site under either naming (`infer_site` here, the training data's
    host there) into one site group, so no site is split between training and test.

    The group is named after its most common real domain (else its first name, sorted).
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for p in pages:
        p.aliases = {p.site}
        host = train_hosts.get(p.key)
        if host:
            p.aliases.add(host)
            if _is_domain(host):
                p.aliases.add(registered_domain(host) or host)
        names = sorted(p.aliases)
        for n in names[1:]:
            union(names[0], n)
    groups: dict[str, list[EvalPage]] = defaultdict(list)
    for p in pages:
        groups[find(p.site)].append(p)
    for members in groups.values():
        domains = Counter(a for m in members for a in m.aliases if _is_domain(a))
        everything = sorted({a for m in members for a in m.aliases})
        name = (sorted(domains.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if domains
                else everything[0])
        for m in members:
            m.site = name
            m.aliases = set(everything)


# ==============================================================================================
# Running the extractors
# ==============================================================================================
def wanted_labels(page_kind: str) -> tuple[str, ...]:
    """Labels pagesieve keeps for the main-content figure: content (+ comment on forums)."""
    return ("content", "comment") if page_kind == "forum" else ("content",)


def _pagesieve_page(
    model: Any, page: EvalPage, annotation: Any | None, name: str
) -> dict[str, Any]:
    """Run pagesieve on one page: kept texts and, when annotated, (gold, pred, scores) per block."""
    from .classify import classify_page

    t0 = time.perf_counter()
    res = classify_page(page.data, kind="html", model=model, keep=("content",), explain=False)
    seconds = time.perf_counter() - t0
    labels = [lb.label.name for lb in res.blocks]
    texts = [lb.block.text for lb in res.blocks]
    want = wanted_labels(page.type)
    kept = "\n".join(t for t, lab in zip(texts, labels, strict=True) if lab in want and t)
    out: dict[str, Any] = {
        "name": name,
        "seconds": seconds,
        "text": kept,
        "text_content": res.text,
        "error": None,
        "blocks": len(res.blocks),
    }
    if annotation is not None:
        out["labelled"] = _annotated_blocks(res.blocks, annotation)
        out["unmapped"] = len(res.blocks) - len(out["labelled"])
    return out


def _annotated_blocks(blocks: Sequence[Any], annotation: Any) -> list[tuple[str, str, list[float]]]:
    """(gold, predicted, scores) of every block the annotation maps onto (by text hash)."""
    from .annotations import labels_for_blocks

    gold = labels_for_blocks(annotation, [lb.block for lb in blocks])
    rows = []
    for lb, g in zip(blocks, gold, strict=True):
        if g is None:
            continue
        scores = [round(float(lb.label.scores.get(lab, 0.0)), 4) for lab in LABELS]
        rows.append((g, lb.label.name, scores))
    return rows


def _peer_page(name: str, page: EvalPage, annotation: Any | None, blocks: Sequence[Any] | None
               ) -> dict[str, Any]:
    from .peers import run_peer

    r = run_peer(name, page.html)
    out: dict[str, Any] = {"name": name, "seconds": r.seconds, "text": r.text, "error": r.error}
    if annotation is not None and blocks is not None:
        from .annotations import labels_for_blocks

        gold = labels_for_blocks(annotation, blocks)
        target = _Target.of(r.text)
        out["kept_blocks"] = [
            (g, text_found(b.text, target)) for b, g in zip(blocks, gold, strict=True)
            if g is not None
        ]
    return out


def _page_figures(page: EvalPage, run: Mapping[str, Any]) -> dict[str, Any]:
    """Figures (no text) for one extractor on one page."""
    err = run.get("error")
    # Only the exception type goes in the report: a message could quote the page.
    fig: dict[str, Any] = {"seconds": round(float(run["seconds"]), 6),
                           "error": str(err).split(":", 1)[0] if err else None}
    text = str(run.get("text") or "")
    if page.gold is not None:
        fig["rouge1"] = rouge1(text, page.gold).as_dict()
        fig["lines"] = line_figures(text, page.gold)
        if "text_content" in run:
            fig["rouge1_content_only"] = rouge1(str(run["text_content"]), page.gold).as_dict()
    if page.snippets_with or page.snippets_without:
        target = _Target.of(text)
        fig["snippets"] = {
            "with_found": sum(text_found(s, target, 1.0) for s in page.snippets_with),
            "with_total": len(page.snippets_with),
            "without_found": sum(text_found(s, target, 1.0) for s in page.snippets_without),
            "without_total": len(page.snippets_without),
        }
    if "labelled" in run:
        fig["labelled"] = run["labelled"]
        fig["unmapped_blocks"] = run.get("unmapped", 0)
    if "kept_blocks" in run:
        fig["kept_blocks"] = run["kept_blocks"]
    return fig


def _progress(enabled: bool) -> Any:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=Console(stderr=True), disable=not enabled, transient=True,
    )


def _run_pages(
    pages: Sequence[EvalPage],
    *,
    model: Any | None,
    peer_names: Sequence[str],
    annotations: Mapping[str, Any],
    pagesieve_name: str = PAGESIEVE,
    progress: bool = True,
    description: str = "evaluating",
) -> dict[str, dict[str, Any]]:
    """Per page key: page facts and figures per extractor."""
    from .read import read_page

    results: dict[str, dict[str, Any]] = {}
    with _progress(progress) as bar:
        task = bar.add_task(description, total=len(pages))
        for page in pages:
            ann = annotations.get(page.key) if page.annotated else None
            entry: dict[str, Any] = {
                "dataset": page.dataset, "site": page.site, "type": page.type,
                "gold_kind": page.gold_kind, "annotated": page.annotated, "extractors": {},
            }
            if page.gold is not None:
                entry["gold_words"] = len(words(page.gold))
            blocks = None
            if ann is not None and peer_names:
                blocks = read_page(page.data, kind="html").blocks
            if model is not None:
                try:
                    run = _pagesieve_page(model, page, ann, pagesieve_name)
                except Exception as exc:  # counted as a failure, like a peer's
                    run = {"name": pagesieve_name, "seconds": 0.0, "text": "", "text_content": "",
                           "error": f"{type(exc).__name__}: {str(exc)[:200]}"}
                entry["extractors"][pagesieve_name] = _page_figures(page, run)
            for name in peer_names:
                entry["extractors"][name] = _page_figures(page, _peer_page(name, page, ann, blocks))
            results[page.key] = entry
            bar.advance(task)
    return results


# ==============================================================================================
# Summaries
# ==============================================================================================
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
    out = _label_figures(gold, pred)
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


# ==============================================================================================
# The seed page
# ==============================================================================================
def seed_page_metrics(model: Any, shared: Path) -> dict[str, Any] | None:
    """Block labels on ``shared/examples/seed-page.txt`` against its accepted labels per line.

    A block is right when its label is accepted for every gold line it covers; for the confusion
    matrix a wrong block's gold label is the label its lines accept first (the majority).
    """
    txt = Path(shared) / "examples" / "seed-page.txt"
    gold_file = txt.with_name("seed-page.gold.json")
    if not (txt.is_file() and gold_file.is_file()):
        return None
    out = page_metrics(model, txt, gold_file)
    out["note"] = "text input; peers are HTML extractors and are not run on it"
    return out


# ==============================================================================================
# Gold pages: the seed page and our seed-like pages (``data/seedlike``)
# ==============================================================================================
DEFAULT_SEEDLIKE = REPO / "data" / "seedlike"
#: Page suffixes a gold folder holds, and how each is read.
PAGE_KINDS = {".txt": "text", ".html": "html", ".htm": "html"}

#: Accepted labels of each gold piece a block covers (one list per piece).
Accepts = list[list[str]]


def _squash(text: str) -> str:
    """Text without any whitespace: the segmenter folds spaces, a gold file keeps them as typed."""
    return "".join(text.split())


def gold_path(page: Path) -> Path:
    """``<stem>.gold.json`` beside the page (the seed page's naming)."""
    return page.with_name(page.stem + ".gold.json")


def load_gold(path: Path) -> list[dict[str, Any]]:
    """A gold file's pieces: ``lines`` (text pages) or ``entries`` (HTML pages), or a bare list.

    Each piece holds ``accept`` (a non-empty list of labels) and either ``line`` (1-based) or
    ``text``; a malformed file raises ValueError rather than scoring against half a gold.
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    pieces = data if isinstance(data, list) else data.get("lines", data.get("entries"))
    if not isinstance(pieces, list):
        raise ValueError(f"{path}: no 'lines' or 'entries' list")
    for g in pieces:
        accept = g.get("accept") if isinstance(g, dict) else None
        if not accept or any(a not in LABELS for a in accept):
            raise ValueError(f"{path}: bad accept in {g!r}")
        if "line" not in g and not str(g.get("text", "")).strip():
            raise ValueError(f"{path}: a piece needs 'line' or 'text': {g!r}")
    return pieces


def line_accepts(text: str, blocks: Sequence[Any], gold: Sequence[Mapping[str, Any]]
                 ) -> list[Accepts]:
    """Per block, the accept lists of the gold lines its character offsets overlap."""
    import bisect

    by_line = {int(g["line"]): list(g["accept"]) for g in gold}
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    out: list[Accepts] = []
    for b in blocks:
        if b.start is None or b.end is None:
            out.append([])
            continue
        first = bisect.bisect_right(starts, b.start)
        last = bisect.bisect_right(starts, max(b.start, b.end - 1))
        out.append([by_line[n] for n in range(first, last + 1) if n in by_line])
    return out


def entry_accepts(blocks: Sequence[Any], gold: Sequence[Mapping[str, Any]]
                  ) -> tuple[list[Accepts], int]:
    """Per block, the accept lists of the gold entries its text contains; and the entries no block
    contains.

    Entries are matched in document order (a cursor over the gold list, each entry at most once,
    later in the block than the previous one), so a short entry (a date, "回复") that also occurs
    inside another block's text is not claimed by that block. Whitespace is ignored.
    """
    texts = [_squash(str(g["text"])) for g in gold]
    cursor = 0
    out: list[Accepts] = []
    for b in blocks:
        body = _squash(b.text)
        got: Accepts = []
        pos = 0
        j = cursor
        while j < len(texts):
            at = body.find(texts[j], pos)
            if at >= 0:
                got.append(list(gold[j]["accept"]))
                pos = at + len(texts[j])
                j += 1
                cursor = j
            elif got:
                break  # the block's run of entries ended
            else:
                j += 1  # gold entry not in this block: look further for the block's first one
        out.append(got)
    claimed = sum(len(a) for a in out)
    return out, len(texts) - claimed


def score_labels(preds: Sequence[str], accepts: Sequence[Accepts]) -> dict[str, Any]:
    """Figures of predicted block labels against the gold pieces each block covers.

    A block is right when its label is accepted by every piece it covers; for the confusion
    matrix a wrong block's gold label is the label its pieces accept first (the majority). A
    block no piece covers is counted as ``unmatched`` and left out of the figures.
    """
    gl: list[str] = []
    pl: list[str] = []
    right = unmatched = 0
    for pred, acc in zip(preds, accepts, strict=True):
        if not acc:
            unmatched += 1
            continue
        right += all(pred in a for a in acc)
        gl.append(_gold_label(pred, acc))
        pl.append(pred)
    out = _label_figures(gl, pl)
    out["blocks_right"] = right
    out["unmatched"] = unmatched
    out["ad"] = out["per_label"]["ad"]
    return out


def _gold_label(pred: str, acc: Accepts) -> str:
    """The gold label a block counts as: its prediction when every piece it covers accepts it,
    else the label its pieces accept first (the majority)."""
    if all(pred in a for a in acc):
        return pred
    return Counter(a[0] for a in acc).most_common(1)[0][0]


def read_gold_page(page: Path) -> Any:
    """The page read as the classifier reads it (`pagesieve.read.read_page`, kind by suffix)."""
    from .limits import Limits
    from .read import read_page

    kind = PAGE_KINDS.get(page.suffix.lower(), "text")
    return read_page(page.read_bytes(), kind=kind, source=page.name,  # type: ignore[arg-type]
                     limits=Limits.from_env())


def page_accepts(page: Path, read: Any, gold_file: Path | None = None) -> tuple[list[Accepts], int]:
    """Per block of the read page, the gold pieces it covers; and gold entries never matched."""
    gold = load_gold(gold_file or gold_path(page))
    if read.kind == "text" and all("line" in g for g in gold):
        return line_accepts(read.text, read.blocks, gold), 0
    return entry_accepts(read.blocks, gold)


def page_metrics(model: Any, page: Path, gold_file: Path | None = None) -> dict[str, Any]:
    """Block labels on one gold page (text by line offsets, HTML by contained text).

    `model` is anything with ``label_page(page, explain=..., max_block_chars=...)`` (a
    `PageModel`, or a stand-in in tests); None, a str or a Path loads a model file.
    """
    from .limits import Limits
    from .model import load_model

    pm = load_model(model) if model is None or isinstance(model, str | Path) else model
    read = read_gold_page(Path(page))
    accepts, missed = page_accepts(Path(page), read, gold_file)
    labels = pm.label_page(read, explain=False, max_block_chars=Limits.from_env().max_block_chars)
    preds = [lab.name for lab in labels]
    out = score_labels(preds, accepts)
    out["labelled"] = [
        (_gold_label(lab.name, acc), lab.name,
         [round(float(lab.scores.get(x, 0.0)), 5) for x in LABELS])
        for lab, acc in zip(labels, accepts, strict=True) if acc
    ]
    out["gold_missed"] = missed
    return out


def _ad_pr(fig: Mapping[str, Any]) -> tuple[float | None, float | None]:
    """Ad precision/recall, None where undefined (no ad predicted / no ad in the gold)."""
    ad = fig["per_label"]["ad"]
    return (ad["precision"] if ad["predicted"] else None,
            ad["recall"] if ad["support"] else None)


def gold_pages(folder: Path) -> list[Path]:
    """Pages of a gold folder that have a ``.gold.json`` beside them, sorted by name."""
    return sorted(p for p in Path(folder).iterdir()
                  if p.suffix.lower() in PAGE_KINDS and gold_path(p).is_file())


def seedlike_metrics(model: Any, folder: Path = DEFAULT_SEEDLIKE) -> dict[str, Any] | None:
    """Block labels on every gold page of `folder` (default ``data/seedlike``): per page and pooled.

    Written by us from labels.md, never trained on: the issue's seed-page targets measured on
    more than the one page they were specified from. None when the folder has no gold pages.
    """
    folder = Path(folder)
    pages = gold_pages(folder) if folder.is_dir() else []
    if not pages:
        return None
    per_page: dict[str, dict[str, Any]] = {}
    gl: list[str] = []
    pl: list[str] = []
    for page in pages:
        fig = page_metrics(model, page)
        gl += [g for g, _, _ in fig["labelled"]]
        pl += [p for _, p, _ in fig["labelled"]]
        precision, recall = _ad_pr(fig)
        per_page[page.name] = {
            "macro_f1": fig["macro_f1"], "ad_precision": precision, "ad_recall": recall,
            "blocks_right": fig["blocks_right"], "blocks": fig["blocks"],
            "unmatched": fig["unmatched"], "gold_missed": fig["gold_missed"],
            "confusion": fig["confusion"]["matrix"],
        }
    pooled = _label_figures(gl, pl)
    pooled["ad"] = pooled["per_label"]["ad"]
    pooled["blocks_right"] = sum(p["blocks_right"] for p in per_page.values())
    pooled["unmatched"] = sum(p["unmatched"] for p in per_page.values())
    return {"folder": str(folder), "pages": per_page, "pooled": pooled,
            "note": "pages written by us from labels.md (not from the shared data, not trained "
                    "on); a block is right when every gold piece it covers accepts its label"}


# ==============================================================================================
# Held out by site
# ==============================================================================================
def _fold_sites(sites: Sequence[str], folds: int, seed: int) -> list[list[str]]:
    order = sorted(set(sites))
    random.Random(seed).shuffle(order)
    k = max(1, min(folds, len(order)))
    return [sorted(order[i::k]) for i in range(k)]


def evaluate_heldout(
    shared_data: Path,
    folds: int = 3,
    seed: int = 0,
    *,
    pages: Sequence[EvalPage] | None = None,
    annotations: Mapping[str, Any] | None = None,
    annotations_dir: Path | None = None,
    dataset_kwargs: Mapping[str, Any] | None = None,
    progress: bool = True,
    log: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Train one model per fold of sites with those sites held out; evaluate on them only.

    Sites are those of `pages` (default: every evaluation page under `shared_data`), as given by
    `infer_site`; each fold passes its sites (and the hosts the training data gives the same pages)
    to ``build_dataset(exclude_hosts=...)``, and any training page of a held-out page id is dropped
    as well. Returns per-page figures under ``pages`` (extractor name `HELDOUT`) and fold facts.
    `dataset_kwargs` go to ``build_dataset`` (e.g. a smaller synthetic set to bound the runtime).
    """
    from .annotations import load_annotations
    from .model import PageModel
    from .train import reweight
    from .training.dataset import build_dataset

    shared_data = Path(shared_data)
    ann_dir = annotations_dir if annotations_dir is not None else DEFAULT_ANNOTATIONS
    if annotations is None:
        annotations = load_annotations(ann_dir) if ann_dir.is_dir() else {}
    if pages is None:
        pages = load_eval_pages(shared_data, annotations=annotations)
    pages = list(pages)
    fold_sites = _fold_sites([p.site for p in pages], folds, seed)
    kwargs = dict(dataset_kwargs or {})
    out_pages: dict[str, dict[str, Any]] = {}
    fold_info = []
    for k, sites in enumerate(fold_sites):
        t0 = time.perf_counter()
        held = [p for p in pages if p.site in sites]
        held_keys = {p.key for p in held}
        exclude = set(sites) | {h for p in held for h in (p.aliases or _host_aliases(p))}
        data = build_dataset(shared_data, seed=seed, annotations=annotations,
                             exclude_hosts=frozenset(exclude), **kwargs)
        before = len(data)
        data = reweight(
            [tp for tp in data if tp.page.blocks and not _same_page(tp, held_keys, exclude)]
        )
        dropped = before - len(data)
        if log:
            log(f"fold {k + 1}/{len(fold_sites)}: {len(sites)} sites, {len(held)} pages held out; "
                f"{len(data)} training pages ({dropped} more dropped by page id / host)")
        model = PageModel(random_state=seed)
        with warnings.catch_warnings():  # convergence chatter from the per-fold fits
            warnings.simplefilter("ignore")
            model.fit([tp.page for tp in data], [tp.labels for tp in data],
                      weights=[tp.weights for tp in data], groups=[tp.host for tp in data],
                      progress=log)
        t_train = time.perf_counter() - t0
        res = _run_pages(held, model=model, peer_names=(), annotations=annotations,
                         pagesieve_name=HELDOUT, progress=progress,
                         description=f"held-out fold {k + 1}/{len(fold_sites)}")
        for entry in res.values():
            entry["fold"] = k
        out_pages.update(res)
        fold_info.append({
            "fold": k, "sites": sites, "pages": len(held), "training_pages": len(data),
            "training_real_pages": sum(
                1 for tp in data if not str(getattr(tp, "origin", "")).startswith("synthetic")
            ),
            "dropped_after_build": dropped, "seconds": round(time.perf_counter() - t0, 1),
            "train_seconds": round(t_train, 1),
        })
    return {"folds": fold_info, "pages": out_pages, "seed": seed, "k": len(fold_sites),
            "dataset_kwargs": {k: repr(v) for k, v in kwargs.items()}}


def _host_aliases(page: EvalPage) -> set[str]:
    """Host spellings the training data may use for a page: the URL host, its registered domain."""
    out = {page.site}
    if page.url:
        h = _host_of(page.url)
        if h:
            out.add(h)
            out.add(h.removeprefix("www."))
    return out


def _norm_key(key: str) -> str:
    return key.removesuffix(".html").removesuffix(".htm").strip("/")


def _same_page(tp: Any, held_keys: set[str], exclude: set[str]) -> bool:
    pid = _norm_key(str(getattr(tp, "page_id", "") or ""))
    if pid and pid in {_norm_key(k) for k in held_keys}:
        return True
    host = str(getattr(tp, "host", "") or "")
    return bool(host) and (host in exclude or registered_domain(host) in exclude)


# ==============================================================================================
# The whole run
# ==============================================================================================
def _resolve_shared(path: Path | None) -> Path:
    if path is not None:
        return Path(path)
    env = os.environ.get("PAGESIEVE_SHARED")
    base = Path(env) if env else DEFAULT_SHARED
    return base / "data" if (base / "data").is_dir() else base


def _model_facts(model: Any, model_path: Path | None) -> dict[str, Any]:
    man = getattr(model, "manifest", {}) or {}
    return {
        "path": str(model_path) if model_path else "default",
        "sha256": man.get("sha256"),
        "created": man.get("created"),
        "seed": man.get("seed"),
        "trained_on_shared_pages": bool(man.get("data")),
    }


def run_evaluation(
    path: Path | None = None,
    *,
    model: Any | None = None,
    model_path: Path | None = None,
    peers: bool = True,
    annotations_dir: Path | None = None,
    heldout_folds: int = 0,
    heldout_kwargs: Mapping[str, Any] | None = None,
    datasets: Iterable[str] | None = None,
    limit: int | None = None,
    seed: int = 0,
    progress: bool = True,
    log: Callable[[str], None] | None = None,
    seedlike_dir: Path | None = DEFAULT_SEEDLIKE,
) -> dict[str, Any]:
    """Evaluate pagesieve (and the peers) on the pages under `path`; returns the JSON report.

    `seedlike_dir` (default the repo's ``data/seedlike``) adds our seed-like gold pages; a
    missing folder or None leaves ``seedlike`` None in the report.
    """
    from .annotations import load_annotations
    from .model import load_model
    from .peers import available_peers, peer_versions

    t_start = time.perf_counter()
    data_path = _resolve_shared(path)
    if not data_path.exists():
        raise ValueError(f"evaluation data not found: {data_path}")
    ann_dir = annotations_dir if annotations_dir is not None else DEFAULT_ANNOTATIONS
    if not ann_dir.is_dir() and (data_path / "annotations").is_dir():
        ann_dir = data_path / "annotations"
    annotations = load_annotations(ann_dir) if ann_dir.is_dir() else {}
    pages = load_eval_pages(data_path, annotations=annotations, datasets=datasets, limit=limit)
    if not pages:
        raise ValueError(f"no evaluation pages under {data_path}")
    if model is None:
        model = load_model(model_path)
    peer_names = available_peers() if peers else ()
    if log:
        log(f"{len(pages)} pages ({sum(p.annotated for p in pages)} annotated), "
            f"{len({p.site for p in pages})} sites; peers: {', '.join(peer_names) or 'none'}")
    per_page = _run_pages(pages, model=model, peer_names=peer_names, annotations=annotations,
                          progress=progress)
    names = [PAGESIEVE, *peer_names]
    heldout_info = None
    if heldout_folds and heldout_folds > 0 and _is_shared_root(data_path):
        try:
            ho = evaluate_heldout(data_path, folds=heldout_folds, seed=seed, pages=pages,
                                  annotations=annotations, annotations_dir=ann_dir,
                                  dataset_kwargs=heldout_kwargs, progress=progress, log=log)
        except ImportError as exc:
            heldout_info = {"error": f"training data builder unavailable: {exc}"}
        else:
            for key, entry in ho["pages"].items():
                per_page[key]["extractors"].update(entry["extractors"])
                per_page[key]["fold"] = entry["fold"]
            names = [HELDOUT, *names]
            heldout_info = {k: v for k, v in ho.items() if k != "pages"}
    summary = summarize(per_page, names)
    shared_root = data_path.parent if _is_shared_root(data_path) else DEFAULT_SHARED
    seed_fig = seed_page_metrics(model, shared_root)
    seedlike = seedlike_metrics(model, seedlike_dir) if seedlike_dir is not None else None
    report: dict[str, Any] = {
        "meta": {
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "data": str(data_path),
            "annotations": str(ann_dir) if annotations else None,
            "pages": len(pages),
            "sites": len({p.site for p in pages}),
            "model": _model_facts(model, model_path),
            "extractors": names,
            "peer_versions": peer_versions(),
            "magic_html": MAGIC_HTML_NOTE,
            "heldout": heldout_info,
            "seconds": None,
            "settings": {
                "rouge": "ROUGE-1 over jieba words (pagesieve.tokenize), tokens with a letter or "
                         "digit only, multiset overlap, mean over pages",
                "keep": "pagesieve keeps content on articles, content+comment on forum threads",
                "lines": f"gold line kept if >= {KEEP_THRESHOLD:.0%} of its char {GRAM}-grams are "
                         f"in the output; kept line is junk if < {CONTENT_THRESHOLD:.0%} are in "
                         "the gold (NFKC, lower case, letters/digits only)",
                "forum_rule": " ".join(page_type.__doc__.split("\n\n")[1].split())
                if page_type.__doc__ else "",
                "site_rule": "registered domain of the URL / saved-from / canonical / og:url, "
                             "else of the domain most links point to (>= 3), else a portal name "
                             "in the title, else a hashed per-title key; then pages sharing a "
                             "site under this rule or under the training data's host names are "
                             "merged into one site (held-out folds never split a site)",
                "junk_caveat": "a kept line absent from the gold counts as junk: cwced gold "
                               "often omits the headline, byline and date lines that labels.md "
                               "calls content, so every extractor that keeps them pays for it",
                "speed": "pages/s in this process, sequential, on the same pages; pagesieve "
                         "reads bytes (decode + segment + model, explain off), peers get the "
                         "decoded string; absolute speeds depend on machine load",
                "annotations": "blocks mapped by text hash (labels_for_blocks); unmapped blocks "
                               "are counted and skipped",
                "peers": "trafilatura include_comments=False; readability summary(); resiliparse "
                         "main_content=True; boilerpy3 ArticleExtractor; gne content",
            },
        },
        "pages": {k: _strip_page(v) for k, v in per_page.items()},
        **summary,
        "seed_page": seed_fig,
        "seedlike": seedlike,
    }
    report["targets"] = targets(report)
    report["meta"]["seconds"] = round(time.perf_counter() - t_start, 1)
    report["meta"]["in_sample_warning"] = (
        "The shipped model was trained on these shared pages (gold-aligned real pages and the "
        "annotations), so its figures here are in-sample; the honest figures are "
        f"'{HELDOUT}' (sites held out of training)."
        if report["meta"]["model"]["trained_on_shared_pages"]
        and any(p.dataset in DATASETS for p in pages) else None
    )
    return report


def _strip_page(entry: Mapping[str, Any]) -> dict[str, Any]:
    """Per-page record for the report: figures, and block (gold, pred, scores) rows."""
    out = {k: v for k, v in entry.items() if k != "extractors"}
    out["extractors"] = {}
    for name, fig in entry["extractors"].items():
        f = dict(fig)
        if "kept_blocks" in f:  # summarised per data set; per block only for labellers
            kb = f.pop("kept_blocks")
            f["blocks_kept"] = sum(1 for _, k in kb if k)
            f["blocks_annotated"] = len(kb)
        if "labelled" in f:
            f["labelled"] = [[g, p, s] for g, p, s in f["labelled"]]
        out["extractors"][name] = f
    return out


def quick_metrics(model: Any, shared: Path) -> dict[str, Any]:
    """Fast pagesieve-only figures for the model manifest (`make model`): cwced ROUGE-1,
    annotations macro-F1, seed page. In-sample for a model trained on these pages."""
    shared = Path(shared)
    ann_dir = DEFAULT_ANNOTATIONS
    from .annotations import load_annotations

    annotations = load_annotations(ann_dir) if ann_dir.is_dir() else {}
    pages = load_eval_pages(shared, annotations=annotations, datasets=("cwced-zh", "gne-testpages",
                                                                        "gerapy-samples"))
    pages = [p for p in pages if p.dataset == "cwced-zh" or p.annotated]
    res = _run_pages(pages, model=model, peer_names=(), annotations=annotations, progress=False)
    s = summarize(res, [PAGESIEVE])
    cw = s["main_content"].get("cwced-zh", {}).get("extractors", {}).get(PAGESIEVE, {})
    ann = s["annotations"].get(PAGESIEVE, {})
    seed = seed_page_metrics(model, shared.parent)
    return {
        "in_sample": True,
        "cwced_rouge1_f1": cw.get("rouge1_f1"),
        "cwced_by_type": cw.get("by_type"),
        "cwced_lines": {k: cw.get("lines", {}).get(k)
                        for k in ("content_lines_kept", "junk_lines_leaked")},
        "annotations_macro_f1": ann.get("macro_f1"),
        "annotations_pages": s["annotations"].get("pages"),
        "seed_macro_f1": seed.get("macro_f1") if seed else None,
        "seed_ad": seed.get("ad") if seed else None,
    }


# ==============================================================================================
# Writing and showing
# ==============================================================================================
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


def targets(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The issue's "How well" targets against this report: held-out figures when present."""
    name = HELDOUT if HELDOUT in report.get("all_gold_pages", {}) else PAGESIEVE
    ag = report.get("all_gold_pages", {}).get(name, {})
    ann = report.get("annotations", {}).get(name, {})
    seed = report.get("seed_page") or {}
    ours = (report.get("seedlike") or {}).get("pooled", {})
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
    ]
    out = []
    for what, value, op, goal in rows:
        ok = None if value is None else (value >= goal if op == ">=" else value <= goal)
        out.append({"what": what, "model": name if "seed" not in what else PAGESIEVE,
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
        + ", ".join(f"{k} {v}" for k, v in (meta.get("peer_versions") or {}).items() if v)
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


def _seedlike_markdown(sl: Mapping[str, Any] | None) -> list[str]:
    """The "Seed-like pages (ours)" section: pooled figures, then one row a page."""
    if not sl:
        return []
    pooled = sl["pooled"]
    ad = pooled["ad"]
    lines = ["## Seed-like pages (ours)", "",
             f"pagesieve on {len(sl['pages'])} pages of `data/seedlike`: pooled macro-F1 "
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


def _report_paths(report: Path | None) -> tuple[Path, Path]:
    if report is None:
        return DEFAULT_REPORT, DEFAULT_REPORT.with_suffix(".md")
    report = Path(report)
    if report.suffix == ".json":
        return report, report.with_suffix(".md")
    if report.suffix == ".md":
        return report.with_suffix(".json"), report
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
    jpath, mpath = _report_paths(path)
    jpath.parent.mkdir(parents=True, exist_ok=True)
    mpath.parent.mkdir(parents=True, exist_ok=True)
    tmp = jpath.with_suffix(".json.tmp")
    tmp.write_text(dump_report(report), encoding="utf-8")
    os.replace(tmp, jpath)
    mpath.write_text(render_markdown(report), encoding="utf-8")
    return jpath, mpath


NOTEBOOK = REPO / "notebooks" / "evaluation.ipynb"


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
    sl = report.get("seedlike")
    if sl:
        pooled = sl["pooled"]
        console.print(f"seed-like pages (ours, {len(sl['pages'])}): macro-F1 "
                      f"{_f(pooled['macro_f1'])}, ad P/R {_f(pooled['ad']['precision'])}/"
                      f"{_f(pooled['ad']['recall'])}, {pooled['blocks_right']}/"
                      f"{pooled['blocks']} blocks right")
    warn = report.get("meta", {}).get("in_sample_warning")
    if warn:
        console.print(f"[yellow]{warn}[/]")


def evaluate_command(
    path: Path | None, model: Path | None, peers: bool, report: Path | None
) -> int:
    """`pagesieve evaluate [PATH] [--model M] [--peers/--no-peers] [--report R]`.

    After the report, the notebook is executed to draw the figures beside it
    (``PAGESIEVE_EVAL_FIGURES=0`` skips that). Held-out-by-site folds run when PATH is the shared
    data folder and the training data builder
    is installed: ``PAGESIEVE_EVAL_FOLDS`` (default 3; 0 turns it off) and
    ``PAGESIEVE_EVAL_SYNTHETIC`` (synthetic pages per fold, passed to ``build_dataset``; default
    400, a quarter of the shipped model's) bound it to a few minutes on two cores.
    `report` is a ``.json`` or ``.md`` path (the other file goes beside it) or a folder;
    default ``reports/evaluation.json`` and ``reports/evaluation.md``.
    """
    from rich.console import Console

    console = Console(stderr=True)
    t0 = time.perf_counter()

    def log(msg: str) -> None:
        console.print(f"[dim]{time.perf_counter() - t0:6.1f}s[/] {msg}")

    folds = int(os.environ.get("PAGESIEVE_EVAL_FOLDS", str(DEFAULT_HELDOUT_FOLDS)))
    n_synth = os.environ.get("PAGESIEVE_EVAL_SYNTHETIC", str(DEFAULT_HELDOUT_SYNTHETIC))
    kwargs: dict[str, Any] = {"n_synthetic": int(n_synth)}
    result = run_evaluation(path, model_path=model, peers=peers, heldout_folds=folds,
                            heldout_kwargs=kwargs, log=log, progress=console.is_terminal)
    jpath, mpath = write_report(result, report)
    if os.environ.get("PAGESIEVE_EVAL_FIGURES", "1") != "0":
        log("drawing the figures (notebooks/evaluation.ipynb)")
        figs, why = render_figures(jpath)
        result["meta"]["figures"] = [os.path.relpath(f, jpath.parent) for f in figs]
        if why:
            log(f"figures skipped: {why}")
        jpath, mpath = write_report(result, report)
    print_summary(result)
    log(f"wrote {jpath} and {mpath}")
    return 0
