"""Realistic synthetic pages, plain text and HTML, with a label for every block.

A page is first *planned* as a list of `Section`s (top bar, navigation, breadcrumb, the article,
share bar, tags, previous/next, related list, comments, sidebar boxes, footer...), each made of
`Item`s made of `Part`s, every part carrying its label. The same plan is then *rendered* either
as plain text (the way an extractor dumps a page: see the seed page) or as HTML, in the style of
its `Family`. A family stands for one site: a host name, a site name, its own navigation and
footer (the same on each of its pages), and for HTML its tag choices and class/id names drawn
from several vocabularies (semantic English, pinyin, abbreviations, meaningless ``c-x12``), so
the model must learn text *and* layout rather than one template. Site-split evaluation can hold
whole families out: every page's host is its family's.

The rendered page is read with the project's own reader (`read_page`), and each block gets the
majority label of the characters it covers: for text pages through the blocks' character
offsets, for HTML by finding the block texts, in order, in the stream of labelled text the
renderer emitted (whitespace ignored). A block whose characters disagree gets a lower weight; a
block that cannot be found (should not happen) gets weight 0.

What varies: page type (news portal, content farm like the seed page, blog, forum thread,
channel list page, and ad pages whose whole body is an advert), the number of paragraphs and of
every list, the presence, order and place of each section, and where ads hide (teaser lists,
spam comments, sidebar slots, in-body lines, or the whole main text). Hard negatives on purpose:
corpus articles and own sentences about police catching cheat makers, official lottery draws and
invoice rules are `content`; comments complaining about cheaters are `comment`.
"""

from __future__ import annotations

import html as _html
import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..types import LABELS, Block, Page
from . import templates as T
from .corpora import Article, Corpora

__all__ = [
    "ComposedPage",
    "Family",
    "Item",
    "Part",
    "Section",
    "align_html",
    "align_text",
    "compose_page",
    "make_families",
    "plan_page",
    "render_html",
    "render_text",
    "segment",
]

PAGE_TYPES = ("news", "farm", "blog", "forum", "list", "adpage")


# --------------------------------------------------------------------------- the plan


@dataclass(slots=True)
class Part:
    text: str
    label: str
    #: What the part is, for the renderers: title, snippet, date, count, link, para, subhead,
    #: caption, meta, editor, user, time, widget, sep, heading, num, text.
    role: str = "text"
    link: bool = False


@dataclass(slots=True)
class Item:
    parts: list[Part]

    @property
    def label(self) -> str:
        c: Counter[str] = Counter()
        for p in self.parts:
            c[p.label] += len(p.text)
        return c.most_common(1)[0][0] if c else "boilerplate"


@dataclass(slots=True)
class Section:
    #: topbar, header, nav, breadcrumb, article, share, tail, tags, prevnext, related, cmtform,
    #: comments, hot, adslot, follow, tagcloud, blogside, footer, list, pagination, thread, gotop
    role: str
    region: str  # top | main | side | bottom
    heading: Part | None = None
    items: list[Item] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Family:
    """One synthetic site: its host, name, furniture and (HTML) template choices."""

    fid: str
    kind: str  # "html" | "text"
    host: str
    site: str
    main_type: str
    seed: int
    channels: tuple[str, ...]
    footer_links: tuple[str, ...]
    # html template choices
    classes: tuple[tuple[str, str], ...] = ()
    ids: tuple[tuple[str, str], ...] = ()
    list_style: str = "ul"
    para_tag: str = "p"
    title_tag: str = "h1"
    heading_tag: str = "h3"
    html5: bool = False
    side_first: bool = False
    content_wrapper: bool = False
    link_sep: str = ""
    # text rendering choices
    bullet: str = "  • "
    sub_indent: str = "    "
    blank_between: bool = True
    text_nav: int = 0  # 0 none, 1 one line joined, 2 one per line
    #: Extra rows of a portal's mega-menu (0 for most sites).
    nav_rows: int = 0
    #: Whether spans inside items carry role classes ("date", "count", "snippet"...).
    span_cls: bool = False
    #: An old-style page: main column and sidebar are cells of one layout table.
    table_layout: bool = False

    def cls(self, role: str) -> str | None:
        return dict(self.classes).get(role)

    def id_(self, role: str) -> str | None:
        return dict(self.ids).get(role)


def _pick(rng: random.Random, seq: Sequence[str], k: int) -> list[str]:
    k = max(0, min(k, len(seq)))
    return rng.sample(list(seq), k)


def make_families(seed: int, n_html: int = 60, n_text: int = 24) -> list[Family]:
    """Deterministic site families; hosts are unique and end in a reserved TLD-like suffix."""
    out: list[Family] = []
    used: set[str] = set()
    type_weights = {
        "html": (
            ("news", 36),
            ("farm", 18),
            ("blog", 13),
            ("forum", 14),
            ("list", 6),
            ("adpage", 7),
        ),
        "text": (("farm", 40), ("news", 30), ("blog", 10), ("forum", 12), ("adpage", 8)),
    }
    for kind, n in (("html", n_html), ("text", n_text)):
        for i in range(n):
            rng = random.Random(f"family-{seed}-{kind}-{i}")
            (pz, pl), (sz, sl, tld) = rng.choice(T.SITE_PREFIX), rng.choice(T.SITE_SUFFIX)
            host = f"www.{pl}{sl}.{tld}"
            while host in used:
                host = f"www.{pl}{sl}{rng.randint(2, 99)}.{tld}"
            used.add(host)
            names, weights = zip(*type_weights[kind], strict=True)
            main_type = rng.choices(names, weights)[0]
            channels = tuple(_pick(rng, T.CHANNELS, rng.randint(6, 40)))
            if "首页" not in channels:
                channels = ("首页", *channels)
            footer_links = tuple(_pick(rng, T.FOOTER_LINKS, rng.randint(3, 12)))
            # class vocabulary: a dominant style, some roles from another, some without class
            dom = rng.choice(
                ["semantic", "semantic", "pinyin", "abbrev", "meaningless", "meaningless"]
            )
            classes = []
            ids = []
            for role in T.ROLES:
                r = rng.random()
                if r < 0.22:
                    continue
                style = (
                    dom if r < 0.8 else rng.choice(["semantic", "pinyin", "abbrev", "meaningless"])
                )
                if style == "meaningless":
                    c = T.meaningless_class(rng)
                else:
                    c = rng.choice(T.CLASS_VOCAB[style].get(role) or [T.meaningless_class(rng)])
                if rng.random() < 0.35:
                    c = f"{c} {T.meaningless_class(rng)}"
                classes.append((role, c))
                if rng.random() < 0.12:
                    ids.append((role, c.split()[0].replace("-", "_") + str(rng.randint(1, 9))))
            out.append(
                Family(
                    fid=f"{kind}-{i:02d}",
                    kind=kind,
                    host=host,
                    site=pz + sz,
                    main_type=main_type,
                    seed=rng.randrange(1 << 30),
                    channels=channels,
                    footer_links=footer_links,
                    classes=tuple(classes),
                    ids=tuple(ids),
                    list_style=rng.choice(["ul", "ul", "ul", "div", "div", "table", "dl", "ol"]),
                    para_tag=rng.choice(["p", "p", "p", "p", "div", "br"]),
                    title_tag=rng.choice(["h1", "h1", "h1", "h2", "div", "strong"]),
                    heading_tag=rng.choice(["h2", "h3", "h3", "h4", "div", "span", "strong"]),
                    html5=rng.random() < 0.4,
                    side_first=rng.random() < 0.25,
                    content_wrapper=rng.random() < 0.35,
                    link_sep=rng.choice(["", "", " | ", "|", " ", "·", " / "]),
                    bullet=rng.choice(["  • ", "  • ", "• ", "- ", "* ", "· ", "  ○ ", "  - "]),
                    sub_indent=rng.choice(["    ", "    ", "  ", "      ", "\t"]),
                    blank_between=rng.random() < 0.75,
                    text_nav=rng.choice([0, 0, 0, 1, 2]),
                    span_cls=rng.random() < 0.35,
                    table_layout=kind == "html" and rng.random() < 0.15,
                    nav_rows=rng.choice([0, 0, 0, 0, 2, 4, 6, 9])
                    if kind == "html"
                    else rng.choice([0, 0, 0, 2]),
                )
            )
    return out


# --------------------------------------------------------------------------- plan helpers

B, C, CM, R, AD = "boilerplate", "content", "comment", "related", "ad"


def _p(text: str, label: str, role: str = "text", link: bool = False) -> Part:
    return Part(text, label, role, link)


def _one(text: str, label: str, role: str = "text", link: bool = False) -> Item:
    return Item([_p(text, label, role, link)])


def _fmt(rng: random.Random, t: str, fam: Family, **kw: object) -> str:
    vals: dict[str, object] = {
        "site": fam.site,
        "url": f"https://{fam.host}/{rng.randint(2015, 2026)}/{rng.randint(100000, 999999)}.html",
        "author": T.person(rng),
        "n": rng.randint(1, 60),
        "m": rng.choice(T.MEDIA),
        "p": T.person(rng),
        "d": T.date(rng),
        "city": rng.choice(T.CITIES),
        "x": "",
        "ch": rng.choice(fam.channels),
        "y": rng.randint(2008, 2025),
        "mo": rng.randint(1, 12),
    }
    vals.update(kw)
    return t.format(**vals)


def _user_stat(rng: random.Random, template: str, fam: Family) -> str:
    """A forum user-stat line (posts, points, credit, level) from one of `T.USER_STATS`."""
    return _fmt(
        rng,
        template,
        fam,
        a=rng.randint(1, 9999),
        b=rng.randint(1, 99999),
        c=rng.randint(1, 500),
        lv=rng.choice(T.USER_LEVELS),
    )


#: Share of text pages that are brief (`_plan_brief`).
BRIEF_SHARE = 0.15


def _truncate(s: str, rng: random.Random, lo: int = 40, hi: int = 120) -> str:
    n = rng.randint(lo, hi)
    return s if len(s) <= n else s[:n] + rng.choice(["...", "…", "", "……"])


