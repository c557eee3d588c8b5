"""Synthetic pages: every block labelled, labels follow the section a text came from."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from pagesieve.training import templates as T
from pagesieve.training.compose import (
    align_html,
    align_text,
    compose_page,
    make_families,
    plan_page,
    render_html,
    render_text,
    segment,
)
from pagesieve.training.corpora import Article, Corpora, load_corpora
from pagesieve.types import LABELS

HARD_PARAS = (
    "本市警方近日破获一起制作销售网络游戏外挂的案件，抓获犯罪嫌疑人五名，涉案金额三百余万元。",
    "民警提醒，购买和使用游戏外挂可能涉嫌违法犯罪，广大玩家切勿轻信网上的必赢软件广告。",
    "税务部门表示，虚开发票属于违法行为，今年已查处相关案件十余起，彩票销售也须通过正规渠道。",
)


def tiny_corpora() -> Corpora:
    """A corpus written for the tests (no shared data needed)."""
    arts = tuple(
        Article(
            f"城市公园改造第{i}期工程完工 市民点赞",
            tuple(
                f"第{i}篇报道第{j}段：记者走访了多个社区，了解到居民对公园改造总体满意，"
                f"不少老人表示每天都来散步锻炼。"
                for j in range(6)
            ),
            "test",
        )
        for i in range(12)
    )
    hard = (Article("警方破获特大游戏外挂案 抓获五名嫌疑人", HARD_PARAS, "test"),)
    return Corpora(
        articles=arts,
        hard_articles=hard,
        headlines=tuple(f"第{i}条新闻标题：某地举办文化节活动吸引游客" for i in range(40)),
        neg_titles=tuple(f"游戏新作第{i}弹公布 玩家期待值高" for i in range(20)),
        comments=tuple(f"第{i}条评论：这个公园我去过，环境确实不错。" for i in range(40)),
        forum_replies=tuple(f"楼主说得对，第{i}次来这里了" for i in range(10)),
        chat=tuple(f"今晚一起开黑吗{i}" for i in range(10)),
        ad_gamble=tuple(f"澳门娱乐城第{i}号 真人百家乐 首存送彩金" for i in range(10)),
        ad_cheat=tuple(f"出售{i}号透视外挂 加QQ123456789" for i in range(10)),
        ad_spam=tuple(f"优惠代开各类发票{i} 联系电话13800000000" for i in range(10)),
    )


@pytest.fixture(scope="module")
def corp() -> Corpora:
    return tiny_corpora()


@pytest.fixture(scope="module")
def families() -> list:
    return make_families(0, n_html=12, n_text=6)


def _pages(corp: Corpora, families: list, n: int, page_type: str | None = None) -> list:
    return [
        compose_page(families[i % len(families)], corp, random.Random(i), page_type)
        for i in range(n)
    ]


def test_every_block_has_one_of_five_labels(corp: Corpora, families: list) -> None:
    pages = _pages(corp, families, 60)
    for cp in pages:
        assert cp.page.blocks, cp.family
        assert len(cp.labels) == len(cp.page.blocks) == len(cp.weights)
        assert set(cp.labels) <= set(LABELS)
        assert all(0.0 <= w <= 1.0 for w in cp.weights)
        # every block is found in what the renderer emitted
        assert sum(w == 0 for w in cp.weights) == 0, cp.family
    seen = Counter(lab for cp in pages for lab in cp.labels)
    assert all(seen[lab] > 0 for lab in LABELS), seen
    kinds = {cp.page.kind for cp in pages}
    assert kinds == {"html", "text"}


def test_labels_follow_the_section_a_text_came_from(corp: Corpora, families: list) -> None:
    """A block made (mostly) of one planned part carries that part's label."""
    checked = 0
    for i in range(40):
        fam = families[i % len(families)]
        rng = random.Random(100 + i)
        _, sections = plan_page(fam, corp, rng)
        parts = [p for s in sections for it in s.items for p in it.parts]
        parts += [s.heading for s in sections if s.heading]
        if fam.kind == "html":
            raw, stream = render_html(fam, sections, rng, "t")
            page = segment(raw, "html")
            labels, _ = align_html(page, stream)
        else:
            raw, spans = render_text(fam, sections, rng)
            page = segment(raw, "text")
            labels, _ = align_text(page, raw, spans)
        counts = Counter("".join(p.text.split()) for p in parts)
        ambiguous = [t for t, c in counts.items() if c > 1]
        parts = [  # unambiguous only, and not quoted inside an ambiguous part
            p
            for p in parts
            if counts["".join(p.text.split())] == 1
            and not any("".join(p.text.split()) in t for t in ambiguous)
        ]
        for b, lab in zip(page.blocks, labels, strict=True):
            bt = "".join(b.text.split())
            inside = [p for p in parts if "".join(p.text.split()) in bt]
            if not inside:
                continue
            p = max(inside, key=lambda q: len("".join(q.text.split())))
            pt = "".join(p.text.split())
            if len(pt) >= 8 and len(pt) >= 0.7 * len(bt):
                assert lab == p.label, (fam.fid, b.text[:60], p.label, lab)
                checked += 1
    assert checked > 300


