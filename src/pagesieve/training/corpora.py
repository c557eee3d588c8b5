"""Loaders for the text corpora under ``shared/data``, read at train time (never copied).

Each loader returns plain strings (or `Article`s), sampled deterministically with a seed and
capped so the whole training set builds in well under a minute on one core. What each corpus
is used for:

=============================  =====================================================  ==========
corpus                         what is taken                                          used as
=============================  =====================================================  ==========
sina-news-2018                 title + paragraphs (in-article promo links dropped)    content
sogou-news-smarty              title + paragraphs (full-width ASCII folded, mojibake  content
                               documents skipped)
thucnews-fulltext-mini         body split into paragraphs (title is glued to the      content
                               body in the source, so the first sentence is dropped)
fewclue-tnews                  Toutiao headlines                                      related
headlines-baowen               feed headlines (viral and ordinary)                    related
gamble-blocks/other_titles     non-gambling news titles (incl. game news)             related,
                                                                                      hard neg.
reviews-chinesenlpcorpus       hotel / takeaway / shopping reviews                    comment
fewclue-eprstmt                e-commerce reviews                                     comment
weibo-comments-osm2022         Weibo comments on news events                          comment
trec06c-sample ham             the reply part of BBS-style mails (quotes dropped)     comment,
                                                                                      forum post
mcchat-ads label 0             ordinary game chat                                     comment
mcchat-ads label 1             cheat-client / account-selling chat ads (filtered      ad
                               for a selling cue, the corpus has noisy 1s)
gamble-blocks/gamble.txt       text blocks of gambling sites                          ad
trec06c-sample spam            spam mails, cut into paragraphs (mostly fake invoices) ad
=============================  =====================================================  ==========

`sensitive-lexicon` and `sensitive-stop-words` are deliberately *not* read here: term lists
misfire and must never decide a label (they may be model features, elsewhere).
"""

from __future__ import annotations

import csv
import json
import random
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "HARD_NEGATIVE_RE",
    "Article",
    "Caps",
    "Corpora",
    "load_ad_cheat",
    "load_ad_gamble",
    "load_ad_spam",
    "load_articles",
    "load_chat",
    "load_comments",
    "load_corpora",
    "load_forum_replies",
    "load_headlines",
    "load_neg_titles",
]

#: Words that make an article a *hard negative*: it is genuine content although it talks about
#: cheats, lotteries, invoices, gambling or loans (the ad vocabulary).
HARD_NEGATIVE_RE = re.compile(
    r"外挂|开挂|作弊|彩票|彩民|足彩|体彩|福彩|双色球|大乐透|中奖|发票|开票|税务|博彩|赌博|赌场|"
    r"诈骗|贷款|网贷|辅助软件|私服|刷单"
)

_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20
# Full-width digits/letters only (keep Chinese punctuation such as ，。（）as it is).
_FW_ALNUM = {
    c: c - 0xFEE0
    for c in [
        *range(0xFF10, 0xFF1A),
        *range(0xFF21, 0xFF3B),
        *range(0xFF41, 0xFF5B),
        0xFF0E,
        0xFF05,
    ]
}
# In-article promo links of the sina corpus: "[新浪球通专家团助你足彩红单！][特惠充值]".
_PROMO_RE = re.compile(r"\[[^\[\]]{2,30}\](?=\s*\[|\s*$)")
_PROMO_WORDS = re.compile(r"充值|下载|APP|预测|红单|专家|新人|优惠|领取|大奖|彩")


@dataclass(frozen=True, slots=True)
class Article:
    """A news article: headline and body paragraphs (no empty paragraph)."""

    title: str
    paragraphs: tuple[str, ...]
    corpus: str
    category: str = ""

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass(frozen=True, slots=True)
class Caps:
    """Upper bounds on how many items each loader keeps (after filtering)."""

    articles_per_corpus: int = 700
    headlines: int = 7000
    neg_titles: int = 5000
    comments: int = 9000
    forum_replies: int = 1500
    chat: int = 1500
    ad_gamble: int = 3000
    ad_cheat: int = 600
    ad_spam: int = 2500


@dataclass(frozen=True, slots=True)
class Corpora:
    """Everything the composer draws text from, already sampled."""

    articles: tuple[Article, ...]
    #: Articles that mention cheats / lotteries / invoices / gambling but are genuine content.
    hard_articles: tuple[Article, ...]
    headlines: tuple[str, ...]
    #: Non-gambling titles (THUCNews classes incl. game news): teasers and hard negatives.
    neg_titles: tuple[str, ...]
    comments: tuple[str, ...]
    forum_replies: tuple[str, ...]
    chat: tuple[str, ...]
    ad_gamble: tuple[str, ...]
    ad_cheat: tuple[str, ...]
    ad_spam: tuple[str, ...]

    def sizes(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in self.__dataclass_fields__}