class _Pools:
    """Seeded draws from the corpora, with own-template fallbacks when a corpus is absent."""

    def __init__(self, corp: Corpora, rng: random.Random) -> None:
        self.c, self.rng = corp, rng

    def article(self, hard: bool = False) -> Article:
        pool = self.c.hard_articles if hard and self.c.hard_articles else self.c.articles
        if not pool:
            rng = self.rng
            paras = tuple(T.hard_line(rng, "content") for _ in range(rng.randint(2, 6)))
            return Article(T.hard_line(rng, "title"), paras, "own")
        return self.rng.choice(pool)

    def headline(self) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.55 and self.c.headlines:
            return rng.choice(self.c.headlines)
        if r < 0.85 and self.c.neg_titles:
            return rng.choice(self.c.neg_titles)
        if r < 0.88 or not self.c.articles:
            return T.hard_line(rng, "title")
        return rng.choice(self.c.articles).title

    def snippet(self) -> str:
        a = self.article(hard=self.rng.random() < 0.1)
        return _truncate(a.paragraphs[0], self.rng, 40, 140)

    def comment(self, game: bool = False) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.07:
            return T.hard_line(rng, "comment")
        if game and self.c.chat and r < 0.4:
            return rng.choice(self.c.chat)
        if self.c.comments:
            return rng.choice(self.c.comments)
        return T.hard_line(rng, "comment")

    def reply(self) -> str:
        rng = self.rng
        if self.c.forum_replies and rng.random() < 0.5:
            return rng.choice(self.c.forum_replies)
        return self.comment(game=rng.random() < 0.3)

    def ad(self, short: bool = False) -> str:
        """An advert text: own templates (the labels guide's kinds) or an ad corpus line."""
        rng = self.rng
        r = rng.random()
        if r < 0.3:
            return T.ad_line(rng)
        if r < 0.55:
            return T.commercial_ad(rng)
        if r < 0.7 and self.c.ad_gamble:
            return rng.choice(self.c.ad_gamble)
        if r < 0.85 and self.c.ad_spam:
            s = rng.choice(self.c.ad_spam)
            return _truncate(s, rng, 20, 60) if short else s
        if self.c.ad_cheat:
            return rng.choice(self.c.ad_cheat)
        return T.ad_line(rng)

    def ad_card(self) -> tuple[str, str]:
        rng = self.rng
        k = rng.random()
        if k < 0.35:
            return T.cheat_title(rng), T.cheat_snippet(rng)
        if k < 0.5:
            return T.gambling_line(rng), self.ad()
        if k < 0.8:
            return T.promo_line(rng), T.commercial_ad(rng)
        return _truncate(self.ad(), rng, 14, 34), self.ad()


def _card(
    rng: random.Random,
    title: str,
    label: str,
    snippet: str | None,
    *,
    date_p: float = 0.6,
    count_p: float = 0.4,
) -> Item:
    parts = [_p(title, label, "title", link=True)]
    if snippet:
        parts.append(_p(snippet, label, "snippet"))
    if rng.random() < date_p:
        parts.append(_p(T.date(rng), label, "date"))
    if rng.random() < count_p:
        parts.append(_p(T.count_text(rng), label, "count"))
    return Item(parts)


def _related(
    rng: random.Random,
    pools: _Pools,
    fam: Family,
    *,
    n: int,
    ads: int,
    snippets: bool,
    heading: str | None,
    region: str = "main",
    role: str = "related",
) -> Section:
    items = []
    for _ in range(n):
        items.append(
            _card(
                rng,
                pools.headline(),
                R,
                pools.snippet() if snippets else None,
                date_p=0.7 if snippets else 0.4,
                count_p=0.5 if snippets else 0.15,
            )
        )
    for _ in range(ads):
        t, s = pools.ad_card()
        items.insert(
            rng.randrange(len(items) + 1),
            _card(
                rng,
                t,
                AD,
                s if snippets else None,
                date_p=0.7 if snippets else 0.4,
                count_p=0.5 if snippets else 0.15,
            ),
        )
    h = _p(heading, R, "heading") if heading else None
    return Section(role, region, h, items)


def _nav(rng: random.Random, fam: Family) -> Section:
    items = [_one(c, B, "link", True) for c in fam.channels]
    if fam.nav_rows:
        nrng = random.Random(fam.seed + 1)  # the same menu on every page of the site
        items = [Item([_p(c, B, "link", True) for c in fam.channels])]
        for _ in range(fam.nav_rows):
            head = nrng.choice(T.CHANNELS)
            subs = _pick(nrng, T.CHANNELS + T.SUBCHANNELS, nrng.randint(4, 14))
            items.append(Item([_p(head, B, "link", True)] + [_p(x, B, "link", True) for x in subs]))
    return Section("nav", "top", None, items)


def _topbar(rng: random.Random, fam: Family) -> Section:
    items = [_one(x, B, "link", True) for x in _pick(rng, T.TOPBAR, rng.randint(2, 8))]
    if rng.random() < 0.4:
        items.insert(
            0,
            _one(
                f"欢迎来到{fam.site}！"
                if rng.random() < 0.5
                else T.date(rng, 2) + " " + rng.choice(["星期一", "星期三", "星期五", "周日"]),
                B,
            ),
        )
    return Section("topbar", "top", None, items)


def _header(rng: random.Random, fam: Family) -> Section:
    items = [_one(fam.site, B, "link", True)]
    if rng.random() < 0.5:
        items.append(_one(rng.choice(["搜索", "搜 索", "站内搜索", "Search"]), B, "widget"))
    if rng.random() < 0.3:
        items.append(_one(rng.choice(["热门搜索：", "热搜："]), B))
        items.extend(_one(w, B, "link", True) for w in _pick(rng, T.CHANNELS, rng.randint(2, 5)))
    return Section("header", "top", None, items)


def _breadcrumb(rng: random.Random, fam: Family) -> Section:
    sep = rng.choice(T.BREAD_SEP)
    parts = []
    if rng.random() < 0.4:
        parts.append(_p(rng.choice(T.BREAD_HERE[1:]), B))
    for i, ch in enumerate(["首页", *_pick(rng, fam.channels[1:], rng.randint(1, 2))]):
        if i:
            parts.append(_p(sep, B, "sep"))
        parts.append(_p(ch, B, "link", True))
    if rng.random() < 0.6:
        parts.extend([_p(sep, B, "sep"), _p("正文", B)])
    return Section("breadcrumb", "top", None, [Item(parts)])


def _footer(rng: random.Random, fam: Family) -> Section:
    frng = random.Random(fam.seed)  # the site's footer is the same on every page
    items = [Item([_p(x, B, "link", True) for x in fam.footer_links])]
    if frng.random() < 0.35:
        items.append(
            Item(
                [_p("友情链接：", B)]
                + [
                    _p(
                        frng.choice(T.SITE_PREFIX)[0] + frng.choice(T.SITE_SUFFIX)[0],
                        B,
                        "link",
                        True,
                    )
                    for _ in range(frng.randint(3, 10))
                ]
            )
        )
    items.append(_one(T.copyright_line(frng, fam.site, fam.host.removeprefix("www.")), B))
    for _ in range(frng.randint(0, 3)):
        items.append(_one(T.icp(frng), B, "link", frng.random() < 0.5))
    if frng.random() < 0.6:
        contact = T.footer_contact(frng, fam.site, fam.host.removeprefix("www."))
        items.extend(_one(x, B) for x in contact[: frng.randint(2, len(contact))])
    if frng.random() < 0.5:
        items.append(_one(_fmt(frng, frng.choice(T.FOLLOW), fam), B))
    return Section("footer", "bottom", None, items)


def _share(rng: random.Random) -> Section:
    items = [_one(x, B, "link", rng.random() < 0.7) for x in _pick(rng, T.SHARE, rng.randint(2, 8))]
    return Section("share", "main", None, items)


def _comment_items(
    rng: random.Random, pools: _Pools, n: int, spam: int, *, game: bool = False
) -> list[Item]:
    items = []
    for _ in range(n):
        user = T.user_name(rng)
        if rng.random() < 0.2:
            user = f"{rng.choice(T.CITIES)}{rng.choice(['网友', '市网友', '手机网友'])} {user}"
        parts = [_p(user, CM, "user", rng.random() < 0.5)]
        when = T.relative_time(rng) if rng.random() < 0.3 else T.date(rng, rng.choice([1, 3, 4, 7]))
        if rng.random() < 0.45:
            when += (
                " "
                + rng.choice(["来自", "IP属地：", "", "发布于", "[", "· "])
                + rng.choice(T.CITIES)
            )
        parts.append(_p(when, CM, "time"))
        txt = pools.comment(game)
        r = rng.random()
        if r < 0.15:
            to = rng.choice(["回复@", "回复 @", "@"]) + T.user_name(rng)
            txt = f"{to}{rng.choice(['：', ': ', ' '])}{txt}"
        elif r < 0.25:  # a quoted earlier comment above the reply
            parts.append(
                _p(
                    f"{T.user_name(rng)}{rng.choice(['：', ' 说：', ' 的原评论：'])}"
                    + _truncate(pools.comment(game), rng, 10, 50),
                    CM,
                    "text",
                )
            )
        parts.append(_p(txt, CM, "para"))
        if rng.random() < 0.35:
            for w in _pick(rng, T.NEWS_COMMENT_WIDGET, rng.randint(1, 3)):
                parts.append(_p(w.format(n=rng.randint(0, 999)), B, "widget", True))
        elif rng.random() < 0.6:
            for w in _pick(rng, T.COMMENT_WIDGET, rng.randint(1, 3)):
                parts.append(
                    _p(
                        w + (f"({rng.randint(0, 999)})" if rng.random() < 0.4 else ""),
                        B,
                        "widget",
                        True,
                    )
                )
        items.append(Item(parts))
    for _ in range(spam):
        parts = [
            _p(T.spam_user(rng), AD, "user"),
            _p(T.date(rng, 1), AD, "time"),
            _p(T.spam_comment(rng) if rng.random() < 0.6 else pools.ad(short=True), AD, "para"),
        ]
        items.insert(rng.randrange(len(items) + 1), Item(parts))
    return items