def test_seed_like_text_page(corp: Corpora) -> None:
    """A content-farm text page like the seed: title, teasers with cheat ads, comments, footer."""
    fam = next(f for f in make_families(3, n_html=0, n_text=30) if f.kind == "text")
    found = Counter()
    for i in range(30):
        cp = compose_page(fam, corp, random.Random(i), "farm")
        assert cp.page.kind == "text"
        by_text = list(zip(cp.page.blocks, cp.labels, strict=True))
        assert by_text[0][1] in ("content", "boilerplate")
        for b, lab in by_text:
            t = b.text
            if t.startswith("城市公园改造") and len(t) < 40:
                assert lab == "content"
                found["title"] += 1
            if t in ("文章推荐", "推荐阅读", "相关推荐", "猜你喜欢"):
                assert lab == "related"
                found["heading"] += 1
            if t.startswith("评论列表("):
                assert lab == "boilerplate"
            cheat = any(g in t for g in T.GAMES) and any(c in t for c in T.CHEAT_THING)
            if cheat and "警方" not in t and "民警" not in t:
                assert lab == "ad", t
                found["ad"] += 1
            if "条评论：这个公园" in t:
                assert lab == "comment"
                found["comment"] += 1
            if t.startswith(("联系我们", "联系方式", "邮件：", "邮箱：")):
                assert lab == "boilerplate"
                found["footer"] += 1
    assert found["title"] and found["heading"] and found["ad"] and found["comment"], found


def test_brief_text_pages(corp: Corpora) -> None:
    """Short texts (a title, one to three paragraphs, perhaps a footer line) are in the mix."""
    fams = [f for f in make_families(5, n_html=0, n_text=12) if f.kind == "text"]
    pages = [compose_page(fams[i % len(fams)], corp, random.Random(i), "brief") for i in range(30)]
    for cp in pages:
        labels = list(cp.labels)
        assert cp.page.kind == "text" and cp.page_type == "brief"
        n_content = labels.count("content")
        assert 2 <= n_content <= 5, labels  # title (+ byline) + 1-3 paragraphs
        assert labels[:n_content] == ["content"] * n_content
        assert set(labels[n_content:]) <= {"boilerplate"}
    assert any(len(cp.labels) == cp.labels.count("content") for cp in pages)  # no footer
    assert any(0 < cp.labels.count("boilerplate") <= 3 for cp in pages)  # a line or two
    drawn = Counter(
        compose_page(fams[i % len(fams)], corp, random.Random(1000 + i)).page_type
        for i in range(300)
    )
    assert 0.05 < drawn["brief"] / 300 < 0.3, drawn


def test_ad_teasers_are_ads(corp: Corpora, families: list) -> None:
    n_ad = 0
    for i in range(40):
        fam = families[i % len(families)]
        rng = random.Random(500 + i)
        _, sections = plan_page(fam, corp, rng, "farm")
        ad_titles = {
            p.text
            for s in sections
            if s.role == "related"
            for it in s.items
            for p in it.parts
            if p.label == "ad" and p.role == "title"
        }
        cp = compose_page(fam, corp, random.Random(500 + i), "farm")
        for b, lab in zip(cp.page.blocks, cp.labels, strict=True):
            if b.text in ad_titles:
                assert lab == "ad"
                n_ad += 1
    assert n_ad > 10


def test_hard_negatives_are_not_ads(corp: Corpora, families: list) -> None:
    hard_bits = [p[:20] for p in HARD_PARAS] + [c[:10] for c in T.HARD_COMMENT]
    hits = 0
    for i in range(150):
        cp = compose_page(families[i % len(families)], corp, random.Random(900 + i), "news")
        for b, lab in zip(cp.page.blocks, cp.labels, strict=True):
            if any(h in b.text for h in hard_bits) and len(b.text) > 15:
                assert lab in ("content", "comment", "related"), (b.text, lab)
                hits += 1
    assert hits > 0


def test_ad_pages_have_an_ad_body(corp: Corpora, families: list) -> None:
    for cp in _pages(corp, families, 12, "adpage"):
        assert cp.page_type == "adpage"
        assert "ad" in cp.labels
        assert "content" not in cp.labels


def test_deterministic(corp: Corpora, families: list) -> None:
    a = _pages(corp, families, 8)
    b = _pages(corp, families, 8)
    assert [x.raw for x in a] == [x.raw for x in b]
    assert [x.labels for x in a] == [x.labels for x in b]
    assert make_families(7) == make_families(7)
    assert make_families(7) != make_families(8)


