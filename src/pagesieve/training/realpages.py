"""Real pages with (some) gold main text, aligned to the reader's blocks.

Sources (all read from ``shared/data`` at train time):

=================  =====  ======================================================  ===========
page_id prefix     pages  gold                                                    content w.
=================  =====  ======================================================  ===========
cwced-zh/          69     hand-copied main text (``gold/*.txt``)                  1.0
webmainbench-zh/   2      human ``groundtruth_content`` (markdown, syntax dropped) 1.0
readability-zh/    4      Readability.js's expected output (a peer's fixture)     0.8
gne-testpages/     20     GNE's own 2019 output, title + content (silver)         0.6
trafilatura-zh/    5      snippets only: ``with`` (must be kept) / ``without``    0.6
gne-testpages/     47     none: only used when hand annotations cover the page    -
=================  =====  ======================================================  ===========

**Alignment.** Gold and block texts are compared after NFKC folding with all whitespace
removed. A block's *coverage* is the share of its characters inside a character 4-gram that
also occurs in the gold text (blocks shorter than 4 characters: 1 when the whole block occurs in
the gold, else 0). A block of 10 or more characters is `content` when coverage >= 0.6;
a shorter block only when it occurs in the gold *and* sits between content blocks (within 3
blocks of a long content block on each side) so that nav words that happen to occur in the
article ("新闻", "北京") are not taken. Blocks with 0.25 <= coverage < 0.6 are ambiguous and
get weight 0. The headline counts as content even where the gold omits it: an uncovered block
before the first content block whose text is (nearly) the page ``<title>`` minus the site name;
so does a byline (date + 来源/作者/记者) right around the article's start (weight 0.5).

**Weak labels.** Every other block gets a transparent heuristic label (`weak_label`) with a low
weight (0.3 x the source's quality; 0.1 for long non-link text that the gold does not cover,
which may be content the gold missed, a comment, or a caption):

- `ad`: strong ad phrases of the labels guide (代开发票, 加微信/QQ + number, 博彩/百家乐/娱乐城,
  外挂/辅助器/开挂, 秒到账 loans...) or an ad class/id (``ad``, ``ads``, ``guanggao``, ``sponsor``);
- `comment`: comment/reply class or id words (comment, reply, cmt, pinglun, huifu...), except
  the reply/like/share widgets inside a comment box (`boilerplate`);
- `related`: 上一篇/下一篇; section headings such as 相关阅读/热门推荐/排行; link-dense
  headline-length text (8-60 characters, link density >= 0.5); related/recommend/hot class words;
- `boilerplate`: everything else (navigation, breadcrumbs, copyright, ICP numbers, login, share).

**Hosts** (for site-split evaluation): the registrable domain (``news.sina.com.cn`` ->
``sina.com.cn``) of the first of: the index's ``url``/``host``; ``<link rel=canonical>``;
``og:url``; the "saved from url=" comment; ``<base href>``; the domain of most absolute links in
the page (when it holds >= 30% of them and >= 3 links; very common third-party domains are
ignored). All gne-testpages pages of one site folder share the host most of them inferred
(else ``gne-<folder>``); pages with nothing to go on get ``unknown-<corpus>-<n>`` (one site each).
`RealPage.host_how` records which rule gave the host.

An ad class/id word on more than 20% of a page's blocks (a body-level id such as
``ad_src_...`` on an archived page) is ignored by the weak labeller: ads are rarely that much
of a page, so such a word says nothing about one block.
"""

from __future__ import annotations

import html as _html
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..links import majority_domain, registrable_domain
from ..types import LABELS, Block, Page

__all__ = [
    "AlignStats",
    "RealPage",
    "align_gold",
    "common_attr_words",
    "infer_host",
    "label_real_page",
    "load_real_pages",
    "registrable_domain",
    "weak_label",
]