def _comments(
    rng: random.Random, pools: _Pools, fam: Family, *, n: int, spam: int, game: bool = False
) -> list[Section]:
    out = []
    form = [
        _one(_fmt(rng, x, fam), B, "widget") for x in _pick(rng, T.COMMENT_FORM, rng.randint(1, 4))
    ]
    if rng.random() < 0.5:
        form += [
            _one(_fmt(rng, x, fam, n=n + spam), B, "widget")
            for x in _pick(rng, T.CMT_CHROME, rng.randint(1, 4))
        ]
    head = _p(_fmt(rng, rng.choice(T.SECTION_COMMENTS), fam, n=n + spam), B, "heading")
    form_first = rng.random() < 0.6
    if form_first:
        out.append(Section("cmtform", "main", None, form))
    out.append(Section("comments", "main", head, _comment_items(rng, pools, n, spam, game=game)))
    if not form_first and rng.random() < 0.7:
        out.append(Section("cmtform", "main", None, form))
    if n > 5 and rng.random() < 0.4:
        out.append(
            Section(
                "pagination",
                "main",
                None,
                [_one(rng.choice(["查看更多评论", "加载更多", "展开更多评论"]), B, "link", True)],
            )
        )
    return out


def _hot(rng: random.Random, pools: _Pools, fam: Family, *, ads: int = 0) -> Section:
    n = rng.randint(5, 12)
    numbered = rng.random() < 0.5
    items = []
    for i in range(n):
        parts = []
        if numbered:
            parts.append(_p(str(i + 1), R, "num"))
        parts.append(_p(pools.headline(), R, "title", True))
        if rng.random() < 0.25:
            parts.append(_p(T.count_text(rng), R, "count"))
        items.append(Item(parts))
    for _ in range(ads):
        items.insert(
            rng.randrange(len(items) + 1),
            _one(_truncate(pools.ad_card()[0], rng, 12, 30), AD, "title", True),
        )
    return Section("hot", "side", _p(rng.choice(T.SECTION_HOT), R, "heading"), items)


def _adslot(rng: random.Random, pools: _Pools, region: str) -> Section:
    """An ad box: spam or commercial promos, often with its own "广告" marker block."""
    k = rng.random()
    head = None
    if k < 0.3:  # the old kind: spam lines, maybe a heading
        items = [
            _one(pools.ad(short=True), AD, "link", rng.random() < 0.7)
            for _ in range(rng.randint(1, 3))
        ]
        head = _p(rng.choice(T.AD_SLOT_HEAD), AD, "heading") if rng.random() < 0.5 else None
        return Section("adslot", region, head, items)
    if k < 0.75:  # a product promo box with a marker block
        kind = rng.choice(T.PROMO_KINDS)
        items = [
            _one(T.promo_line(rng, kind if rng.random() < 0.6 else None), AD, "link", True)
            for _ in range(rng.randint(1, 4))
        ]
        if rng.random() < 0.3:
            items.append(_one(T.promo_line(rng, kind), AD, "text"))
    elif k < 0.85:  # paid SMS services
        items = [
            _one(T.sms_offer(rng), AD, "link", rng.random() < 0.6) for _ in range(rng.randint(1, 4))
        ]
    else:  # commercial link list
        items = [_one(T.biz_link(rng), AD, "link", True) for _ in range(rng.randint(3, 9))]
        head = _p(
            rng.choice(["商机", "招商加盟", "创业商机", "财富商机", "招商信息"]), AD, "heading"
        )
    if head is None and rng.random() < 0.75:
        marker = _one(rng.choice(T.AD_MARKERS), AD, "text")
        if rng.random() < 0.7:
            items.insert(0, marker)
        else:
            items.append(marker)
    return Section("adslot", region, head, items)


def _sponsored(rng: random.Random, pools: _Pools, fam: Family, region: str = "main") -> Section:
    """A sponsored-links feed: cards with a sponsor name are ads, the site's own cards related."""
    items = []
    for _ in range(rng.randint(3, 8)):
        if rng.random() < 0.75:
            t, src = T.sponsored_card(rng)
            parts = [_p(t, AD, "title", True), _p(src, AD, "meta")]
            if rng.random() < 0.3:
                parts.append(_p(rng.choice(["广告", "推广", "Sponsored"]), AD, "meta"))
            items.append(Item(parts))
        else:
            items.append(_card(rng, pools.headline(), R, None, date_p=0.2, count_p=0.2))
    head = _p(rng.choice(T.SPONSORED_HEAD), AD, "heading") if rng.random() < 0.85 else None
    return Section("sponsored", region, head, items)


def _hotsearch(rng: random.Random, pools: _Pools, region: str) -> Section:
    """Hot-search words: site navigation, so boilerplate."""
    words = _pick(rng, T.TAG_WORDS, rng.randint(4, 12))
    if rng.random() < 0.4:
        words += [pools.headline()[: rng.randint(2, 6)] for _ in range(rng.randint(1, 4))]
    numbered = rng.random() < 0.3
    items = [
        Item(([_p(str(i + 1), B, "num")] if numbered else []) + [_p(w, B, "link", True)])
        for i, w in enumerate(words)
    ]
    return Section("hotsearch", region, _p(rng.choice(T.HOT_SEARCH_HEAD), B, "heading"), items)


def _stock(rng: random.Random, region: str) -> Section:
    """A quote widget: boilerplate."""
    items = [_one(T.stock_quote(rng), B, "text") for _ in range(rng.randint(2, 6))]
    if rng.random() < 0.6:
        items.append(
            Item([_p(x, B, "widget", True) for x in _pick(rng, T.STOCK_WIDGET, rng.randint(1, 3))])
        )
    return Section("stock", region, _p(rng.choice(T.STOCK_HEAD), B, "heading"), items)


def _hot_comments(rng: random.Random, pools: _Pools, region: str) -> Section:
    """Comments on OTHER articles shown site-wide: teasers, so related."""
    items = []
    for _ in range(rng.randint(3, 7)):
        parts = [_p(_truncate(pools.comment(), rng, 15, 60), R, "title", True)]
        parts.append(_p(T.user_name(rng), R, "meta"))
        parts.append(
            _p(rng.choice(["原文：", "评论文章：", "来自："]) + pools.headline(), R, "meta")
        )
        if rng.random() < 0.5:
            parts.append(
                _p(rng.choice(["支持", "顶", "赞"]) + f"({rng.randint(1, 999)})", R, "count")
            )
        items.append(Item(parts))
    return Section(
        "hotcmt",
        region,
        _p(rng.choice(["热门评论", "最新评论", "网友热评", "评论排行"]), R, "heading"),
        items,
    )


def _inbody_ad(rng: random.Random, pools: _Pools) -> list[Item]:
    """An in-article ad slot between paragraphs: a marker block and a promo."""
    out = [
        _one(T.commercial_ad(rng) if rng.random() < 0.7 else pools.ad(short=True), AD, "para", True)
    ]
    if rng.random() < 0.7:
        out.insert(0 if rng.random() < 0.8 else 1, _one(rng.choice(T.AD_MARKERS), AD, "para"))
    return out


def _follow(rng: random.Random, fam: Family, region: str) -> Section:
    items = [_one(_fmt(rng, x, fam), B) for x in _pick(rng, T.FOLLOW, rng.randint(1, 2))]
    return Section("follow", region, None, items)


def _tagcloud(rng: random.Random, pools: _Pools, region: str) -> Section:
    """Topic tags / keyword cloud: navigation, so boilerplate (annotation guide)."""
    words = _pick(rng, T.TAG_WORDS, rng.randint(3, 10))
    words += [pools.headline()[: rng.randint(2, 6)] for _ in range(rng.randint(2, 8))]
    rng.shuffle(words)
    return Section(
        "tagcloud",
        region,
        _p(rng.choice(T.TAG_HEAD), B, "heading"),
        [_one(w, B, "link", True) for w in words],
    )


def _article_items(
    rng: random.Random,
    pools: _Pools,
    fam: Family,
    a: Article,
    *,
    body_label: str = C,
    max_paras: int = 14,
) -> list[Item]:
    lab = body_label
    items = [_one(a.title, lab, "title")]
    media = rng.choice(T.MEDIA)
    if rng.random() < 0.85:
        meta = _fmt(rng, rng.choice(T.META), fam, m=media)
        parts = [_p(meta, lab if lab != AD else AD, "meta")]
        if rng.random() < 0.35:  # widgets glued to the byline line
            parts.append(_p(" " + T.count_text(rng), B, "widget"))
        items.append(Item(parts))
    if rng.random() < 0.15:
        items.append(_one("摘要：" + _truncate(a.paragraphs[0], rng, 40, 90), lab, "para"))
    if rng.random() < 0.08:
        items.append(_one(f"原标题：{a.title}", lab, "para"))
    paras = list(a.paragraphs)
    if rng.random() < 0.4 and len(paras) > 3:
        paras = paras[: rng.randint(2, max(2, min(len(paras), max_paras)))]
    else:
        paras = paras[:max_paras]
    for i, para in enumerate(paras):
        if i and rng.random() < 0.08:
            items.append(
                _one(
                    rng.choice(T.SUBHEAD_WRAP).format(
                        x=_truncate(pools.headline(), rng, 6, 16).rstrip(".…")
                    ),
                    lab,
                    "subhead",
                )
            )
        if rng.random() < 0.07:
            items.append(
                _one(
                    _fmt(rng, rng.choice(T.CAPTIONS), fam, x=a.title[: rng.randint(6, 14)]),
                    lab,
                    "caption",
                )
            )
        items.append(_one(para, lab, "para"))
    if lab == C and rng.random() < 0.06:
        items.insert(rng.randint(2, len(items)), _one(T.hard_line(rng, "content"), C, "para"))
    if rng.random() < 0.08:
        items.append(_one(rng.choice(["（完）", "(完)", "【完】", "（全文完）"]), lab, "para"))
    if rng.random() < 0.45:
        items.append(_one(_fmt(rng, rng.choice(T.EDITOR), fam, m=media), lab, "editor"))
    return items