def test_families_vary_layout() -> None:
    fams = make_families(0)
    assert len({f.host for f in fams}) == len(fams)
    html = [f for f in fams if f.kind == "html"]
    assert len({f.list_style for f in html}) >= 4
    assert len({f.cls("related") for f in html}) >= 10
    # some families use meaningless class names only: the model cannot lean on "related"/"nav"
    assert any(
        f.cls("nav") and not any(w in f.cls("nav") for w in ("nav", "dh", "nv", "daohang"))
        for f in html
    )


def test_with_shared_corpora(shared_data: Path) -> None:
    corp = load_corpora(shared_data, seed=1)
    fams = make_families(1, n_html=8, n_text=4)
    pages = [compose_page(fams[i % len(fams)], corp, random.Random(i)) for i in range(24)]
    labs = Counter(lab for cp in pages for lab in cp.labels)
    assert labs["content"] and labs["boilerplate"] and labs["related"]
    assert sum(w == 0 for cp in pages for w in cp.weights) == 0


def test_new_ad_kinds_and_furniture_labels(corp: Corpora, families: list) -> None:
    """Commercial ad slots, sponsored feeds, tag clouds, hot searches, stock widgets, quotes."""
    seen: Counter[str] = Counter()
    for i in range(120):
        fam = families[i % len(families)]
        _, sections = plan_page(fam, corp, random.Random(3000 + i), ("news", "forum")[i % 2])
        for s in sections:
            parts = [p for it in s.items for p in it.parts]
            if s.role in ("tagcloud", "tags", "hotsearch", "stock"):
                assert all(p.label == "boilerplate" for p in parts), s.role
                seen[s.role] += 1
            if s.role == "adslot":
                assert all(p.label == "ad" for p in parts)
                seen["adslot"] += 1
            if s.role == "sponsored":
                for it in s.items:
                    if any(p.role == "meta" for p in it.parts):  # carries a sponsor name
                        assert it.label == "ad"
                seen["sponsored"] += 1
            if s.role == "hotcmt":
                assert all(p.label == "related" for p in parts)
                seen["hotcmt"] += 1
            for p in parts:
                if p.role == "quote":
                    assert p.label == "comment"
                    seen["quote"] += 1
                if p.text in T.AD_MARKERS and p.label == "ad":
                    seen["marker"] += 1
    for key in ("tagcloud", "adslot", "sponsored", "quote", "marker"):
        assert seen[key], seen
    # the helpers are deterministic and produce the advertised kinds
    assert T.promo_line(random.Random(1), "stock") == T.promo_line(random.Random(1), "stock")
    assert "老师" in T.promo_line(random.Random(2), "stock") or "财富" in T.promo_line(
        random.Random(2), "stock"
    )
    assert "到" in T.sms_offer(random.Random(3)) or "包月" in T.sms_offer(random.Random(3))


def test_ads_link_out_more_than_other_blocks(corp: Corpora, families: list) -> None:
    """Synthetic ads leave the site or pass an ad server more often than related lists and
    menus do, but not always (so the link facts are evidence, not the label)."""
    flagged: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for cp in _pages(corp, [f for f in families if f.kind == "html"], 80, "farm"):
        for b, lab in zip(cp.page.blocks, cp.labels, strict=True):
            if b.link_chars:
                total[lab] += 1
                flagged[lab] += bool(b.link_kinds)
    share = {lab: flagged[lab] / total[lab] for lab in total if total[lab] >= 20}
    assert 0.3 < share["ad"] < 0.95
    assert share["related"] < 0.15 and share["boilerplate"] < 0.2


def test_seller_comments_are_ads_signed_by_sellers(corp: Corpora, families: list) -> None:
    """Sellers' comments (goods or a service, then a contact) come out labelled ad, and so do
    the shop or agent names they sign with; the pitch itself is never left unfilled."""
    rng = random.Random(7)
    for _ in range(300):
        text = T.seller_comment(rng)
        assert "{" not in text and "}" not in text, text
        assert any(call.split("{")[0] in text for call in T.SELLER_CALL), text
    sellers = ads = 0
    offers = [*T.SELLER_GOODS, *(s[:6] for s in T.SELLER_SERVICES)]
    for cp in _pages(corp, families, 200):
        for b, lab in zip(cp.page.blocks, cp.labels, strict=True):
            if any(call.split("{")[0] in b.text for call in T.SELLER_CALL) and any(
                g in b.text for g in offers
            ):
                sellers += 1
                ads += lab == "ad"
    assert sellers >= 5 and ads == sellers, (sellers, ads)


def test_prev_next_links_are_related_also_in_a_nav(corp: Corpora, families: list) -> None:
    """WordPress puts 上一篇/下一篇 in a <nav>; labels.md counts them as related wherever."""
    in_nav = 0
    for cp in _pages(corp, families, 120):
        for b, lab in zip(cp.page.blocks, cp.labels, strict=True):
            if b.text.lstrip("« ").startswith(("上一篇", "下一篇")) and "/nav" in b.tag_path:
                assert lab == "related", (b.text, b.tag_path)
                in_nav += 1
    assert in_nav > 0