@dataclass(frozen=True, slots=True)
class RealPage:
    page_id: str
    corpus: str
    html: str
    host: str
    host_how: str
    url: str | None = None
    #: The gold main text (None when the source has none).
    gold: str | None = None
    #: Snippets that must / must not be in the main text (trafilatura-zh).
    with_snippets: tuple[str, ...] = ()
    without_snippets: tuple[str, ...] = ()
    #: Weight of the content labels that come from the gold (1.0 human ... 0.6 silver).
    quality: float = 1.0
    title: str | None = None


@dataclass(frozen=True, slots=True)
class AlignStats:
    #: Share of the gold's characters covered by blocks labelled content (4-gram based).
    gold_coverage: float
    #: Share of the characters of content-labelled blocks that are in the gold.
    precision: float
    n_blocks: int
    n_content: int


# --------------------------------------------------------------------------- hosts

def _url_host(url: str | None) -> str | None:
    if not url:
        return None
    url = _html.unescape(url.strip())
    if url.startswith("//"):
        url = "http:" + url
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    if host.endswith("archive.org"):  # web.archive.org/web/<ts>/http://real.host/...
        m = re.search(r"/web/\d+[a-z_]*/(https?://[^/\s]+)", url)
        return _url_host(m.group(1)) if m else None
    return host


_CANON_RE = re.compile(r"<link\b[^>]*rel=[\"']?canonical[\"']?[^>]*>", re.I)
_OG_RE = re.compile(r"<meta\b[^>]*property=[\"']og:url[\"'][^>]*>", re.I)
_HREF_RE = re.compile(r"href\s*=\s*[\"']?([^\"'\s>]+)", re.I)
_CONTENT_RE = re.compile(r"content\s*=\s*[\"']?([^\"'\s>]+)", re.I)
_SAVED_RE = re.compile(r"saved from url=\(\d+\)(\S+?)\s*-->", re.I)
_BASE_RE = re.compile(r"<base\b[^>]*href\s*=\s*[\"']?([^\"'\s>]+)", re.I)
_A_HREF_RE = re.compile(r"<a\b[^>]*href\s*=\s*[\"']?(https?://[^\"'\s>/]+)", re.I)


def infer_host(html: str, url: str | None = None) -> tuple[str | None, str]:
    """(registrable domain or None, how). See the module docstring for the order of rules."""
    h = _url_host(url)
    if h:
        return registrable_domain(h), "index-url"
    head = html[:200_000]
    for how, tag_re, attr_re in (
        ("canonical", _CANON_RE, _HREF_RE),
        ("og:url", _OG_RE, _CONTENT_RE),
    ):
        m = tag_re.search(head)
        if m:
            a = attr_re.search(m.group(0))
            h = _url_host(a.group(1)) if a else None
            if h:
                return registrable_domain(h), how
    m = _SAVED_RE.search(head[:5000])
    if m and (h := _url_host(m.group(1))):
        return registrable_domain(h), "saved-from"
    m = _BASE_RE.search(head)
    if m and (h := _url_host(m.group(1))):
        return registrable_domain(h), "base"
    hosts = (_url_host(m.group(1)) for m in _A_HREF_RE.finditer(html))
    dom = majority_domain(registrable_domain(h) for h in hosts if h)
    return (dom, "link-majority") if dom is not None else (None, "none")


# --------------------------------------------------------------------------- loading


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def _strip_markdown(md: str) -> str:
    md = re.sub(r"```.*?\n", "", md)
    md = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", md)
    md = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", md)
    md = re.sub(r"(?m)^\s{0,3}(#{1,6}|[-*+]|\d+\.|>)\s+", "", md)
    return md.replace("`", "").replace("**", "").replace("|", " ")


def _html_text(fragment: str) -> str:
    t = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", fragment)
    t = re.sub(r"(?s)<[^>]+>", "\n", t)
    return _html.unescape(t)


def _strs(v: object) -> tuple[str, ...]:
    return tuple(str(x) for x in v) if isinstance(v, list) else ()