def _article_tail(rng: random.Random, pools: _Pools, fam: Family) -> list[Section]:
    out = []
    if rng.random() < 0.08:  # a multi-page article
        k = rng.randint(2, 6)
        out.append(
            Section(
                "pagination",
                "main",
                None,
                [
                    _one(x, B, "link", True)
                    for x in [
                        "上一页",
                        *[str(i) for i in range(1, k + 1)],
                        "下一页",
                        rng.choice(["", "阅读全文"]),
                    ]
                    if x
                ],
            )
        )
    if rng.random() < 0.45:
        out.append(
            Section(
                "tail",
                "main",
                None,
                [_one(_fmt(rng, x, fam), B) for x in _pick(rng, T.DISCLAIMER, rng.randint(1, 2))],
            )
        )
    if rng.random() < 0.2:
        out.append(Section("tail", "main", None, [_one(f"({rng.randint(0, 99)})", B, "count")]))
    if rng.random() < 0.55:
        out.append(_share(rng))
    if rng.random() < 0.3:
        words = [pools.headline()[: rng.randint(2, 5)] for _ in range(rng.randint(2, 6))]
        out.append(
            Section(
                "tags",
                "main",
                None,
                [
                    Item(
                        [_p(rng.choice(["标签：", "关键词：", "Tags:", "相关标签："]), B)]
                        + [_p(w, B, "link", True) for w in words]
                    )
                ],
            )
        )
    if rng.random() < 0.45:
        pre, nxt = rng.choice(T.PREV_NEXT)
        out.append(
            Section(
                "prevnext",
                "main",
                None,
                [
                    Item([_p(pre, R), _p(pools.headline(), R, "title", True)]),
                    Item([_p(nxt, R), _p(pools.headline(), R, "title", True)]),
                ],
            )
        )
    return out


def _side(rng: random.Random, pools: _Pools, fam: Family, *, ad_p: float) -> list[Section]:
    out = []
    for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
        k = rng.random()
        if k < 0.55:
            out.append(_hot(rng, pools, fam, ads=1 if rng.random() < ad_p / 3 else 0))
        elif k < 0.7:
            out.append(_follow(rng, fam, "side"))
        elif k < 0.75:
            out.append(_tagcloud(rng, pools, "side"))
        elif k < 0.8:
            out.append(_hotsearch(rng, pools, "side"))
        elif k < 0.84:
            out.append(_stock(rng, "side"))
        elif k < 0.88:
            out.append(_hot_comments(rng, pools, "side"))
        else:
            out.append(
                _related(
                    rng,
                    pools,
                    fam,
                    n=rng.randint(3, 6),
                    ads=0,
                    snippets=False,
                    heading=rng.choice(T.SECTION_HOT),
                    region="side",
                )
            )
    if rng.random() < ad_p:
        out.insert(rng.randint(0, len(out)), _adslot(rng, pools, "side"))
        if rng.random() < 0.3:
            out.insert(rng.randint(0, len(out)), _adslot(rng, pools, "side"))
    return out


# --------------------------------------------------------------------------- page types


def plan_page(
    fam: Family, corp: Corpora, rng: random.Random, page_type: str | None = None
) -> tuple[str, list[Section]]:
    """The sections of one page of `fam` (type drawn from the family when not given)."""
    pools = _Pools(corp, rng)
    if page_type is None and fam.kind == "text" and rng.random() < BRIEF_SHARE:
        page_type = "brief"
    if page_type is None:
        r = rng.random()
        if r < 0.72:
            page_type = fam.main_type
        elif r < 0.8:
            page_type = "list" if fam.main_type not in ("forum",) else "forum"
        elif r < 0.84:
            page_type = "adpage"
        else:
            page_type = rng.choice(["news", "farm", "blog"])
    maker = {
        "news": _plan_news,
        "farm": _plan_farm,
        "blog": _plan_blog,
        "forum": _plan_forum,
        "list": _plan_list,
        "brief": _plan_brief,
        "adpage": _plan_adpage,
    }[page_type]
    sections = maker(fam, pools, rng)
    return page_type, [s for s in sections if s.items or s.heading]


def _top(fam: Family, rng: random.Random, *, nav_p: float = 0.9) -> list[Section]:
    out = []
    if rng.random() < 0.5:
        out.append(_topbar(rng, fam))
    if rng.random() < 0.6:
        out.append(_header(rng, fam))
    if rng.random() < nav_p:
        out.append(_nav(rng, fam))
    if rng.random() < 0.3:
        out.append(
            Section(
                "subnav",
                "top",
                None,
                [_one(x, B, "link", True) for x in _pick(rng, T.CHANNELS, rng.randint(4, 12))],
            )
        )
    if rng.random() < 0.6:
        out.append(_breadcrumb(rng, fam))
    return out


def _bottom(fam: Family, rng: random.Random) -> list[Section]:
    out = [_footer(rng, fam)]
    if rng.random() < 0.3:
        out.append(
            Section(
                "gotop",
                "bottom",
                None,
                [_one(x, B, "link", True) for x in _pick(rng, T.BOILER_MISC[:4], 1)],
            )
        )
    return out


def _assemble(
    fam: Family,
    rng: random.Random,
    top: list[Section],
    main: list[Section],
    side: list[Section],
    bottom: list[Section],
) -> list[Section]:
    if fam.side_first:
        return top + side + main + bottom
    if side and rng.random() < 0.1:  # a sidebar rendered in the middle (some CMS put it there)
        k = rng.randint(1, max(1, len(main)))
        return top + main[:k] + side + main[k:] + bottom
    return top + main + side + bottom


def _plan_news(fam: Family, pools: _Pools, rng: random.Random) -> list[Section]:
    hard = rng.random() < 0.15
    a = pools.article(hard=hard)
    has_ads = rng.random() < 0.3
    main = [Section("article", "main", None, _article_items(rng, pools, fam, a))]
    if has_ads and rng.random() < 0.4:  # an in-article ad slot between paragraphs
        art = main[0].items
        k = rng.randint(2, max(2, len(art) - 1))
        art[k:k] = _inbody_ad(rng, pools)
    main += _article_tail(rng, pools, fam)
    rel_first = rng.random() < 0.6
    rel: list[Section] = []
    if rng.random() < 0.75:
        rel.append(
            _related(
                rng,
                pools,
                fam,
                n=rng.randint(3, 10),
                ads=rng.randint(1, 2) if has_ads and rng.random() < 0.5 else 0,
                snippets=rng.random() < 0.35,
                heading=rng.choice(T.SECTION_RELATED),
            )
        )
    cm: list[Section] = []
    if rng.random() < 0.45:
        cm = _comments(
            rng, pools, fam, n=rng.randint(0, 12), spam=1 if has_ads and rng.random() < 0.4 else 0
        )
    main += (rel + cm) if rel_first else (cm + rel)
    if has_ads and rng.random() < 0.4:  # a sponsored feed at the end
        main.append(_sponsored(rng, pools, fam))
    elif rng.random() < 0.04:
        main.append(_adslot(rng, pools, "main"))
    side = _side(rng, pools, fam, ad_p=0.4 if has_ads else 0.05)
    return _assemble(fam, rng, _top(fam, rng), main, side, _bottom(fam, rng))


def _plan_brief(fam: Family, pools: _Pools, rng: random.Random) -> list[Section]:
    """A short text: a title and one to three paragraphs (often a sentence or two), perhaps a
    byline and a footer line. Users paste such snippets and extractors emit them; a model that
    knows text pages only as whole crawled pages reads a lone short paragraph as a teaser."""
    a = pools.article(hard=rng.random() < 0.15)
    items = [_one(a.title, C, "title")]
    if rng.random() < 0.3:
        items.append(_one(_fmt(rng, rng.choice(T.META), fam, m=rng.choice(T.MEDIA)), C, "meta"))
    for para in a.paragraphs[: rng.randint(1, 3)]:
        if rng.random() < 0.5:  # the first sentence or two
            sentences = [x for x in re.split(r"(?<=[。！？!?])", para) if x.strip()]
            para = "".join(sentences[: rng.randint(1, 2)])
        items.append(_one(para, C, "para"))
    out = [Section("article", "main", None, items)]
    r = rng.random()
    if r < 0.4:
        out.append(_footer(rng, fam))
    elif r < 0.7:  # a line or two of it
        links = _pick(rng, fam.footer_links, rng.randint(1, 3))
        out.append(Section("footer", "bottom", None, [_one(x, B, "link", True) for x in links]))
    return out


def _plan_farm(fam: Family, pools: _Pools, rng: random.Random) -> list[Section]:
    """The seed page's shape: copied article, teaser cards with cheat ads, self-comments."""
    a = pools.article(hard=rng.random() < 0.12)
    author = T.person(rng) if rng.random() < 0.5 else T.user_name(rng)
    main = [Section("article", "main", None, _article_items(rng, pools, fam, a))]
    if rng.random() < 0.3:  # a truncated lede above the body
        main[0].items.insert(1, _one(_truncate(a.paragraphs[0], rng, 50, 90), C, "para"))
    tail = []
    if rng.random() < 0.8:
        tail.append(_one(_fmt(rng, T.DISCLAIMER[0], fam, author=author), B))
    if rng.random() < 0.6:
        tail.append(_one(f"({rng.randint(0, 30)})", B, "count"))
    main.append(Section("tail", "main", None, tail))
    n_ads = rng.choice([0, 0, 1, 2, 3, 3, 4]) if rng.random() < 0.7 else 0
    main.append(
        _related(
            rng,
            pools,
            fam,
            n=rng.randint(4, 10),
            ads=n_ads,
            snippets=rng.random() < 0.85,
            heading=rng.choice(["文章推荐", "推荐阅读", "相关推荐", "猜你喜欢"]),
        )
    )
    if rng.random() < 0.75:
        form = [
            _one(x, B, "widget")
            for x in _pick(
                rng,
                ["发表回复", "本站作者后才能评论", "登录后才能评论", "发表评论"],
                rng.randint(1, 2),
            )
        ]
        n = rng.randint(1, 6)
        head = _p(f"评论列表({n}条)" if rng.random() < 0.7 else "网友评论", B, "heading")
        items = []
        for _ in range(n):
            r = rng.random()
            if r < 0.45:  # the author promoting the site and the article (comment, per the seed)
                txt = rng.choice(
                    [
                        f"我是{fam.site}的签约作者“{author}”！",
                        f"希望本篇文章《{a.title}》能对你有所帮助！",
                        f"本站[{fam.site}]内容主要涵盖：" + "，".join(_pick(rng, T.CHANNELS, 6)),
                        "本文概览：" + _truncate(a.paragraphs[0], rng, 50, 90),
                    ]
                )
                lab, who = CM, author
            elif r < 0.9 or not n_ads:
                txt, lab, who = pools.comment(), CM, T.user_name(rng)
            else:
                txt, lab, who = T.spam_comment(rng), AD, T.spam_user(rng)
            items.append(
                Item(
                    [
                        _p(who, lab, "user"),
                        _p(f"{who} {T.date(rng, 2)}", lab, "time"),
                        _p(txt, lab, "para"),
                    ]
                )
            )
        main += [Section("cmtform", "main", None, form), Section("comments", "main", head, items)]
    foot = _footer(rng, fam)
    side = _side(rng, pools, fam, ad_p=0.3 if n_ads else 0.05) if rng.random() < 0.5 else []
    top = _top(fam, rng, nav_p=0.6) if fam.kind == "html" or rng.random() < 0.3 else []
    return _assemble(fam, rng, top, main, side, [foot])


