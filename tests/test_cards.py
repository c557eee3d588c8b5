"""cards.py: which blocks make one card, and the card mates' scores the revision pass reads."""

from __future__ import annotations

import numpy as np
import pytest

from pagesieve import cards
from pagesieve.cards import CARD_FEATURE_NAMES, MAX_BLOCKS, card_matrix, card_spans
from pagesieve.read import read_page
from pagesieve.types import Block, Page

PAGE = """<html><body>
<div class=nav><ul><li>首页</li><li>新闻</li><li>体育</li><li>财经</li><li>科技</li>
<li>汽车</li><li>房产</li></ul></div>
<div class=main><h1>晚稻开镰迎丰收</h1><p>嘉兴、湖州等主产区机收进度过半。</p>
<p>种粮大户沈建明站在田埂上算了一笔账。</p></div>
<ul class=list>
<li><a href=/a/1>番茄土豆炖牛腩</a><p>番茄要炒出沙再加水</p><span>1.2万阅读</span></li>
<li><a href=/a/2>芝麻分600就能借</a><p>正规持牌机构放款,随借随还</p><span>广告</span></li>
</ul>
<div class=comments><div><p>深夜食堂常客 12-03 19:22</p><p>照着做了,真的有用。</p></div>
<div><p>北方的狼 12-03 21:05</p><p>我们这边喜欢放点胡萝卜。</p></div></div>
</body></html>"""


def _spans(page: Page) -> list[tuple[int, int] | None]:
    lo, hi = card_spans(page)
    return [None if a < 0 else (int(a), int(b)) for a, b in zip(lo, hi, strict=True)]


def _texts(page: Page) -> list[str]:
    return [b.text for b in page.blocks]


def test_cards_are_teaser_cards_and_comments() -> None:
    page = read_page(PAGE, kind="html")
    texts = _texts(page)
    spans = dict(zip(texts, _spans(page), strict=True))
    title = texts.index("番茄土豆炖牛腩")
    assert spans["番茄土豆炖牛腩"] == spans["1.2万阅读"] == (title, title + 3)
    assert spans["芝麻分600就能借"] == spans["广告"] == (title + 3, title + 6)
    user = texts.index("深夜食堂常客 12-03 19:22")
    assert spans["照着做了,真的有用。"] == (user, user + 2)
    # seven menu items are more than a card holds; the article is its own section
    assert spans["首页"] is None and spans["汽车"] is None and MAX_BLOCKS < 7
    head = texts.index("晚稻开镰迎丰收")
    assert spans["晚稻开镰迎丰收"] == (head, head + 3)


def test_no_cards_on_plain_text_or_long_sections() -> None:
    text = read_page("标题\n\n第一段。\n\n第二段。", kind="text")
    assert _spans(text) == [None] * len(text.blocks)
    long = read_page("<div><p>" + "长" * 300 + "</p><p>" + "文" * 300 + "</p></div>", kind="html")
    assert _spans(long) == [None, None]  # 600 characters: a section, not a card
    one = read_page("<p>只有一块</p>", kind="html")
    assert _spans(one) == [None]


def test_card_matrix_is_the_length_weighted_mean_of_the_mates() -> None:
    blocks = tuple(Block(i, t, xpath=x) for i, (t, x) in enumerate([
        ("导航", "/html/body/div[1]"),
        ("标题标题标题", "/html/body/ul/li[1]/a"),
        ("摘要", "/html/body/ul/li[1]/p"),
        ("9", "/html/body/ul/li[1]/span"),
    ]))
    page = Page(text="", kind="html", encoding="utf-8", blocks=blocks)
    p1 = np.array([[1, 0, 0, 0, 0], [0, 0, 0, 1, 0], [0, 0, 1, 0, 0], [0, 0, 0, 0, 1.0]])
    sizes = np.array([max(1, len(b.text)) for b in blocks], dtype=float)
    m = card_matrix(p1, page, sizes)
    assert m.shape == (4, len(CARD_FEATURE_NAMES))
    assert m[0].tolist() == [0.0] * 6  # no card
    ad, related, boiler = 3, 2, 4
    # the count "9" reads its title (6 characters, ad) and snippet (2, related)
    assert m[3, ad] == pytest.approx(6 / 8) and m[3, related] == pytest.approx(2 / 8)
    assert m[3, boiler] == 0 and m[3, -1] == 1
    assert m[1, related] == pytest.approx(2 / 3) and m[1, boiler] == pytest.approx(1 / 3)


def test_the_python_spans_are_the_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    page = read_page(PAGE, kind="html")
    got = _spans(page)
    monkeypatch.setattr(cards, "_FAST", None)
    assert _spans(page) == got


def test_text_cards_run_from_one_bullet_to_the_next() -> None:
    # every line its own paragraph (nothing indented under the bullets, so segment_text could
    # not keep the cards whole): a card is a bullet block and what follows it up to the next
    lines = ["正文一段。", "相关推荐", "• 标题一", "摘要一", "2024-01-02", "评论 15",
             "• 加微信领取助赢神器", "麻将插件一键开挂", "2013-02-01", "评论 150",
             "• 标题三", "摘要三", "2024-01-05", "帮助中心", "关于我们"]
    page = read_page("\n\n".join(lines), kind="text")
    assert _texts(page) == lines
    spans = _spans(page)
    assert spans[:2] == [None, None]
    assert spans[2:6] == [(2, 6)] * 4 and spans[6:10] == [(6, 10)] * 4
    # the last card takes the shape of the one before it (here one block too many: the
    # features are read by a learned pass, which weighs them)
    assert spans[10:14] == [(10, 14)] * 4 and spans[14] is None
    lone = read_page("\n\n".join(["正文。", "• 只有一项", "2024-01-02", "页脚"]), kind="text")
    assert _spans(lone) == [None] * 4  # one bullet is no list