# --------------------------------------------------------------------------- helpers


def _jsonl(path: Path) -> Iterator[dict[str, object]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line:
                try:
                    row = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if isinstance(row, dict):
                    yield row


def _sample(
    items: Iterable[str],
    n: int,
    rng: random.Random,
    keep: Callable[[str], bool] | None = None,
    clean: Callable[[str], str] | None = None,
) -> tuple[str, ...]:
    """A seeded sample of at most `n` distinct items passing `keep`, in their original order.

    Items are visited in a seeded random order and cleaned/filtered lazily, so a big corpus
    costs only as much work as the sample needs.
    """
    pool = list(items)
    order = rng.sample(range(len(pool)), len(pool))
    chosen: dict[str, int] = {}
    for i in order:
        x = clean(pool[i]) if clean else pool[i]
        if x and x not in chosen and (keep is None or keep(x)):
            chosen[x] = i
            if len(chosen) >= n:
                break
    return tuple(sorted(chosen, key=chosen.__getitem__))


def _cjk_ratio(s: str) -> float:
    return len(_CJK_RE.findall(s)) / len(s) if s else 0.0


def _clean(s: str) -> str:
    s = s.replace("\ufffd", "").replace("\u3000", " ")
    return re.sub(r"[ \t\r\f\v]+", " ", s).strip()


def _split_sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[。！？!?；])", text)
    return [p for p in (x.strip() for x in parts) if p]


def _group_sentences(sents: list[str], rng: random.Random, lo: int = 2, hi: int = 5) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(sents):
        k = rng.randint(lo, hi)
        out.append("".join(sents[i : i + k]))
        i += k
    return out


def _good_paragraphs(paras: Iterable[str]) -> tuple[str, ...]:
    out = []
    for p in paras:
        p = _clean(p)
        if len(p) >= 4 and _cjk_ratio(p) >= 0.3:
            out.append(p)
    return tuple(out)


# --------------------------------------------------------------------------- content


def _sina(data: Path) -> Iterator[Article]:
    path = data / "sina-news-2018" / "articles.jsonl"
    if not path.exists():
        return
    for row in _jsonl(path):
        title, body = str(row.get("title") or ""), str(row.get("content") or "")
        paras = []
        for p in body.split("\n"):
            p = p.strip()
            # Drop the promo-link tails ("[新浪球通专家团助你足彩红单！]") the scrape kept.
            while True:
                m = list(_PROMO_RE.finditer(p))
                if not m or not _PROMO_WORDS.search(m[-1].group(0)):
                    break
                p = p[: m[-1].start()].rstrip()
            if p:
                paras.append(p)
        ps = _good_paragraphs(paras)
        if title and ps:
            yield Article(_clean(title), ps, "sina-news-2018", str(row.get("category") or ""))


def _sogou(data: Path) -> Iterator[Article]:
    path = data / "sogou-news-smarty" / "docs.jsonl"
    if not path.exists():
        return
    for row in _jsonl(path):
        title, body = str(row.get("title") or ""), str(row.get("content") or "")
        if re.search(r"\?[^\s，。]{0,3}\?", body) or body.count("?") > 3:
            continue  # mojibake runs of the SogouCA release
        body = body.translate(_FW_ALNUM)
        ps = _good_paragraphs(re.split(r"[\ue000-\uf8ff\n]+", body))
        if title and ps and sum(map(len, ps)) >= 60:
            yield Article(_clean(title.translate(_FW_ALNUM)), ps, "sogou-news-smarty")


def _thuc(data: Path, rng: random.Random) -> Iterator[Article]:
    path = data / "thucnews-fulltext-mini" / "cnews_b.jsonl"
    if not path.exists():
        return
    for row in _jsonl(path):
        sents = _split_sentences(str(row.get("text") or ""))
        if len(sents) < 4:
            continue
        # The title is glued to the first sentence: drop it, and use the second as a headline
        # stand-in trimmed at a comma (a lede-like title).
        body = sents[1:]
        title = re.split(r"[，,：:]", body[0])[0][:28].rstrip("。！？")
        if len(title) < 8:
            title = body[0][:24].rstrip("。！？，")
        ps = _good_paragraphs(_group_sentences(body, rng))
        if ps:
            yield Article(title, ps, "thucnews-fulltext-mini", str(row.get("label") or ""))