def _plan_blog(fam: Family, pools: _Pools, rng: random.Random) -> list[Section]:
    a = pools.article(hard=rng.random() < 0.1)
    blogger = T.user_name(rng)
    items = _article_items(rng, pools, fam, a)
    items.insert(1, Item([_p(blogger, C, "user"), _p(" " + T.date(rng, 3), C, "time")]))
    main = [Section("article", "main", None, items)]
    main.append(
        Section(
            "share",
            "main",
            None,
            [
                _one(x, B, "widget")
                for x in [
                    f"阅读({rng.randint(10, 9999)})",
                    f"评论({rng.randint(0, 50)})",
                    rng.choice(["收藏", "转载", "喜欢"]),
                    rng.choice(["分享", "举报", "打印"]),
                ]
            ],
        )
    )
    main += _article_tail(rng, pools, fam)
    if rng.random() < 0.6:
        main += _comments(
            rng, pools, fam, n=rng.randint(0, 8), spam=1 if rng.random() < 0.12 else 0
        )
    side = []
    bs = [_one(_fmt(rng, x, fam), B) for x in _pick(rng, T.BLOG_SIDE, rng.randint(3, 8))]
    side.append(Section("blogside", "side", _p(blogger, B, "heading"), bs))
    if rng.random() < 0.5:
        side.append(
            Section(
                "hot",
                "side",
                _p(rng.choice(["最新文章", "博主推荐", "文章列表"]), R, "heading"),
                [_one(pools.headline(), R, "title", True) for _ in range(rng.randint(3, 8))],
            )
        )
    if rng.random() < 0.2:
        side.append(_adslot(rng, pools, "side"))
    if rng.random() < 0.1:
        art = main[0].items
        k = rng.randint(3, max(3, len(art) - 1))
        art[k:k] = _inbody_ad(rng, pools)
    if rng.random() < 0.1:
        side.append(_hot_comments(rng, pools, "side"))
    return _assemble(fam, rng, _top(fam, rng, nav_p=0.6), main, side, _bottom(fam, rng))


def _plan_forum(fam: Family, pools: _Pools, rng: random.Random) -> list[Section]:
    """A thread: the opening post is content, the replies are comments (spam replies are ads)."""
    game = rng.random() < 0.35
    a = pools.article(hard=rng.random() < 0.15)
    op = T.user_name(rng)
    posts: list[Item] = []
    title = a.title if rng.random() < 0.6 else _truncate(pools.headline(), rng, 10, 30)
    thread_head = [
        _one(title, C, "title"),
        Item(
            [
                _p(f"查看: {rng.randint(50, 99999)}", B, "widget"),
                _p(f"|回复: {rng.randint(0, 300)}", B, "widget"),
            ]
        ),
    ]
    op_parts = [_p(op, C, "user", True)]
    if rng.random() < 0.6:
        op_parts += [
            _p(_user_stat(rng, x, fam), B, "widget")
            for x in _pick(rng, T.USER_STATS, rng.randint(1, 4))
        ]
    op_parts.append(_p(rng.choice(["楼主", "1#", "1楼"]), B, "widget"))
    op_parts.append(_p("发表于 " + T.date(rng, 1), C, "time"))
    if rng.random() < 0.5 or not pools.c.forum_replies:
        body = list(a.paragraphs[: rng.randint(1, 6)])
    else:
        body = [pools.reply() for _ in range(rng.randint(1, 3))]
    op_parts += [_p(x, C, "para") for x in body]
    posts.append(Item(op_parts))
    n = rng.randint(0, 15)
    spam = rng.choice([1, 1, 2]) if rng.random() < 0.25 else 0
    for k in range(n + spam):
        is_spam = spam and k == rng.randint(0, n)
        lab = AD if is_spam else CM
        floor = rng.choice(T.FLOOR_NAMES).format(n=k + 2)
        parts = [
            _p(T.spam_user(rng) if is_spam else T.user_name(rng), lab, "user", True),
            _p(floor, lab, "widget"),
            _p("发表于 " + T.date(rng, 1), lab, "time"),
        ]
        if rng.random() < 0.3:  # forum chrome: level, points
            parts.insert(1, _p(_user_stat(rng, rng.choice(T.USER_STATS), fam), B, "widget"))
        if is_spam:
            parts.append(
                _p(
                    T.spam_comment(rng)
                    if rng.random() < 0.35
                    else (T.commercial_ad(rng) if rng.random() < 0.5 else pools.ad()),
                    AD,
                    "para",
                )
            )
        else:
            q = rng.random()
            if q < 0.12:
                parts.append(_p(f"回复 {k + 1}# {T.user_name(rng)} 的帖子", CM, "text"))
            elif q < 0.3 and k:  # a quote block of an earlier floor
                qt = rng.choice(T.QUOTE_FMT).format(
                    u=T.user_name(rng), d=T.date(rng, 1), f=f"{rng.randint(1, k + 1)}#"
                )
                parts.append(_p(qt + _truncate(pools.reply(), rng, 10, 60), CM, "quote"))
            parts.append(
                _p(pools.reply() if rng.random() < 0.6 else pools.comment(game), CM, "para")
            )
            if rng.random() < 0.12:
                sig = rng.choice(T.SIGNATURES).format(u=T.user_name(rng), d=T.date(rng, 1))
                parts.append(_p(sig, B, "sig"))
        if rng.random() < 0.5:
            parts += [
                _p(w, B, "widget", True) for w in _pick(rng, T.FORUM_WIDGETS, rng.randint(1, 4))
            ]
        posts.append(Item(parts))
    main = [
        Section(
            "forumbar",
            "main",
            None,
            [_one(x, B, "link", True) for x in _pick(rng, T.FORUM_WIDGETS[:3], rng.randint(1, 3))],
        ),
        Section("thread", "main", None, thread_head + posts),
    ]
    if n > 8 and rng.random() < 0.6:
        main.append(
            Section(
                "pagination",
                "main",
                None,
                [
                    _one(_fmt(rng, x, fam), B, "link", True)
                    for x in ["上一页", "1", "2", "3", "下一页"]
                ],
            )
        )
    if rng.random() < 0.5:
        main.append(
            Section(
                "cmtform",
                "main",
                None,
                [_one(x, B, "widget") for x in ["快速回复", "发表回复", "回帖后跳转到最后一页"]],
            )
        )
    if rng.random() < 0.4:
        main.append(
            _related(
                rng,
                pools,
                fam,
                n=rng.randint(3, 8),
                ads=0,
                snippets=False,
                heading=rng.choice(["相关帖子", "推荐主题", "热门帖子"]),
            )
        )
    side = _side(rng, pools, fam, ad_p=0.25) if rng.random() < 0.4 else []
    return _assemble(fam, rng, _top(fam, rng), main, side, _bottom(fam, rng))


def _plan_list(fam: Family, pools: _Pools, rng: random.Random) -> list[Section]:
    """A channel page: headline teasers only (no content but an optional intro)."""
    main = []
    if rng.random() < 0.3:
        main.append(
            Section("listintro", "main", None, [_one(_fmt(rng, rng.choice(T.LIST_INTROS), fam), B)])
        )
    for _ in range(rng.randint(1, 3)):
        main.append(
            _related(
                rng,
                pools,
                fam,
                n=rng.randint(8, 25),
                ads=1 if rng.random() < 0.1 else 0,
                snippets=rng.random() < 0.4,
                heading=rng.choice(fam.channels) if rng.random() < 0.6 else None,
                role="list",
            )
        )
    main.append(
        Section(
            "pagination",
            "main",
            None,
            [
                _one(_fmt(rng, x, fam), B, "link", True)
                for x in [
                    "首页",
                    "上一页",
                    *[str(i) for i in range(1, rng.randint(3, 9))],
                    "下一页",
                    "尾页",
                ]
            ],
        )
    )
    if rng.random() < 0.15:
        main.insert(rng.randint(0, len(main)), _sponsored(rng, pools, fam))
    side = _side(rng, pools, fam, ad_p=0.2)
    return _assemble(fam, rng, _top(fam, rng), main, side, _bottom(fam, rng))