def _jsonl(path: Path) -> Iterator[dict[str, object]]:
    if not path.exists():
        return
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def load_real_pages(data: Path, *, with_ungolded: bool = False) -> list[RealPage]:
    """Every real page with some gold; `with_ungolded` adds gne pages without silver."""
    data = Path(data)
    out: list[RealPage] = []
    unknown = 0

    def host_for(html: str, url: str | None, corpus: str) -> tuple[str, str]:
        nonlocal unknown
        h, how = infer_host(html, url)
        if h:
            return h, how
        unknown += 1
        return f"unknown-{corpus}-{unknown}", "fallback"

    d = data / "cwced-zh"
    for row in _jsonl(d / "index.jsonl"):
        page = d / str(row["html"])
        gold_p = d / str(row["gold"])
        if not page.exists() or not gold_p.exists():
            continue
        html = _read(page)
        url = row.get("url") or (f"http://{row['host']}/" if row.get("host") else None)
        host, how = host_for(html, str(url) if url else None, "cwced")
        out.append(
            RealPage(
                f"cwced-zh/{row['id']}",
                "cwced-zh",
                html,
                host,
                how,
                str(url) if url else None,
                _read(gold_p),
                quality=1.0,
                title=str(row.get("title") or "") or None,
            )
        )

    d = data / "webmainbench-zh"
    for row in _jsonl(d / "samples.jsonl"):
        html, url = str(row.get("html") or ""), str(row.get("url") or "") or None
        host, how = host_for(html, url, "webmainbench")
        out.append(
            RealPage(
                f"webmainbench-zh/{row.get('track_id')}",
                "webmainbench-zh",
                html,
                host,
                how,
                url,
                _strip_markdown(str(row.get("groundtruth_content"))),
                quality=1.0,
            )
        )

    d = data / "readability-zh"
    if d.exists():
        for sub in sorted(p for p in d.iterdir() if p.is_dir()):
            src, exp = sub / "source.html", sub / "expected.html"
            if not src.exists() or not exp.exists():
                continue
            html = _read(src)
            meta_p = sub / "expected-metadata.json"
            title = None
            if meta_p.exists():
                title = json.loads(_read(meta_p)).get("title")
            host, how = host_for(html, None, "readability")
            out.append(
                RealPage(
                    f"readability-zh/{sub.name}",
                    "readability-zh",
                    html,
                    host,
                    how,
                    None,
                    _html_text(_read(exp)),
                    quality=0.8,
                    title=title,
                )
            )

    d = data / "trafilatura-zh"
    for row in _jsonl(d / "index.jsonl"):
        f = d / str(row["file"])
        if not f.exists():
            continue
        html, url = _read(f), str(row.get("url") or "") or None
        host, how = host_for(html, url, "trafilatura")
        out.append(
            RealPage(
                f"trafilatura-zh/{f.stem}",
                "trafilatura-zh",
                html,
                host,
                how,
                url,
                None,
                _strs(row.get("with")),
                _strs(row.get("without")),
                quality=0.6,
            )
        )

    d = data / "gne-testpages"
    silver = {str(r["path"]): r for r in _jsonl(d / "silver_gne_2019.jsonl")}
    gne: list[tuple[dict[str, object], RealPage]] = []
    for row in _jsonl(d / "index.jsonl"):
        path = str(row["path"])
        f = d / path
        s = silver.get(path)
        if not f.exists() or (s is None and not with_ungolded):
            continue
        html = _read(f)
        h, how = infer_host(html, str(row.get("url") or "") or None)
        gold: str | None = None
        if s is not None:
            gold = f"{s.get('title') or ''}\n{s.get('content') or ''}"
        rp = RealPage(
            f"gne-testpages/{path.removesuffix('.html')}",
            "gne-testpages",
            html,
            h or "",
            how,
            str(row.get("url") or "") or None,
            gold,
            quality=0.6,
            title=str(row.get("title") or "") or None,
        )
        gne.append((row, rp))
    by_dir: dict[str, Counter[str]] = {}
    for row, rp in gne:
        if rp.host:
            by_dir.setdefault(str(row["site_dir"]), Counter())[rp.host] += 1
    for row, rp in gne:
        c = by_dir.get(str(row["site_dir"]))
        host, how = (
            (c.most_common(1)[0][0], f"site-dir({rp.host_how})")
            if c
            else (f"gne-{row['site_dir']}", "site-dir")
        )
        out.append(
            RealPage(
                rp.page_id,
                rp.corpus,
                rp.html,
                host,
                how,
                rp.url,
                rp.gold,
                quality=rp.quality,
                title=rp.title,
            )
        )
    return out