def load_articles(
    data: Path, rng: random.Random, cap_per_corpus: int = 700
) -> tuple[tuple[Article, ...], tuple[Article, ...]]:
    """(ordinary articles, hard-negative articles), both sampled per corpus."""
    ordinary: list[Article] = []
    hard: list[Article] = []
    for arts in (list(_sina(data)), list(_sogou(data)), list(_thuc(data, rng))):
        h = [a for a in arts if HARD_NEGATIVE_RE.search(a.title + a.text)]
        o = [a for a in arts if not HARD_NEGATIVE_RE.search(a.title + a.text)]
        for src, dst, n in ((o, ordinary, cap_per_corpus), (h, hard, cap_per_corpus // 3)):
            if len(src) > n:
                src = [src[i] for i in sorted(rng.sample(range(len(src)), n))]
            dst.extend(src)
    return tuple(ordinary), tuple(hard)


# --------------------------------------------------------------------------- teasers


def load_headlines(data: Path, rng: random.Random, cap: int = 7000) -> tuple[str, ...]:
    lines: list[str] = []
    tn = data / "fewclue-tnews"
    if tn.exists():
        for f in sorted(tn.glob("*.json")):
            if f.name.startswith("label_"):
                continue
            lines.extend(str(r.get("sentence") or "") for r in _jsonl(f))
    bw = data / "headlines-baowen" / "headlines.tsv"
    if bw.exists():
        with bw.open(encoding="utf-8") as fh:
            for row in csv.reader(fh, delimiter="\t"):
                if len(row) >= 3 and row[0] != "split":
                    lines.append(row[2])
    return _sample(
        lines, cap, rng, keep=lambda x: 6 <= len(x) <= 60 and _cjk_ratio(x) > 0.4, clean=_clean
    )


def load_neg_titles(data: Path, rng: random.Random, cap: int = 5000) -> tuple[str, ...]:
    path = data / "gamble-blocks" / "other_titles.tsv"
    if not path.exists():
        return ()
    out = []
    with path.open(encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter="\t"):
            if len(row) >= 2 and row[0] != "label":
                out.append(row[1])
    return _sample(out, cap, rng, keep=lambda x: len(x) >= 6 and _cjk_ratio(x) > 0.4, clean=_clean)


# --------------------------------------------------------------------------- comments


def load_comments(data: Path, rng: random.Random, cap: int = 9000) -> tuple[str, ...]:
    """Short user-written texts (reviews and Weibo comments), mixed evenly by source."""
    pools: list[list[str]] = []
    rv = data / "reviews-chinesenlpcorpus"
    for name in ("ChnSentiCorp_htl_all.csv", "waimai_10k.csv", "online_shopping_10_cats.csv"):
        f = rv / name
        if not f.exists():
            continue
        with f.open(encoding="utf-8-sig") as fh:
            pools.append([r.get("review") or "" for r in csv.DictReader(fh)])
    ep = data / "fewclue-eprstmt"
    if ep.exists():
        pool: list[str] = []
        for f in sorted(ep.glob("*.json")):
            pool.extend(str(r.get("sentence") or "") for r in _jsonl(f))
        pools.append(pool)
    wb = data / "weibo-comments-osm2022" / "comments.jsonl"
    if wb.exists():
        wpool = [str(r.get("text") or "") for r in _jsonl(wb)]
        pools.extend([wpool, wpool])  # the closest to news comments: weigh it double
    if not pools:
        return ()
    share = max(1, cap // len(pools))
    out: list[str] = []
    for p in pools:
        out.extend(
            _sample(
                p,
                share,
                rng,
                keep=lambda x: 4 <= len(x) <= 300 and _cjk_ratio(x) > 0.3,
                clean=_clean,
            )
        )
    return _sample(out, cap, rng)


_QUOTE_RE = re.compile(r"^\s*(:|：|>|【\s*在.*(提到|写道)|※|--\s*$|发信人|标\s*题|发信站)")


def _mails(data: Path) -> list[dict[str, object]]:
    path = data / "trec06c-sample" / "emails.jsonl"
    return list(_jsonl(path)) if path.exists() else []


def load_forum_replies(
    data: Path, rng: random.Random, cap: int = 1500, mails: list[dict[str, object]] | None = None
) -> tuple[str, ...]:
    """The reply part of ham mails (most are BBS-style replies); quoted lines dropped."""
    out = []
    for row in mails if mails is not None else _mails(data):
        if row.get("label") != "ham":
            continue
        lines = []
        for ln in str(row.get("body") or "").splitlines():
            if _QUOTE_RE.match(ln):
                continue
            ln = _clean(ln)
            if ln:
                lines.append(ln)
        text = "".join(lines)
        if 8 <= len(text) <= 400 and _cjk_ratio(text) > 0.5:
            out.append(text)
    return _sample(out, cap, rng)


def _mc_lines(data: Path) -> list[tuple[str, int]]:
    d = data / "mcchat-ads"
    out: list[tuple[str, int]] = []
    for name in ("mc_qq_group.txt", "train.txt", "test.txt"):
        f = d / name
        if not f.exists():
            continue
        for ln in f.read_text(encoding="utf-8", errors="replace").splitlines():
            text, sep, tag = ln.rpartition("==")
            if sep and tag.strip() in ("0", "1"):
                out.append((_clean(text), int(tag)))
    for name, lab in (("learning_ads.txt", 1), ("learning_chatting.txt", 0)):
        f = d / name
        if f.exists():
            out.extend((_clean(x), lab) for x in f.read_text(encoding="utf-8").splitlines())
    return out


def load_chat(data: Path, rng: random.Random, cap: int = 1500) -> tuple[str, ...]:
    good = (t for t, lab in _mc_lines(data) if lab == 0 and len(t) >= 4 and _cjk_ratio(t) > 0.3)
    return _sample(good, cap, rng)


# A selling / contact cue: the mcchat 1-labels include insults and questions, not ads.
_SELL_RE = re.compile(
    r"出售|售|卖|收|价|元|r\b|\d{5,}|加[我qQ群微v]|私聊|联系|定制|免费|地址|官网|下载|代|租|招|"
    r"群|vx|VX|wx|扣扣|外挂|挂|端|充值|账号|号"
)


def load_ad_cheat(data: Path, rng: random.Random, cap: int = 600) -> tuple[str, ...]:
    good = (t for t, lab in _mc_lines(data) if lab == 1 and len(t) >= 8 and _SELL_RE.search(t))
    return _sample(good, cap, rng)


def load_ad_gamble(data: Path, rng: random.Random, cap: int = 3000) -> tuple[str, ...]:
    path = data / "gamble-blocks" / "gamble.txt"
    if not path.exists():
        return ()
    lines = [_clean(x) for x in path.read_text(encoding="utf-8").splitlines()]
    return _sample((x for x in lines if len(x) >= 4 and _cjk_ratio(x) > 0.25), cap, rng)


def load_ad_spam(
    data: Path, rng: random.Random, cap: int = 2500, mails: list[dict[str, object]] | None = None
) -> tuple[str, ...]:
    """Spam mails cut into paragraph-sized chunks (subject lines included)."""
    out = []
    for row in mails if mails is not None else _mails(data):
        if row.get("label") != "spam":
            continue
        subj = _clean(str(row.get("subject") or ""))
        if len(subj) >= 6 and _cjk_ratio(subj) > 0.4:
            out.append(subj)
        body = str(row.get("body") or "")
        chunks = re.split(r"\n\s*\n", body)
        for ch in chunks:
            text = _clean("".join(x.strip() for x in ch.splitlines()))
            if 10 <= len(text) <= 300 and _cjk_ratio(text) > 0.45:
                out.append(text)
            elif len(text) > 300 and _cjk_ratio(text) > 0.45:
                out.extend(_group_sentences(_split_sentences(text)[:6], rng, 1, 3))
    return _sample((x for x in out if len(x) >= 8), cap, rng)


def load_corpora(data: Path, *, seed: int = 0, caps: Caps | None = None) -> Corpora:
    """Load and sample every corpus (missing folders give empty tuples, never an error)."""
    caps = caps or Caps()
    data = Path(data)
    rng = random.Random(f"corpora-{seed}")
    mails = _mails(data)
    articles, hard = load_articles(data, rng, caps.articles_per_corpus)
    return Corpora(
        articles=articles,
        hard_articles=hard,
        headlines=load_headlines(data, rng, caps.headlines),
        neg_titles=load_neg_titles(data, rng, caps.neg_titles),
        comments=load_comments(data, rng, caps.comments),
        forum_replies=load_forum_replies(data, rng, caps.forum_replies, mails),
        chat=load_chat(data, rng, caps.chat),
        ad_gamble=load_ad_gamble(data, rng, caps.ad_gamble),
        ad_cheat=load_ad_cheat(data, rng, caps.ad_cheat),
        ad_spam=load_ad_spam(data, rng, caps.ad_spam, mails),
    )