def _plan_adpage(fam: Family, pools: _Pools, rng: random.Random) -> list[Section]:
    """A page whose main text is an advert (gambling site, cheat download, invoice seller)."""
    kind = rng.choice(
        ["cheat", "cheat", "gamble", "gamble", "invoice", "loan", "seo", "product", "promo"]
    )
    pkind = rng.choice(["stock", "bet", "franchise", "health", "edu"])
    if kind == "promo":  # a whole page selling one thing (stock teacher, betting site...)
        title = T.promo_line(rng, pkind)
    else:
        title = T.cheat_title(rng) if kind == "cheat" else T.ad_line(rng, kind)
    items = [_one(_truncate(title, rng, 14, 40), AD, "title")]
    if rng.random() < 0.6:
        items.append(_one(_fmt(rng, rng.choice(T.META[:5]), fam, m=fam.site), AD, "meta"))
    for _ in range(rng.randint(2, 9)):
        r = rng.random()
        if kind == "cheat" and r < 0.6:
            txt = T.cheat_snippet(rng)
        elif kind == "gamble" and r < 0.6 and pools.c.ad_gamble:
            txt = "".join(rng.choice(pools.c.ad_gamble) for _ in range(rng.randint(1, 4)))
        elif kind == "invoice" and r < 0.6 and pools.c.ad_spam:
            txt = rng.choice(pools.c.ad_spam)
        elif kind == "promo":
            txt = T.promo_line(rng, pkind) if r < 0.8 else T.commercial_ad(rng)
        elif r < 0.8:
            txt = T.ad_line(rng, kind)
        else:
            txt = pools.ad()
        items.append(_one(txt, AD, "para"))
    main = [Section("article", "main", None, items)]
    if rng.random() < 0.5:
        main += _article_tail(rng, pools, fam)
    if rng.random() < 0.6:  # more of the same, as teasers: still ads
        main.append(
            Section(
                "related",
                "main",
                _p(rng.choice(T.SECTION_RELATED), R, "heading"),
                [_card(rng, *pools.ad_card()[:1], AD, None) for _ in range(rng.randint(3, 8))],
            )
        )
        if rng.random() < 0.4:
            main[-1].items += [_card(rng, pools.headline(), R, None) for _ in range(2)]
    if rng.random() < 0.3:
        main += _comments(rng, pools, fam, n=rng.randint(0, 4), spam=rng.randint(0, 2))
    side = _side(rng, pools, fam, ad_p=0.5) if rng.random() < 0.5 else []
    return _assemble(fam, rng, _top(fam, rng, nav_p=0.7), main, side, _bottom(fam, rng))


# --------------------------------------------------------------------------- text rendering


def render_text(
    fam: Family, sections: list[Section], rng: random.Random
) -> tuple[str, list[tuple[int, int, str]]]:
    """Plain text like an extractor's dump; returns the text and (start, end, label) spans."""
    buf: list[str] = []
    spans: list[tuple[int, int, str]] = []
    pos = 0
    blank = fam.blank_between

    def emit(s: str, label: str | None) -> None:
        nonlocal pos
        if label is not None and s.strip():
            spans.append((pos, pos + len(s), label))
        buf.append(s)
        pos += len(s)

    def line(s: str, label: str, indent: str = "") -> None:
        if indent:
            emit(indent, None)
        emit(s, label)
        emit("\n", None)

    def gap() -> None:
        if blank:
            emit("\n", None)

    for sec in sections:
        role = sec.role
        if (
            role
            in (
                "topbar",
                "nav",
                "subnav",
                "header",
                "breadcrumb",
                "gotop",
                "pagination",
                "forumbar",
                "share",
            )
            and fam.text_nav == 0
            and role != "share"
        ):
            continue  # most text dumps have no navigation left
        if sec.heading:
            line(sec.heading.text, sec.heading.label)
            gap()
        if role in (
            "nav",
            "subnav",
            "topbar",
            "breadcrumb",
            "footer",
            "share",
            "pagination",
            "tags",
            "forumbar",
            "tagcloud",
            "gotop",
            "header",
            "blogside",
            "follow",
            "cmtform",
            "tail",
            "listintro",
            "hotsearch",
            "stock",
        ) or (role == "nav" and fam.text_nav == 1):
            joined = role in (
                "nav",
                "subnav",
                "topbar",
                "breadcrumb",
                "share",
                "pagination",
                "tagcloud",
                "forumbar",
                "tags",
                "hotsearch",
            ) and (fam.text_nav != 2 or role == "tags")
            if joined:
                parts = [p for it in sec.items for p in it.parts]
                sep = rng.choice([" | ", " ", "  ", " · "]) if role != "breadcrumb" else ""
                for i, p in enumerate(parts):
                    if i and sep:
                        emit(sep, None)
                    emit(p.text, p.label)
                emit("\n", None)
                gap()
            else:
                for it in sec.items:
                    for p in it.parts:
                        line(
                            p.text,
                            p.label,
                            fam.sub_indent if role == "footer" and rng.random() < 0.2 else "",
                        )
                        gap()
            continue
        if role in ("article", "thread"):
            for it in sec.items:
                if len(it.parts) > 3 and role == "thread":  # a post: user line, then text
                    head = [p for p in it.parts if p.role in ("user", "widget", "time", "text")]
                    body = [p for p in it.parts if p.role in ("quote", "para", "sig")]
                    for i, p in enumerate(head):
                        if i:
                            emit(" ", None)
                        emit(p.text, p.label)
                    emit("\n", None)
                    for p in body:
                        gap()
                        line(p.text, p.label)
                    gap()
                    continue
                for i, p in enumerate(it.parts):
                    if i:
                        emit(" ", None)
                    emit(p.text, p.label)
                emit("\n", None)
                gap()
            continue
        # lists of cards: related, list, hot, comments, prevnext, adslot
        for it in sec.items:
            if role in ("hot", "adslot", "prevnext") or len(it.parts) == 1:
                first = True
                emit(fam.bullet if role != "prevnext" else "", None)
                for p in it.parts:
                    if not first:
                        emit(" " if p.role != "title" or role != "prevnext" else "", None)
                    emit(p.text, p.label)
                    first = False
                emit("\n", None)
                continue
            title, rest = it.parts[0], it.parts[1:]
            emit(fam.bullet, None)
            emit(title.text, title.label)
            emit("\n", None)
            if role == "comments":
                # seed style: "  • name\n    name date\n\n    text"
                time_p = [p for p in rest if p.role == "time"]
                other = [p for p in rest if p.role != "time"]
                if time_p:
                    line(time_p[0].text, time_p[0].label, fam.sub_indent)
                for p in other:
                    if p.role == "para":
                        gap()
                    line(p.text, p.label, fam.sub_indent)
                gap()
                continue
            snippet = [p for p in rest if p.role == "snippet"]
            meta = [p for p in rest if p.role != "snippet"]
            for p in snippet:
                gap()
                line(p.text, p.label, fam.sub_indent)
            if meta:
                gap()
                for p in meta:
                    line(p.text, p.label, fam.sub_indent)
        gap()
    return "".join(buf), spans


# --------------------------------------------------------------------------- html rendering


class _Html:
    def __init__(self) -> None:
        self.out: list[str] = []
        self.stream: list[tuple[str, str]] = []

    def open(
        self, tag: str, cls: str | None = None, id_: str | None = None, extra: str = ""
    ) -> None:
        a = f' id="{id_}"' if id_ else ""
        a += f' class="{cls}"' if cls else ""
        self.out.append(f"<{tag}{a}{extra}>")

    def close(self, tag: str) -> None:
        self.out.append(f"</{tag}>")

    def text(self, s: str, label: str) -> None:
        self.out.append(_html.escape(s, quote=False))
        self.stream.append((s, label))

    def raw(self, s: str) -> None:
        self.out.append(s)

    def leaf(
        self, tag: str, s: str, label: str, cls: str | None = None, href: str | None = None
    ) -> None:
        self.open(tag, cls)
        if href is not None:
            self.out.append(f'<a href="{href}" target="_blank">')
        self.text(s, label)
        if href is not None:
            self.out.append("</a>")
        self.close(tag)

    def html(self) -> str:
        return "".join(self.out)


def _href(rng: random.Random, fam: Family, label: str) -> str:
    """A link target for a part labelled `label`, in the proportions of real pages.

    Within the site for most links of every label; ads mostly leave the site or pass an ad
    server / click tracker (`links.link_flags`), but not always (a sponsor's page on the site,
    ``javascript:;``), and other labels leave the site too (footers link to the ICP register
    and share services, articles cite sources, related lists can list other sites), so the
    model learns these link facts as evidence, not as the answer."""
    r = rng.random()
    if label == AD:
        if r < 0.4:  # an ad server or click tracker elsewhere
            return rng.choice(
                [
                    f"http://{rng.choice(_AD_HOSTS)}.{_other_domain(rng)}/"
                    f"{rng.choice(['c', 'click', 'ck', 'adclick.php', 'show'])}"
                    f"?id={rng.randint(1, 99999)}",
                    f"https://{_other_domain(rng)}/{rng.choice(_AD_PATHS)}"
                    f"?{rng.choice(['u', 'url', 'id', 'aid'])}={rng.randint(1, 99999)}",
                    f"http://{rng.choice(_AD_NETWORKS)}/ad/ck/{rng.randint(1000, 9999)}-"
                    f"{rng.randint(10000, 99999)}",
                ]
            )
        if r < 0.6:  # the site's own tracker
            return rng.choice(
                [
                    f"https://{fam.host}/{rng.choice(_AD_PATHS)}?id={rng.randint(1, 999)}",
                    f"https://ad.{fam.host.removeprefix('www.')}/c?{rng.randint(1, 999)}",
                ]
            )
        if r < 0.85:  # the advertiser's own page
            return rng.choice(
                [
                    f"http://www.{rng.choice(T.CASINO_X).lower()}{rng.randint(1, 999)}.com/",
                    f"http://dl.{rng.randint(100, 999)}app.cn/down",
                    f"http://www.{_other_domain(rng)}/{rng.randint(1, 999)}.htm",
                ]
            )
        return rng.choice(
            ["javascript:;", "#", f"https://{fam.host}/zt/{rng.randint(100, 9999)}.html"]
        )
    away = {B: 0.04, R: 0.04, C: 0.1, CM: 0.08}.get(label, 0.05)
    if r < away:
        if label == B:
            return rng.choice(
                [
                    "https://beian.miit.gov.cn/",
                    f"http://www.beian.gov.cn/portal/registerSystemInfo?recordcode="
                    f"{rng.randint(10**13, 10**14 - 1)}",
                    "http://service.weibo.com/share/share.php?url=",
                    "https://connect.qq.com/widget/shareqq/index.html",
                    f"http://www.{_other_domain(rng)}/",
                ]
            )
        return f"https://{rng.choice(['www', 'news', 'm', 'blog'])}.{_other_domain(rng)}/" \
               f"{rng.randint(2018, 2026)}/{rng.randint(1000, 99999)}.html"
    if label == B and r < away + 0.01:  # "广告服务" and the like point at the site's ad desk
        return f"https://{fam.host}/{rng.choice(['ad', 'ads', 'adv'])}/"
    if label == R and r < away + 0.01:  # portals count clicks on their own lists
        return f"https://{fam.host}/{rng.choice(['redirect', 'go', 'click'])}?url=" \
               f"{rng.randint(1000, 99999)}.html"
    return rng.choice(
        [
            f"/{rng.choice(['news', 'a', 'article', 'p', 'html'])}/"
            f"{rng.randint(2018, 2026)}{rng.randint(1, 12):02d}/{rng.randint(1000, 99999)}"
            ".html",
            f"https://{fam.host}/{rng.randint(100, 9999)}.shtml",
            "#",
            "javascript:void(0)",
            f"/list/{rng.randint(1, 99)}/",
        ]
    )