# --------------------------------------------------------------------------- alignment

_N = 4


def _norm(s: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", s) if not ch.isspace())


def _grams(s: str) -> set[str]:
    return {s[i : i + _N] for i in range(len(s) - _N + 1)}


def _coverage(s: str, gold: str, gold_grams: set[str]) -> float:
    if not s:
        return 0.0
    if len(s) < _N:
        return 1.0 if s in gold else 0.0
    covered = [False] * len(s)
    for i in range(len(s) - _N + 1):
        if s[i : i + _N] in gold_grams:
            for j in range(i, i + _N):
                covered[j] = True
    return sum(covered) / len(s)


_BYLINE_RE = re.compile(
    r"(\d{4}[-年/.]\d{1,2}|\d{1,2}月\d{1,2}日).*(来源|作者|记者|编辑|发布|《|"
    r"日报|晚报|新闻|周刊|网)|(来源|作者|记者|编辑)[:：].*\d{4}[-年/.]\d{1,2}|"
    r"^\s*[（(【]?(来源|作者|责任编辑|编辑|记者|稿源|文|图)\s*[:：/]\s*\S{1,20}$"
)
_BOILER_RE = re.compile(
    r"版权|Copyright|©|ICP|备案|公网安备|联系我们|关于我们|广告服务|网站地图|免责声明|隐私|"
    r"登录|注册|设为首页|加入收藏|返回顶部|关闭窗口|打印本页|发表评论|我要评论|分享到|举报",
    re.I,
)
_AD_RE = re.compile(
    r"代开.{0,6}发票|开发票|发票.{0,4}代开|加\s*(微信|威信|V|v|vx|VX|QQ|qq|扣扣)\s*[:：]?\s*\w{5,}|"
    r"(QQ|qq|微信)\s*[:：]\s*\w{5,}|博彩|百家乐|娱乐城|真人娱乐|彩金|首存|(外挂|辅助器|开挂|透视挂)"
    r"(下载|购买|免费|神器|软件)|助赢神器|(当天|秒)(放款|到账|下款)|无抵押.{0,4}贷款|招商加盟|"
    r"加盟.{0,6}(电话|热线|费)|赞助商|推广链接"
)
_AD_LINK_RE = re.compile(r"招商|加盟|年赚|日赚|诚招代理|代理商|赚钱|致富项目")
_AD_ATTR = {
    "ad",
    "ads",
    "advert",
    "advertisement",
    "adsbygoogle",
    "guanggao",
    "sponsor",
    "adbox",
    "adv",
    "adslot",
    "gg_box",
    "tuiguang",
}
_COMMENT_ATTR = re.compile(
    r"^(comments?|cmts?|reply|replies|pinglun|huifu|discuss|liuyan|"
    r"review|remark|post_?reply)"
)
_RELATED_ATTR = re.compile(
    r"^(related|relate|recommend|rec|hot|rank|ranking|xiangguan|tuijian|"
    r"remen|paihang|redian|morenews|readmore|toplist|popular)"
)
_RELATED_HEAD = re.compile(
    r"^(相关|推荐|热门|热点|排行|延伸|猜你|更多|最新|大家都在|精彩|热读|"
    r"编辑推荐|今日推荐|为您推荐|看了|阅读排行)"
)


_WIDGET_RE = re.compile(
    r"^(回复|赞|踩|顶|分享|举报|收藏|删除|引用|支持|反对|更多|查看|展开|发表|登录|注册|提交|"
    r"\d+|\(\d+\)|\d+人参与|.{0,6}评论\s*\d+\s*条?|全部评论.*|热门评论.*|最新评论.*|[赞踩顶]\s*\d+"
    r"|(回复|踩|赞|分享|收藏|举报|\d|\s)+)$"
)


def weak_label(block: Block, common: frozenset[str] = frozenset()) -> str:
    """A transparent heuristic label for a block the gold does not cover (see module doc).

    Only the nearest six class/id words are read; for the ad test, words in `common` (on a
    large share of the page's blocks, e.g. a body-level id on an archived page) are ignored.
    """
    t = block.text.strip()
    near = list(block.attr_words[:6])
    if _AD_RE.search(t) or (set(near) - common) & _AD_ATTR:
        return "ad"
    n = len(t)
    if block.link_density >= 0.5 and n <= 20 and _AD_LINK_RE.search(t):
        return "ad"
    if _BOILER_RE.search(t) and n <= 80:
        return "boilerplate"
    if t.startswith(("上一篇", "下一篇", "上一条", "下一条", "上篇", "下篇")):
        return "related"
    if any(_COMMENT_ATTR.match(w) for w in near):
        # widgets inside a comment box (reply/like counters, "全部评论 23条") are furniture
        return "boilerplate" if n <= 16 and _WIDGET_RE.match(t) else "comment"
    if n <= 12 and _RELATED_HEAD.match(t) and block.link_density < 0.5:
        return "related"
    if 8 <= n <= 60 and block.link_density >= 0.5:
        return "related"
    if any(_RELATED_ATTR.match(w) for w in near) and n >= 8:
        return "related"
    return "boilerplate"


def common_attr_words(blocks: Sequence[Block], share: float = 0.2) -> frozenset[str]:
    """Class/id words found on more than `share` of the blocks (page-wide wrappers)."""
    c: Counter[str] = Counter()
    for b in blocks:
        c.update(set(b.attr_words))
    k = max(3, int(share * len(blocks)))
    return frozenset(w for w, n in c.items() if n > k)


def _title_core(title: str | None) -> str:
    if not title:
        return ""
    # "headline_频道_站名" / "headline - 站名" / "headline--站名" / "headline | site"
    core = re.split(r"\s*(?:_|--|-\s|\s-|\||｜|—)\s*", title.strip())[0]
    return _norm(core)


def align_gold(page: Page, rp: RealPage) -> tuple[list[str], list[float], AlignStats]:
    """Labels and weights for `page`'s blocks from `rp`'s gold (or snippets)."""
    blocks = page.blocks
    norms = [_norm(b.text) for b in blocks]
    n = len(blocks)
    labels = ["boilerplate"] * n
    weights = [0.0] * n
    content = [False] * n
    weak_w = 0.3 * rp.quality
    if rp.gold is not None:
        gold = _norm(rp.gold)
        gg = _grams(gold)
        cov = [_coverage(s, gold, gg) for s in norms]
        long_c = [len(s) >= 10 and c >= 0.6 for s, c in zip(norms, cov, strict=True)]
        for i in range(n):
            if long_c[i]:
                content[i] = True
            elif len(norms[i]) < 10 and cov[i] >= 0.99:
                before = any(long_c[max(0, i - 3) : i])
                after = any(long_c[i + 1 : i + 4])
                content[i] = before and after
        ambiguous = [
            not content[i] and 0.25 <= cov[i] < 0.6 and len(norms[i]) >= 10 for i in range(n)
        ]
    else:  # snippets: blocks holding a "with" snippet are content, "without" are not
        with_n = [_norm(x) for x in rp.with_snippets]
        without_n = [_norm(x) for x in rp.without_snippets]
        cov = [0.0] * n
        ambiguous = [True] * n
        for i, s in enumerate(norms):
            if s and any(w and w in s for w in with_n):
                content[i], cov[i] = True, 1.0
            if s and any(w and (w in s or s in w) for w in without_n):
                content[i], ambiguous[i] = False, False
        idx = [i for i in range(n) if content[i]]
        if idx:  # long, link-poor text between the first and last kept snippet: probably body
            for i in range(idx[0], idx[-1] + 1):
                if len(norms[i]) >= 30 and blocks[i].link_density < 0.2 and not content[i]:
                    content[i] = True
        for i in range(n):  # outside that span, short link-dense furniture is safe to label
            if not content[i] and (len(norms[i]) < 30 or blocks[i].link_density >= 0.5):
                ambiguous[i] = False
    first = next((i for i in range(n) if content[i]), None)
    last = next((i for i in reversed(range(n)) if content[i]), None)
    core = _title_core(rp.title) or _title_core(_page_title(rp.html))
    common = common_attr_words(blocks)
    for i in range(n):
        b, s = blocks[i], norms[i]
        if content[i]:
            labels[i], weights[i] = "content", rp.quality
            continue
        if (
            first is not None
            and i < first
            and first - i <= 15
            and len(s) >= 6
            and core
            and (
                s == core
                or (s in core and len(s) >= 0.6 * len(core))
                or (core in s and len(core) >= 0.8 * len(s))
            )
        ):
            labels[i], weights[i] = "content", 0.7 * rp.quality  # headline missing from gold
            continue
        if (
            first is not None
            and last is not None
            and (first - 6 <= i <= first + 2 or last < i <= last + 2)
            and len(s) <= 80
            and _BYLINE_RE.search(b.text)
        ):
            labels[i], weights[i] = "content", 0.5 * rp.quality
            continue
        labels[i] = weak_label(b, common)
        if ambiguous[i] or not s:
            weights[i] = 0.0
        elif len(s) >= 40 and b.link_density < 0.2 and labels[i] == "boilerplate":
            weights[i] = 0.1 * rp.quality  # long prose outside the gold: unsure what it is
        else:
            weights[i] = weak_w
    stats = _stats(norms, content, rp)
    assert all(lab in LABELS for lab in labels)
    return labels, weights, stats


def _stats(norms: Sequence[str], content: Sequence[bool], rp: RealPage) -> AlignStats:
    n_content = sum(content)
    if rp.gold is None:
        return AlignStats(float("nan"), float("nan"), len(norms), n_content)
    gold = _norm(rp.gold)
    cgrams: set[str] = set()
    for s, c in zip(norms, content, strict=True):
        if c:
            cgrams |= _grams(s)
    covered = [False] * len(gold)
    for i in range(len(gold) - _N + 1):
        if gold[i : i + _N] in cgrams:
            for j in range(i, i + _N):
                covered[j] = True
    gcov = sum(covered) / len(gold) if gold else float("nan")
    gg = _grams(gold)
    tot = sum(len(s) for s, c in zip(norms, content, strict=True) if c)
    inside = sum(_coverage(s, gold, gg) * len(s) for s, c in zip(norms, content, strict=True) if c)
    return AlignStats(gcov, inside / tot if tot else float("nan"), len(norms), n_content)


_TITLE_RE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)


def _page_title(html: str) -> str | None:
    m = _TITLE_RE.search(html[:100_000])
    return _html.unescape(m.group(1)).strip() if m else None


def label_real_page(rp: RealPage) -> tuple[Page, list[str], list[float], AlignStats]:
    """Read `rp` with the project's reader and align its gold to the blocks."""
    from ..read import read_page

    page = read_page(rp.html, kind="html", source=rp.page_id, url=rp.url)
    labels, weights, stats = align_gold(page, rp)
    return page, labels, weights, stats
