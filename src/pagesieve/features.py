"""Stage 3 — blocks to features: jieba words for TF-IDF, and layout words for the same model.

Everything becomes a space-separated "document" of tokens so the scikit-learn pipeline needs no
custom code (and the pickle holds no tokenizer): column 0 holds the block's words, column 1 its
layout and neighbourhood facts as pseudo-words (``ld:hi`` = mostly link text, ``a:li`` = inside a
list item, ``cf:comment`` = a class/id word that names comments, ``pw:推荐`` = a word of the short
heading just above).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from . import tokenize as _tokenize
from .limits import DEFAULT_LIMITS
from .native import compiled_part
from .script import simplified
from .tokenize import get_segmenter, tokenize_shaped
from .types import Block, Page

__all__ = [
    "ATTR_FAMILIES",
    "block_words",
    "layout_tokens",
    "page_features",
    "page_tokens",
    "shape_word",
]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Class/id words people use for each kind of region, folded into one family token each, so the
#: model generalises beyond the class names it saw in training.
ATTR_FAMILIES: dict[str, frozenset[str]] = {
    "comment": _words(
        "comment comments cmt reply replies review reviews pinglun pl discuss talk floor "
        "post-reply postreply answer answers remark remarks guestbook feedback msg"
    ),
    "nav": _words(
        "nav navbar navigation menu menus breadcrumb breadcrumbs crumb crumbs topbar top "
        "header head masthead channel channels subnav sitenav daohang mianbaoxie"
    ),
    "footer": _words(
        "footer foot bottom copyright copy icp beian about contact links friendlink flink "
        "yqlj statement disclaimer"
    ),
    "related": _words(
        "related relate recommend recommended recom rec hot hotnews rank ranking tuijian "
        "xiangguan xgyd relative more list lists news-list newslist sidebar side aside "
        "tags tag prev next pager pagination morenews"
    ),
    "ad": _words(
        "ad ads adv advert advertisement adsbygoogle sponsor sponsored guanggao gg promo "
        "promotion banner union tg tuiguang popup float couplet"
    ),
    "content": _words(
        "article content contents post main body text detail details zhengwen artical "
        "arti entry story news-content newscontent cont txt con article-content "
        "maincontent postbody readbody paragraph"
    ),
    "tool": _words(
        "share sharing login register signin signup user toolbar tools fav favorite like "
        "zan vote print font search weixin wechat qrcode code app download follow"
    ),
}
_WORD_FAMILY = {w: fam for fam, words in ATTR_FAMILIES.items() for w in words}

_WATCH_TAGS = _words(
    "ul ol li dl dt dd table tr td th nav header footer aside article main section form "
    "h1 h2 h3 h4 h5 h6 p blockquote figure figcaption pre address a span strong em time "
    "button label select option"
)
_DATE = re.compile(
    r"(?:19|20)\d{2}\s*[-/年.]\s*\d{1,2}\s*[-/月.]\s*\d{1,2}|\d{1,2}月\d{1,2}日|\d{1,2}:\d{2}"
)
_DATE_ONLY = re.compile(
    r"^[\s\[\(【(]*(?:(?:19|20)\d{2}\s*[-/年.]\s*\d{1,2}\s*[-/月.]\s*\d{1,2}日?"
    r"|\d{1,2}月\d{1,2}日)?\s*(?:\d{1,2}:\d{2}(?::\d{2})?)?[\s\]\))】]*$"
)
_NUM_ONLY = re.compile(r"^[\s(（\[]*\d[\d,.]*[万wkK]?[\s)）\]]*$")
_CONTACT = re.compile(
    r"(?:https?://|www\.|\.com|\.cn|@\w+\.|qq[:：\s]*\d{5,}|微信|加微|vx|v信|电话|热线|"
    r"1[3-9]\d{9}|\d{3,4}-\d{7,8})",
    re.I,
)
_ICP = re.compile(r"icp|备案|版权所有|copyright|©|\(c\)|公网安备|许可证", re.I)
#: A short, hand-written list of phrases that sell something third-party (labels.md's `ad`
#: examples). A feature, never the verdict: news about busting cheats says 外挂 too, and the
#: model weighs the cue against the words and layout around it.
_AD_CUES = re.compile(
    r"辅助|外挂|开挂|挂软件|透视挂|助赢|神器|必胜|稳赢|包赢|博彩|彩金|返水|真人娱乐|百家乐|时时彩|"
    r"娱乐城|投注|下注|赔率|注册就送|注册送|首充|代理招募|加微|加v|vx|加q|qq[:：]?\d|扫码|"
    r"私聊|代开|贷款|放款|无抵押|日赚|躺赚|刷单|招商|加盟|致富|荐股|牛股|"
    r"咨询热线|免费领取|点击进入|广告|推广|赞助|sponsored",
    re.I,
)
_BULLET = re.compile(r"^[•·●○◆◇▪▫■□►▶‣⁃※★☆\-*+]")
_SENT_END = re.compile(r"[。！？!?；;]")
_TRUNC = re.compile(r"(?:\.\.\.|…|。。。)\s*$")
_CJK = re.compile(r"[\u3400-\u9fff]")
_DIGIT = re.compile(r"\d")
_NUM_TOKEN = re.compile(r"^\d[\d.,:]*%?$")


def shape_word(tok: str) -> str:
    """Numbers become shape tokens (``<n4>`` for a year, ``<n2>``...); other tokens stay."""
    if _NUM_TOKEN.match(tok):
        if tok.endswith("%"):
            return "<pct>"
        digits = sum(c.isdigit() for c in tok)
        return f"<n{min(digits, 6)}>"
    return tok


#: Texts this short are memoised (words and text facts): menus, footers, bylines and teaser
#: lists repeat across the pages of a site. Longer texts rarely repeat and would bloat the memo.
_MEMO_CHARS = 300
_MEMO_SIZE = 8192


def block_words(text: str, *, max_chars: int = DEFAULT_LIMITS.max_block_chars) -> list[str]:
    """``[shape_word(t) for t in tokenize(text)]``, in one pass, memoised for short texts."""
    cut = get_segmenter()
    if len(text) <= _MEMO_CHARS:
        return list(_memo_words(text, max_chars, cut))
    return tokenize_shaped(text, shape_word, max_chars=max_chars, cut=cut)


@lru_cache(maxsize=_MEMO_SIZE)
def _memo_words(text: str, max_chars: int, cut: Callable[[str], list[str]]) -> tuple[str, ...]:
    # keyed on the segmenter too, so switching engines (tests do) never serves stale words
    return tuple(tokenize_shaped(text, shape_word, max_chars=max_chars, cut=cut))


def _bin(value: float, edges: Sequence[float]) -> int:
    """Index of the first edge >= value (len(edges) past the last)."""
    return bisect_left(edges, value)


def _run_lengths(paths: list[str]) -> list[int]:
    """For each block, how many consecutive blocks around it share its tag path (list runs)."""
    n = len(paths)
    out = [1] * n
    i = 0
    while i < n:
        j = i
        while j + 1 < n and paths[j + 1] == paths[i]:
            j += 1
        for k in range(i, j + 1):
            out[k] = j - i + 1
        i = j + 1
    return out


def layout_tokens(page: Page, words: Sequence[Sequence[str]] | None = None) -> list[list[str]]:
    """Layout and neighbourhood pseudo-words for every block of `page`.

    `words` (each block's `block_words`) is reused for the heading words when given.
    """
    if _FAST is not None:
        tokens: list[list[str]] = _FAST.layout_tokens(page, words)
        return tokens
    return _layout_tokens(page, words)


def _layout_tokens(page: Page, words: Sequence[Sequence[str]] | None) -> list[list[str]]:
    """`layout_tokens` in Python (the reference; _fastfeatures.pyx mirrors it step for step)."""
    blocks = page.blocks
    n = len(blocks)
    if n == 0:
        return []
    sizes = [len(b.text) - b.text.count(" ") for b in blocks]
    total = max(1, sum(sizes))
    biggest = max(sizes) or 1
    paths = [b.tag_path for b in blocks]
    runs = _run_lengths(paths)
    out: list[list[str]] = []
    for i, b in enumerate(blocks):
        out.append(_block_layout(page, b, i, n, sizes[i], total, biggest, paths, runs[i], words))
    return out


@lru_cache(maxsize=8192)
def _path_tokens(tag_path: str) -> tuple[str, ...]:
    tags = [t for t in tag_path.split("/") if t]
    if not tags:
        return ()
    toks = [f"t:{tags[-1]}"]
    if len(tags) > 1:
        toks.append(f"pt:{tags[-2]}")
    toks.extend(f"a:{t}" for t in sorted(set(tags[:-1]) & _WATCH_TAGS))
    toks.append(f"depth:{_bin(len(tags), (3, 5, 8, 12, 18))}")
    return tuple(toks)


@lru_cache(maxsize=8192)
def _attr_tokens(attr_words: tuple[str, ...]) -> tuple[str, ...]:
    """The families (`ATTR_FAMILIES`) of the class/id words, one ``cf:`` token each.

    The words themselves are not features: held out by site, raw class names (``c:comments``,
    ``c:com`` from an id holding a URL) got large weights from the training sites' templates and
    misled the model on every other site (README, "Evaluation").
    """
    fams = {fam for w in attr_words[:12] if (fam := _WORD_FAMILY.get(w))}
    return tuple(f"cf:{f}" for f in sorted(fams))


@lru_cache(maxsize=16)
def _link_tokens(link_kinds: tuple[str, ...]) -> tuple[str, ...]:
    """``lk:off`` (a link to another site), ``lk:adurl`` (to an ad server or click tracker):
    third-party ads link out, related lists and menus stay within the site (links.py)."""
    return tuple(f"lk:{k}" for k in link_kinds)


def _text_facts(text: str, size: int) -> tuple[str, ...]:
    """The layout words that depend on the text alone (sentences, scripts, dates, cues...)."""
    out: list[str] = []
    sents = len(_SENT_END.findall(text))
    out.append(f"sent:{_bin(sents, (0, 1, 3))}")
    if size:
        cjk = len(_CJK.findall(text)) / size
        digits = len(_DIGIT.findall(text)) / size
        out.append(f"cjk:{_bin(cjk, (0.1, 0.5, 0.8))}")
        out.append(f"dig:{_bin(digits, (0.0, 0.1, 0.3, 0.6))}")
    first_line = text.lstrip()
    if _BULLET.match(first_line):
        out.append("bullet")
    if _TRUNC.search(text):
        out.append("trunc")
    if _DATE.search(text):
        out.append("date")
    if _DATE_ONLY.match(text) and _DIGIT.search(text):
        out.append("dateonly")
    if _NUM_ONLY.match(text):
        out.append("numonly")
    if "\n" in text and _stamp_line(text):
        out.append("stamp")
    if _DIGIT.search(text) and _who_line(text):
        out.append("who")
    if _CONTACT.search(text):
        out.append("contact")
    if _ICP.search(text):
        out.append("icp")
    cues = len(_AD_CUES.findall(text[:2000]))
    if cues:
        out.append(f"adcue:{min(cues, 3)}")
    if "|" in text or "｜" in text:
        out.append("pipes")
    return tuple(out)


def _stamp_line(text: str) -> bool:
    """Whether the last line of a several-line block is only a date or a count: a teaser
    card's stamp ("2025年10月18日", "87") kept in one block with its title (text pages do)."""
    last = text.rstrip().rsplit("\n", 1)[-1]
    return bool(_DIGIT.search(last)) and bool(_DATE_ONLY.match(last) or _NUM_ONLY.match(last))


#: A user's name and when they wrote: "勤浩宇 2026年01月27日", "上岸的小陈11-05 10:13", "好运来888
#: 2026-03-14 16:02", "老王 3小时前". labels.md counts them with the comment they sign.
_WHO = re.compile(
    r"^[\s•·*-]*[^\s\d:：,，。!！?？()（）\[\]【】|｜<>《》][^\s:：,，。!！?？|｜]{0,15}?\s*"
    r"(?:(?:(?:19|20)?\d{2}\s*[-/年.]\s*)?\d{1,2}\s*[-/月.]\s*\d{1,2}日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"
    r"|\d{1,2}:\d{2}(?::\d{2})?|\d{1,3}\s*(?:秒|分钟|小时|天)前)\s*$"
)


def _who_line(text: str) -> bool:
    """Whether one of the block's first three lines is a name and a time (`_WHO`): a comment's
    signature, on its own or folded into a comment card (text pages keep cards whole)."""
    return any(len(line) <= 40 and _WHO.match(line) for line in text.split("\n", 3)[:3])


_memo_facts = lru_cache(maxsize=_MEMO_SIZE)(_text_facts)


def _tokens(prefix: str, n: int) -> tuple[str, ...]:
    return tuple(f"{prefix}:{i}" for i in range(n))


# The bin words, built once: the same string objects every block, so no formatting per block
# and their hashes are cached for the vocabulary lookups.
_LD = _tokens("ld", 3)
_LD_EDGES = (0.3, 0.7)
_LEN_EDGES = (2, 6, 12, 25, 50, 100, 200, 400)
_LEN = _tokens("len", len(_LEN_EDGES) + 1)
_LINES_EDGES = (1, 2, 4)
_LINES = _tokens("lines", len(_LINES_EDGES) + 1)
_POS = _tokens("pos", 10)
_SHARE_EDGES = (0.005, 0.02, 0.05, 0.1, 0.25)
_SHARE = _tokens("share", len(_SHARE_EDGES) + 1)
_REL_EDGES = (0.05, 0.2, 0.5, 0.99)
_REL = _tokens("rel", len(_REL_EDGES) + 1)
_RUN_EDGES = (1, 3, 9)
_RUNS = _tokens("run", len(_RUN_EDGES) + 1)


def _block_layout(
    page: Page,
    b: Block,
    i: int,
    n: int,
    size: int,
    total: int,
    biggest: int,
    paths: list[str],
    run: int,
    words: Sequence[Sequence[str]] | None,
) -> list[str]:
    text = b.text
    toks = [f"k:{page.kind}", *_path_tokens(b.tag_path), *_attr_tokens(b.attr_words)]
    if b.link_kinds:
        toks.extend(_link_tokens(b.link_kinds))
    ld = b.link_density
    toks.append(_LD[0] if ld == 0 else _LD[1] if ld >= 0.98 else _LD[bisect_left(_LD_EDGES, ld)])
    toks.append(_LEN[bisect_left(_LEN_EDGES, size)])
    toks.append(_LINES[bisect_left(_LINES_EDGES, b.lines)])
    toks.append(_POS[min(9, int(10 * i / n))])
    if i == 0:
        toks.append("first")
    if i == n - 1:
        toks.append("last")
    toks.append(_SHARE[bisect_left(_SHARE_EDGES, size / total)])
    toks.append(_REL[bisect_left(_REL_EDGES, size / biggest)])
    toks.append(_RUNS[bisect_left(_RUN_EDGES, run)])
    if i > 0 and paths[i - 1] == paths[i]:
        toks.append("sameprev")
    if i < n - 1 and paths[i + 1] == paths[i]:
        toks.append("samenext")
    toks.extend(_memo_facts(text, size) if len(text) <= _MEMO_CHARS else _text_facts(text, size))
    for j in (i - 1, i - 2):  # words of a short heading just above: 文章推荐, 评论列表, 热门
        if j >= 0:
            prev = page.blocks[j].text
            if 0 < len(prev) <= 16:
                heading = words[j] if words is not None else block_words(prev, max_chars=16)
                toks.extend(f"pw:{w}" for w in heading if len(w) > 1)
                break
    return toks


def page_tokens(
    page: Page, *, max_block_chars: int = DEFAULT_LIMITS.max_block_chars
) -> tuple[list[list[str]], list[list[str]]]:
    """Each block's words and layout tokens as lists: what `page_features` joins into strings,
    and what the compiled model (compiled.py) reads without joining and splitting again.

    A Traditional Chinese page is read in Simplified characters (script.py)."""
    page = simplified(page)
    if _FAST is not None:
        words: list[list[str]] = _FAST.page_words(page.blocks, max_block_chars)
    else:
        words = [block_words(b.text, max_chars=max_block_chars) for b in page.blocks]
    return words, layout_tokens(page, words)


def page_features(
    page: Page, *, max_block_chars: int = DEFAULT_LIMITS.max_block_chars
) -> np.ndarray:
    """An (n_blocks, 2) object array: words and layout tokens, each a space-joined string."""
    words, layout = page_tokens(page, max_block_chars=max_block_chars)
    rows = np.empty((len(page.blocks), 2), dtype=object)
    for i in range(len(page.blocks)):
        rows[i, 0] = " ".join(words[i])
        rows[i, 1] = " ".join(layout[i])
    return rows


def _load_fast() -> Any:
    """The compiled `layout_tokens` and `_text_facts` (`_fastfeatures`), or None: not built, or
    ``PAGESIEVE_PURE=1`` (the switch the equality tests use, shared with segment_html)."""
    fast_scan = compiled_part("_fasttokenize")
    if fast_scan is not None:  # shape_word's rule for the scan's numbers (all match _NUM_TOKEN)
        fast_scan.set_number_shape(shape_word, tuple(f"<n{i}>" for i in range(7)), "<pct>")
    _fastfeatures = compiled_part("_fastfeatures")
    if _fastfeatures is None:
        return None
    # `page_words` reads block_words' helpers here, and tokenize's compiled part there
    _fastfeatures.init_words(globals(), vars(_tokenize))
    _fastfeatures.init_facts(
        _BULLET, _TRUNC, _DATE, _DATE_ONLY, _NUM_ONLY, _CONTACT, _ICP, _AD_CUES, _stamp_line,
        _who_line,
    )
    _fastfeatures.init(  # unmemoised: the compiled code keeps its own memos
        _path_tokens.__wrapped__, _attr_tokens.__wrapped__, _link_tokens.__wrapped__,
        _MEMO_SIZE, block_words, _MEMO_CHARS,
        _LD, _LEN, _LEN_EDGES, _LINES, _LINES_EDGES, _POS, _SHARE, _SHARE_EDGES, _REL,
        _REL_EDGES, _RUNS, _RUN_EDGES, _LD_EDGES,
    )
    return _fastfeatures


#: The compiled `layout_tokens` when built, else None (the Python one); see `_load_fast`.
_FAST = _load_fast()