_AD_HOSTS = ["ad", "ads", "click", "adclick", "rd", "union", "cpro", "c", "e", "track"]
_AD_PATHS = ["go.php", "goto.php", "click.php", "redirect", "jump.aspx", "ad/click", "out.php"]
_AD_NETWORKS = ["adfarm.mediaplex.com", "ad.doubleclick.net", "click.tanx.com", "pos.baidu.com"]
_DOMAIN_WORDS = ["xinwen", "caijing", "jiankang", "youxi", "tiyu", "keji", "lvyou", "fangchan",
                 "qiche", "jiaoyu", "yule", "shishang", "meishi", "junshi", "wenhua", "shuma"]


def _other_domain(rng: random.Random) -> str:
    """A made-up registrable domain of some other site."""
    word = rng.choice(_DOMAIN_WORDS)
    return f"{word}{rng.randint(1, 999)}.{rng.choice(['com', 'cn', 'net', 'com.cn'])}"


_SCRIPTS = [
    "var _hmt = _hmt || [];(function(){var hm=document.createElement('script');})();",
    'window.__INITIAL_STATE__={"page":1,"list":[]};',
    "document.write('<div class=\"ad\">'+'</div>');",
    "$(function(){ $('.gotop').click(function(){ $('html,body').animate({scrollTop:0}); }); });",
]
_STYLES = [
    "body{font-family:'Microsoft YaHei';margin:0}.clearfix:after{content:'';clear:both}",
    ".nav li{float:left;padding:0 10px}.footer{color:#999;text-align:center}",
]


def _render_parts(
    h: _Html, rng: random.Random, fam: Family, parts: list[Part], inline: bool
) -> None:
    """Parts of one item: inline spans/links, or one element each when not inline."""
    for i, p in enumerate(parts):
        if p.link:
            if inline and i and fam.link_sep:
                h.text(fam.link_sep, B)
            h.raw(f'<a href="{_href(rng, fam, p.label)}">')
            h.text(p.text, p.label)
            h.raw("</a>")
        elif inline:
            h.raw(f'<span class="{p.role}">' if fam.span_cls and rng.random() < 0.6 else "<span>")
            h.text(p.text, p.label)
            h.raw("</span>")
            if rng.random() < 0.5:
                h.raw(" ")
        else:
            tag = {"snippet": "p", "para": "p", "title": "h4"}.get(p.role, "div")
            h.leaf(
                tag, p.text, p.label, cls=p.role if fam.span_cls and rng.random() < 0.6 else None
            )


def _render_list(h: _Html, rng: random.Random, fam: Family, sec: Section, item_role: str) -> None:
    style = fam.list_style if sec.role != "hot" or rng.random() < 0.7 else "ul"
    icls = fam.cls(item_role)
    if style == "table":
        h.open("table", extra=' cellpadding="0" cellspacing="0"')
        for it in sec.items:
            h.open("tr", icls)
            for p in it.parts:
                h.open("td")
                _render_parts(h, rng, fam, [p], inline=True)
                h.close("td")
            h.close("tr")
        h.close("table")
        return
    outer, inner = {
        "ul": ("ul", "li"),
        "ol": ("ol", "li"),
        "div": ("div", "div"),
        "dl": ("dl", "dd"),
    }[style]
    h.open(outer, fam.cls("list") if sec.role == "list" else None)
    for it in sec.items:
        h.open(inner, icls)
        big = len(it.parts) > 2 and any(p.role in ("snippet", "para") for p in it.parts)
        if big and rng.random() < 0.7:
            _render_parts(h, rng, fam, it.parts[:1], inline=True)
            _render_parts(
                h,
                rng,
                fam,
                [p for p in it.parts[1:] if p.role in ("snippet", "para")],
                inline=False,
            )
            rest = [p for p in it.parts[1:] if p.role not in ("snippet", "para")]
            if rest:
                h.open("div", "info" if fam.span_cls and rng.random() < 0.6 else None)
                _render_parts(h, rng, fam, rest, inline=True)
                h.close("div")
        else:
            _render_parts(h, rng, fam, it.parts, inline=True)
        h.close(inner)
    h.close(outer)


def _render_section(h: _Html, rng: random.Random, fam: Family, sec: Section) -> None:
    role = sec.role
    cls_role = {
        "subnav": "subnav",
        "listintro": "box",
        "forumbar": "box",
        "tagcloud": "box",
        "blogside": "box",
        "cmtform": "cmtform",
        "thread": "thread",
        "list": "related",
        "adslot": "ad",
        "sponsored": "ad" if rng.random() < 0.5 else "related",
        "hotsearch": "box",
        "stock": "box",
        "hotcmt": "hot",
    }.get(role, role)
    tag = "div"
    if fam.html5:
        tag = {
            "nav": "nav",
            "footer": "footer",
            "article": "article",
            "header": "header",
            "related": "section",
            "comments": "section",
            "hot": "aside",
        }.get(role, "div")
        if role == "prevnext" and rng.random() < 0.5:  # WordPress's post navigation
            tag = "nav"
    h.open(tag, fam.cls(cls_role), fam.id_(cls_role))
    if sec.heading:
        ht = fam.heading_tag
        if rng.random() < 0.3:
            h.open("div", fam.cls("box") or "hd")
            h.leaf(ht, sec.heading.text, sec.heading.label)
            if rng.random() < 0.4:
                h.raw(f'<a class="more" href="{_href(rng, fam, B)}">')
                h.text(rng.choice(["更多>>", "更多", "查看更多", "more"]), B)
                h.raw("</a>")
            h.close("div")
        else:
            h.leaf(ht, sec.heading.text, sec.heading.label)
    if role == "nav" and any(len(it.parts) > 1 for it in sec.items):
        dl = rng.random() < 0.5
        for it in sec.items:
            if dl:
                h.open("dl")
                h.leaf("dt", it.parts[0].text, it.parts[0].label, href=_href(rng, fam, B))
                h.open("dd")
                _render_parts(h, rng, fam, it.parts[1:], inline=True)
                h.close("dd")
                h.close("dl")
            else:
                h.open("div", fam.cls("row"))
                _render_parts(h, rng, fam, it.parts, inline=True)
                h.close("div")
    elif role in ("nav", "subnav") and fam.list_style in ("ul", "ol") and rng.random() < 0.8:
        h.open("ul")
        for it in sec.items:
            h.open("li")
            _render_parts(h, rng, fam, it.parts, inline=True)
            h.close("li")
        h.close("ul")
    elif role in ("article",):
        _render_article(h, rng, fam, sec)
    elif role == "thread":
        _render_thread(h, rng, fam, sec)
    elif role in ("related", "list", "hot", "comments", "sponsored", "hotcmt"):
        _render_list(
            h,
            rng,
            fam,
            sec,
            {
                "related": "relitem",
                "list": "listitem",
                "hot": "hotitem",
                "comments": "cmtitem",
                "sponsored": "relitem",
                "hotcmt": "hotitem",
            }[role],
        )
    elif role == "footer":
        for it in sec.items:
            t = "p" if rng.random() < 0.6 else "div"
            h.open(
                t,
                fam.cls("copyright")
                if any("ICP" in p.text or "©" in p.text for p in it.parts)
                else None,
            )
            _render_parts(h, rng, fam, it.parts, inline=True)
            h.close(t)
    elif role in (
        "topbar",
        "breadcrumb",
        "share",
        "tags",
        "pagination",
        "forumbar",
        "gotop",
        "header",
        "tagcloud",
        "hotsearch",
    ):
        if role == "topbar":
            h.open("div", fam.cls("wrap"))
        _render_parts(h, rng, fam, [p for it in sec.items for p in it.parts], inline=True)
        if role == "topbar":
            h.close("div")
    else:  # tail, prevnext, cmtform, adslot, follow, blogside, listintro
        for it in sec.items:
            t = rng.choice(["p", "div"])
            h.open(t)
            _render_parts(h, rng, fam, it.parts, inline=True)
            h.close(t)
    h.close(tag)


def _render_article(h: _Html, rng: random.Random, fam: Family, sec: Section) -> None:
    items = list(sec.items)
    title = items.pop(0)
    h.leaf(fam.title_tag, title.parts[0].text, title.parts[0].label, cls=fam.cls("title"))
    body_open = False
    br_mode = fam.para_tag == "br"
    for it in items:
        role = it.parts[0].role
        if role in ("meta", "user") and not body_open:
            h.open("div", fam.cls("meta"))
            _render_parts(h, rng, fam, it.parts, inline=True)
            h.close("div")
            continue
        if not body_open:
            h.open("div", fam.cls("body"), fam.id_("body"))
            body_open = True
        p = it.parts[0]
        if br_mode and role in ("para", "subhead"):
            h.text(p.text, p.label)
            h.raw("<br><br>" if rng.random() < 0.8 else "<br>\n<br>")
            continue
        if role == "caption":
            if rng.random() < 0.5:
                h.raw(f'<figure><img src="/img/{rng.randint(1, 99999)}.jpg" alt="">')
                h.leaf("figcaption", p.text, p.label)
                h.raw("</figure>")
            else:
                h.raw(f'<p style="text-align:center"><img src="/u/{rng.randint(1, 9999)}.png"></p>')
                h.leaf("p", p.text, p.label, cls=fam.cls("caption"))
            continue
        if role == "subhead":
            h.open("p")
            h.raw("<strong>")
            h.text(p.text, p.label)
            h.raw("</strong>")
            h.close("p")
            continue
        if role == "editor":
            h.leaf("p" if rng.random() < 0.5 else "div", p.text, p.label, cls=fam.cls("editor"))
            continue
        tag = fam.para_tag if fam.para_tag != "br" else "p"
        h.open(tag, extra=' style="text-indent:2em"' if rng.random() < 0.2 else "")
        if p.link:
            h.raw(f'<a href="{_href(rng, fam, p.label)}">')
            h.text(p.text, p.label)
            h.raw("</a>")
        elif len(p.text) > 30 and rng.random() < 0.12:  # an in-text keyword link
            a = rng.randint(0, len(p.text) - 6)
            b = a + rng.randint(2, 5)
            h.text(p.text[:a], p.label)
            h.raw(f'<a href="{_href(rng, fam, B)}" class="keylink">')
            h.text(p.text[a:b], p.label)
            h.raw("</a>")
            h.text(p.text[b:], p.label)
        else:
            h.text(p.text, p.label)
        for q in it.parts[1:]:
            h.text(q.text, q.label)
        h.close(tag)
    if body_open:
        h.close("div")


def _render_thread(h: _Html, rng: random.Random, fam: Family, sec: Section) -> None:
    items = list(sec.items)
    h.leaf(fam.title_tag, items[0].parts[0].text, items[0].parts[0].label, cls=fam.cls("title"))
    h.open("div")
    _render_parts(h, rng, fam, items[1].parts, inline=True)
    h.close("div")
    table = rng.random() < 0.4
    for it in items[2:]:
        head = [
            p
            for p in it.parts
            if p.role in ("user", "widget") and it.parts.index(p) < 6 and p.role != "para"
        ][:6]
        body = [p for p in it.parts if p not in head]
        if table:
            h.open("table", fam.cls("post"))
            h.open("tr")
            h.open("td", fam.cls("userinfo"))
        else:
            h.open("div", fam.cls("post"))
            h.open("div", fam.cls("userinfo"))
        for p in head:
            t = "div" if rng.random() < 0.5 else "p"
            h.open(t)
            _render_parts(h, rng, fam, [p], inline=True)
            h.close(t)
        h.close("td" if table else "div")
        if table:
            h.open("td")
        else:
            h.open("div", fam.cls("body"))
        for p in body:
            if p.role in ("time", "text"):
                h.leaf("div", p.text, p.label, cls=fam.cls("floor") if rng.random() < 0.3 else None)
            elif p.role == "widget":
                h.raw(f'<a href="{_href(rng, fam, B)}">')
                h.text(p.text, p.label)
                h.raw("</a> ")
            else:
                h.leaf("p" if rng.random() < 0.5 else "div", p.text, p.label)
        h.close("td" if table else "div")
        if table:
            h.close("tr")
            h.close("table")
        else:
            h.close("div")


def render_html(
    fam: Family, sections: list[Section], rng: random.Random, title: str
) -> tuple[str, list[tuple[str, str]]]:
    """An HTML page of `fam`'s template; returns the markup and the labelled visible text."""
    h = _Html()
    h.raw('<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">')
    h.raw(f"<title>{_html.escape(title)}_{_html.escape(fam.site)}</title>")
    h.raw(f'<meta name="keywords" content="{_html.escape(fam.site)}">')
    if rng.random() < 0.5:
        h.raw(f'<link rel="canonical" href="https://{fam.host}/a/{rng.randint(1, 99999)}.html">')
    h.raw(f"<style>{rng.choice(_STYLES)}</style><script>{rng.choice(_SCRIPTS)}</script></head>")
    h.open("body", fam.cls("body") if rng.random() < 0.2 else None)
    h.open("div", fam.cls("wrap"), fam.id_("wrap"))
    wrapper = fam.content_wrapper
    in_main = False
    in_side = False
    in_table = False
    table = fam.table_layout
    main_tag = "td" if table else "div"
    side_tag = "td" if table else ("aside" if fam.html5 else "div")
    for sec in sections:
        mid = sec.region in ("main", "side")
        if table and mid and not in_table:
            h.raw('<table width="980" border="0" cellpadding="0" cellspacing="0" align="center">')
            h.raw("<tr>")
            in_table = True
        if sec.region == "main" and not in_main:
            if in_side:
                h.close(side_tag)
                in_side = False
            if not table:
                main_tag = "main" if fam.html5 and rng.random() < 0.5 else "div"
            h.open(main_tag, fam.cls("main") or ("content" if wrapper else None), fam.id_("main"))
            in_main = True
        elif sec.region != "main" and in_main:
            h.close(main_tag)
            in_main = False
        if sec.region == "side" and not in_side:
            h.open(side_tag, fam.cls("sidebar"), fam.id_("sidebar"))
            in_side = True
        elif sec.region != "side" and in_side:
            h.close(side_tag)
            in_side = False
        if in_table and not mid:
            h.raw("</tr></table>")
            in_table = False
        if rng.random() < 0.06:
            h.raw(f"<script>{rng.choice(_SCRIPTS)}</script>")
        if rng.random() < 0.04:  # hidden markup (not visible, not in the stream)
            h.raw('<div style="display:none">隐藏的统计代码</div>')
        _render_section(h, rng, fam, sec)
    if in_main:
        h.close(main_tag)
    if in_side:
        h.close(side_tag)
    if in_table:
        h.raw("</tr></table>")
    h.close("div")
    h.raw(f"<script>{rng.choice(_SCRIPTS)}</script>")
    h.close("body")
    h.raw("</html>")
    return h.html(), h.stream


# --------------------------------------------------------------------------- alignment


def _nows(s: str) -> str:
    return "".join(ch for ch in s if not ch.isspace())


def _vote(labels: Sequence[str]) -> tuple[str, float]:
    if not labels:
        return "boilerplate", 0.0
    c = Counter(labels)
    lab, k = c.most_common(1)[0]
    return lab, k / len(labels)


def _weight(purity: float) -> float:
    return 1.0 if purity >= 0.85 else (0.5 if purity >= 0.6 else 0.2)


def align_text(
    page: Page, text: str, spans: list[tuple[int, int, str]]
) -> tuple[list[str], list[float]]:
    """Labels for a text page from character spans of `text` (which `page.text` should equal)."""
    char = [""] * len(text)
    for s, e, lab in spans:
        for i in range(s, e):
            char[i] = lab
    if page.text != text:  # the reader changed the text: align by searching instead
        stream: list[tuple[str, str]] = []
        for s, e, lab in spans:
            stream.append((text[s:e], lab))
        return align_html(page, stream)
    labels, weights = [], []
    for b in page.blocks:
        if b.start is None or b.end is None:
            labels.append("boilerplate")
            weights.append(0.0)
            continue
        labs = [char[i] for i in range(b.start, b.end) if char[i] and not text[i].isspace()]
        lab, purity = _vote(labs)
        labels.append(lab)
        weights.append(_weight(purity) if labs else 0.0)
    return labels, weights


def align_html(page: Page, stream: Sequence[tuple[str, str]]) -> tuple[list[str], list[float]]:
    """Labels for blocks by finding their (whitespace-free) texts, in order, in the stream."""
    chars: list[str] = []
    labs: list[str] = []
    for s, lab in stream:
        t = _nows(s)
        chars.append(t)
        labs.extend([lab] * len(t))
    full = "".join(chars)
    cursor = 0
    labels, weights = [], []
    for b in page.blocks:
        t = _nows(b.text)
        if not t:
            labels.append("boilerplate")
            weights.append(0.0)
            continue
        p = full.find(t, cursor)
        if p < 0:
            p = full.find(t)
        if p < 0:
            labels.append("boilerplate")
            weights.append(0.0)
            continue
        lab, purity = _vote(labs[p : p + len(t)])
        labels.append(lab)
        weights.append(_weight(purity))
        cursor = p + len(t)
    return labels, weights


# --------------------------------------------------------------------------- entry points


def segment(text: str, kind: str) -> Page:
    """Read a composed page with the project's reader (`read_page`), as inference will."""
    from ..read import read_page

    return read_page(text, kind="html" if kind == "html" else "text")


@dataclass(frozen=True, slots=True)
class ComposedPage:
    page: Page
    labels: tuple[str, ...]
    weights: tuple[float, ...]
    host: str
    family: str
    page_type: str
    raw: str


def compose_page(
    fam: Family, corp: Corpora, rng: random.Random, page_type: str | None = None
) -> ComposedPage:
    """Plan, render (in the family's kind), read and label one page."""
    ptype, sections = plan_page(fam, corp, rng, page_type)
    title = next(
        (s.items[0].parts[0].text for s in sections if s.role in ("article", "thread") and s.items),
        fam.site,
    )
    if fam.kind == "html":
        raw, stream = render_html(fam, sections, rng, title)
        page = segment(raw, "html")
        labels, weights = align_html(page, stream)
    else:
        raw, spans = render_text(fam, sections, rng)
        page = segment(raw, "text")
        labels, weights = align_text(page, raw, spans)
    assert all(lab in LABELS for lab in labels)
    page = Page(
        text=page.text,
        kind=page.kind,
        encoding=page.encoding,
        blocks=page.blocks,
        source=f"synthetic:{fam.fid}",
        url=f"https://{fam.host}/",
        notes=page.notes,
    )
    return ComposedPage(page, tuple(labels), tuple(weights), fam.host, fam.fid, ptype, raw)


def block_labels(page: Page, labels: Sequence[str]) -> list[tuple[Block, str]]:
    """Pairs for inspection and tests."""
    return list(zip(page.blocks, labels, strict=True))
