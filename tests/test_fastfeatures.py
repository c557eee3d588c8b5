"""_fastfeatures: the compiled `layout_tokens` gives exactly the Python one's tokens."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import compiled_or_skip, shared_files
from pagesieve import features
from pagesieve.errors import PagesieveError
from pagesieve.limits import DEFAULT_LIMITS
from pagesieve.read import read_page
from pagesieve.training.compose import compose_page, make_families
from pagesieve.types import Block, Page
from test_bad_inputs import CASES
from test_segment_html import _SHARED_PAGES, SYNTHETIC
from test_training_compose import tiny_corpora

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def fast() -> Any:
    return compiled_or_skip(
        features._FAST, "features",
        "pagesieve/_fastfeatures is not built; `make install` (pip install -e .) builds it",
    )


def assert_same(page: Page, fast: Any) -> None:
    for cap in (DEFAULT_LIMITS.max_block_chars, 16):  # the compiled words, memo miss and hit
        want = [features.block_words(b.text, max_chars=cap) for b in page.blocks]
        assert fast.page_words(page.blocks, cap) == want
        assert fast.page_words(page.blocks, cap) == want
    words, _ = features.page_tokens(page)
    for w in (words, None):
        want = features._layout_tokens(page, w)
        got = fast.layout_tokens(page, w)
        diff = [(b.text[:40], g, x) for b, g, x in zip(page.blocks, got, want, strict=False)
                if g != x]
        assert got == want, diff[:1] or (len(got), len(want))


def test_layout_tokens_uses_it(fast: Any) -> None:
    page = read_page("<p>标题</p><p>正文内容，很长的一段话。</p>")
    assert features.layout_tokens(page) == fast.layout_tokens(page, None)
    assert "pw:标题" in features.layout_tokens(page)[1]


def test_edge_bins_and_neighbours(fast: Any) -> None:
    """Blocks placed on the bin edges (link density 0.3 / 0.7 / 0.98 / 1, sizes on every
    length edge, runs of equal paths, empty texts, over-counted link chars)."""
    blocks = []
    for i, (n, link, lines) in enumerate(
        [(10, 3, 1), (10, 7, 2), (50, 49, 4), (100, 98, 5), (2, 5, 1), (6, 0, 0), (12, 12, 3),
         (25, 1, 1), (200, 0, 1), (400, 0, 9), (401, 400, 1), (0, 0, 1), (1, 0, 1), (16, 0, 1)]
    ):
        blocks.append(Block(index=i, text="字" * n, xpath="/html/body/p", link_chars=link,
                            tag_path="html/body/ul/li" if i % 4 else "html/body/p",
                            attr_words=("comment", "nav", "x") if i % 3 else (), lines=lines))
    for kind in ("html", "text"):
        assert_same(Page(text="", kind=kind, encoding="utf-8", blocks=tuple(blocks)), fast)
    assert_same(Page(text="", kind="html", encoding="utf-8", blocks=()), fast)


@pytest.mark.parametrize("html", SYNTHETIC, ids=range(len(SYNTHETIC)))
def test_synthetic_pages(html: str, fast: Any) -> None:
    assert_same(read_page(html, kind="html"), fast)


def test_demo_and_composed_pages(fast: Any) -> None:
    assert_same(read_page((REPO / "data" / "demo-page.html").read_bytes()), fast)
    corp = tiny_corpora()
    families = make_families(5, n_html=12, n_text=8)
    for i in range(40):
        assert_same(compose_page(families[i % len(families)], corp, random.Random(i)).page, fast)


@pytest.mark.shared
def test_seed_page(seed_page: Path, fast: Any) -> None:
    assert_same(read_page(seed_page.read_bytes()), fast)


def _read(case: Any) -> Page | None:
    """The case's page, or None for input refused before features are built."""
    try:
        return read_page(case.data, kind=case.kind, http_charset=case.http_charset)
    except PagesieveError:
        return None


@pytest.mark.parametrize("case", [c for c in CASES if _read(c) is not None], ids=lambda c: c.id)
def test_bad_input_pages(case: Any, fast: Any) -> None:
    page = _read(case)
    assert page is not None
    assert_same(page, fast)


@pytest.mark.shared
@pytest.mark.parametrize("pattern", _SHARED_PAGES)
def test_real_pages(shared_data: Path, pattern: str, fast: Any) -> None:
    files = shared_files(shared_data, pattern)
    for f in files:
        assert_same(read_page(f.read_bytes()), fast)


FACT_TEXTS = [
    "", " ", "   ", "|", "｜", "a|b", "。", "！？!?；;", "句子。句子！", "2024年3月5日", "3月5日",
    "12:30", "[2024-03-05 12:30]", "(12,345)", "１２３", "٣٤٥ ٦", "१२", "𝟙𝟚", "1", "x1y",
    "• 项目", "  ★ 星", "- dash", "更多...", "未完…  ", "。。。", "联系电话13800138000",
    "www.example.com", "加微 vx123", "QQ: 123456789", "ICP备12345号", "© 2024 版权所有",
    "百家乐 娱乐城 注册送 首充 " * 3, "广告" * 700, "中文" * 30 + "1", "\u3400\u9fff\u4dbf",
    "ſ ı K 𝐈", "\x00\x1f\u200b", "1.2.3%", "3:45 pm…",
    # each alternative of `_CONTACT` and `_ICP` alone, with re.I's case folds (the compiled
    # code skips a search when none of the characters the pattern needs is there)
    "HTTPS://", "http://", "WwW.", ".CoM", ".cn", "@a.", "QQ：123456", "微信", "加微", "VX",
    "V信", "电话", "热线", "13912345678", "010-12345678", "İCP", "ıcp", "Icp证", "备案号",
    "版权所有", "COPYRİGHT", "©", "(C)", "公网安备", "许可证", "ｗｗｗ．", "（c）", "Ⓒ",
    "a.b: /c", "wv.", "123456789", "1234-567890", "https:/", "q.q", "v x",
    "今天天气很好，我们一起去公园散步。" * 20, "没有任何联系方式的一段中文正文" * 30,
    # `_AD_CUES` alternatives with re.I's folds (the compiled code skips the search when no
    # two characters in a row can start one), split ones, and one past the 2,000 searched
    "SPONSORED", "ſponsored", "Sponsored ads", "VX", "vX", "加V", "加Q", "QQ1", "qQ：1", "Qq:x",
    "辅助", "注册就送", "注 册", "免费领取", "广\n告", "今天下午" * 5, "正文" * 1001 + "广告",
    # `_TRUNC` is searched only near the end, `_DATE` and `_who_line` only with the characters
    # they need: marks before spaces of every kind, marks not at the end, dates and times
    # with each separator, and names with a time on a later line
    "..", "....", "a...", "...a", "…a", "a…\u3000\n", "。。", "。。。\x1c", "好。。。 \n",
    "x...\t\r\x0b\x0c\x85\xa0\u2028", ".。。", "…\n\n", "...\n...", " " * 5 + "…",
    "2024-3-5", "2024/3/5", "2024年3月5", "2024.3.5", "2024 . 3 . 5", "3月5日", "12:30", "12：30",
    "２０２４年３月５日", "2024年", "1230", "张三 3-5", "张三 3/5 12:30", "张三 3月5日", "张三 3.5",
    "张三 12:30", "张三 3小时前", "张三 10秒前", "张三 5天前", "前天 12", "评论\n老王 3分钟前",
    "a\nb\n老王 1天前", "a\nb\nc\n老王 1天前", "老王" * 30 + " 12:30",
    # `_ICP` only where two characters in a row may start it (or ©)
    "xic", "iC", "İc", "ıC", "(c", "( c", "Co", "cO", "c o", "备x案", "版 权", "公\n网", "许可",
    "案备", "i", "c", "icp" + "中" * 50, "中" * 50 + "©",
    # `_CONTACT`'s Chinese alternatives only as pairs (电影, 热门, 微博 start none), and its
    # phone numbers only with eleven digits in a row or three, ``-`` and seven
    "电影", "热门", "微博", "加油", "信微", "话电", "线热", "微 信", "电\n话", "加微信", "V微信",
    "12345678901", "1234567890", "1234567890a1", "123-4567890", "12-4567890", "123-456789",
    "123-456789 0", "123--4567890", "1234-5678901", "12-345-6789012", "٠١٢-٣٤٥٦٧٨٩",
    "139１２３45678", "139 12345678", "1-2-3-4-5-6-7-8-9-0-1", "２０２４-１２３４５６７",
    "x" * 40 + "13912345678",
    # `_DATE` only with one of -/年.月: between digits (spaces around it allowed)
    "2024 -\t3-5", "2024 - 3 - 5", "2024\u3000年 3 月 5", "3 月5日", "3月 5日", "3 :30", "12: 30",
    "1:2", "a1-", "-1",
    "1-a1", "1-", "1 - x 1", "1x- 1", "1--1", "1-/1", "v1.0", "1.5", "1年", "年1", "第1/2页",
    "2024年-3-5", "19 99-1-1", "2024- 03 -05", "12\n:\n30", "١٢:٣٠", "１２：３０", "１２:３０",
    # `_DATE_ONLY` and `_NUM_ONLY` only on texts of the characters they can match
    "【2024-03-05 12:30】", "(2024/3/5)", "[3月5日]", "2024年3月5日 12:30:59\n", "（2024-3-5）",
    "【12:30】\n\n", "2024.3.5x", "x12:30", "12:30 ", "(1,234.5万)", "（1,234万）", "[12k]",
    "1.2w", "12K ", "12K", "12M", "12 k", "1,2,3", "（12）", "【12】", "12万.", "١٢٣", "１２万",
    "12年", "3:5万", "\u3000(12)\u3000", "12\x1c", "12日", "12月", "12-", "-12", "12/", "k12",
    # `_AD_CUES` matched at the pairs that may start a cue: pairs inside a match, seven, eight
    # and nine pairs (the most matched one by one, then `findall`), cues at the 2,000th character
    "加vx", "vxvx", "加v加v", "qq1qq", "注册就送注册送", "sponsoredsponsored", "ſponſored",
    "免费" * 7 + "广告", "免费" * 8 + "广告", "免费" * 9 + "广告", "广告" + "免费" * 9 + "推广",
    "注册" * 5 + "加v" * 5, "x" * 1998 + "广告", "x" * 1999 + "广告", "x" * 1997 + "咨询热线",
    "免费" * 999 + "广告", "注册" * 1000 + "加v", "x" * 1996 + "qq:1", "x" * 1996 + "qq1",
    # `_BULLET` only after a first character it may match (every BMP one is below, too)
    "\u3000•", " ·x", "\t-", "*", "+", "‣", "⁃", "※", "☆", "\u2021x", "\u2607", "—", "‐", "\n\n★",
    # `_who_line` only on a line of forty characters at most, a digit, 日 or 前 last
    " " * 32 + "老王 12:30", " " * 33 + "老王 12:30", "老王 12:30 \t", "老王 12:30\r",
    "老王 3月5日", "x\n老王 3月5日\n", "老王 12:30\nx", "x\n\n老王 1天前", "x\n\n\n老王 1天前",
    "老王 ١٢:٣٠", "老王 3月5日 12", "老王 12:30x", "老王 3天前 ", "x" * 41 + "\n老王 12:30",
    "\n老王 12:30",
    # `_DATE` searched from the first digit, `_ICP` from its first pair
    "今天是2024年3月5日", "xx12:30", "第1页 12:30", "a1b2:30", "x(c)", "版权所有 ©", "xx©", "xicp",
    "xxİCP", "c©", "许可许可证",
]


@pytest.mark.parametrize("text", FACT_TEXTS, ids=range(len(FACT_TEXTS)))
def test_text_facts_on_edge_texts(text: str, fast: Any) -> None:
    size = len(text) - text.count(" ")
    assert fast.text_facts(text, size) == features._text_facts(text, size)


@pytest.mark.shared
def test_text_facts_on_real_blocks(shared_data: Path, fast: Any) -> None:
    files = sorted(shared_data.glob(_SHARED_PAGES[0]))[:60]
    if not files:
        pytest.skip("no gne-testpages")
    for f in files:
        for b in read_page(f.read_bytes()).blocks:
            size = len(b.text) - b.text.count(" ")
            assert fast.text_facts(b.text, size) == features._text_facts(b.text, size), b.text


#: Characters the text-fact patterns turn on, their re.I folds, and plain prose around them.
_FACT_ALPHABET = list(
    "httpswwwcomncqvxiIİıkKKsSſ@.:：-()（）©1234567890１２３"
    "微信加电话热线备案版权所有公网安备许可证年月日…。！？!?；;|｜ \n\t今天的新闻"
    "广告推注册送vVxXqQpPsS/前秒分钟小时天•★…\u3000oO案权网可影门博【】[],万"
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_FACT_ALPHABET), max_size=40).map("".join))
def test_text_facts_property(text: str) -> None:
    if features._FAST is None:
        pytest.skip("compiled features not available")
    size = len(text) - text.count(" ")
    assert features._FAST.text_facts(text, size) == features._text_facts(text, size)


def test_text_facts_on_random_texts(fast: Any) -> None:
    rng = random.Random(7)
    for _ in range(20_000):
        text = "".join(rng.choices(_FACT_ALPHABET, k=rng.randint(0, 60)))
        size = len(text) - text.count(" ")
        assert fast.text_facts(text, size) == features._text_facts(text, size), repr(text)


@pytest.mark.parametrize("pattern", ["(?:广告|推广)", "广?告", "广告?", "广告|\\d1", "x"])
def test_text_facts_with_cues_the_prefilter_cannot_read(pattern: str, fast: Any) -> None:
    """Cues whose alternatives do not all start with two required plain characters turn the
    compiled prefilter off: the facts stay the Python ones."""
    f = features
    cues = re.compile(pattern, re.I)
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(f, "_AD_CUES", cues)
            assert f._load_fast() is fast  # initialised with the patched cues
            for text in ["广告", "推广", "告", "广", "x", "X", "1", "41", "今天"]:
                assert fast.text_facts(text, len(text)) == f._text_facts(text, len(text)), text
    finally:
        assert f._load_fast() is fast  # the real patterns again
    assert fast.text_facts("加V", 2) == ("sent:0", "cjk:1", "dig:0", "adcue:1")


#: The patterns the compiled prefilters of `_fastfeatures.text_facts` were written for (their
#: docstrings give the proofs): a change to one must revisit its prefilter.
_PREFILTERED = {
    "_DATE": (
        r"(?:19|20)\d{2}\s*[-/年.]\s*\d{1,2}\s*[-/月.]\s*\d{1,2}|\d{1,2}月\d{1,2}日|\d{1,2}:\d{2}"
    ),
    "_DATE_ONLY": (
        r"^[\s\[\(【(]*(?:(?:19|20)\d{2}\s*[-/年.]\s*\d{1,2}\s*[-/月.]\s*\d{1,2}日?"
        r"|\d{1,2}月\d{1,2}日)?\s*(?:\d{1,2}:\d{2}(?::\d{2})?)?[\s\]\))】]*$"
    ),
    "_NUM_ONLY": r"^[\s(（\[]*\d[\d,.]*[万wkK]?[\s)）\]]*$",
    "_BULLET": r"^[•·●○◆◇▪▫■□►▶‣⁃※★☆\-*+]",
    "_WHO": (
        r"^[\s•·*-]*[^\s\d:：,，。!！?？()（）\[\]【】|｜<>《》][^\s:：,，。!！?？|｜]{0,15}?\s*"
        r"(?:(?:(?:19|20)?\d{2}\s*[-/年.]\s*)?\d{1,2}\s*[-/月.]\s*\d{1,2}日?"
        r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"
        r"|\d{1,2}:\d{2}(?::\d{2})?|\d{1,3}\s*(?:秒|分钟|小时|天)前)\s*$"
    ),
    "_CONTACT": (
        r"(?:https?://|www\.|\.com|\.cn|@\w+\.|qq[:：\s]*\d{5,}|微信|加微|vx|v信|电话|热线|"
        r"1[3-9]\d{9}|\d{3,4}-\d{7,8})"
    ),
}


@pytest.mark.parametrize("name", sorted(_PREFILTERED))
def test_prefiltered_patterns_are_the_proven_ones(name: str) -> None:
    assert getattr(features, name).pattern == _PREFILTERED[name]


def test_contact_hint_characters_fold_to_no_others() -> None:
    """`_contact_hint` and `_phone_run` name the characters of `_CONTACT`'s pairs and phone
    numbers with their ASCII case only: re.I lets no other BMP character match them."""
    for ch in "/:wWc.qQvVxX@微信加电话热线-0123456789":
        same = re.compile(re.escape(ch), re.I).fullmatch
        alike = {chr(x) for x in range(0x10000) if same(chr(x))}
        assert alike == {ch, ch.swapcase()}, (ch, alike)


def test_text_facts_with_every_bmp_character(fast: Any) -> None:
    """Each BMP character next to a date, a time and a number: the compiled prefilters name
    the characters their patterns may hold, and must miss none."""
    for x in range(0x10000):
        c = chr(x)
        for text in (f"1{c}", f"{c}1", f"2024-3-5{c}12:30", f"{c}12:30{c}", f"12{c}3", f"1{c}2"):
            size = len(text) - text.count(" ")
            assert fast.text_facts(text, size) == features._text_facts(text, size), repr(text)


def test_layout_tokens_with_small_memos(fast: Any) -> None:
    """The compiled memos (path, class/id, link and text-fact words), emptied every second key,
    give the Python tokens, read twice (hits) and across pages."""
    f = features
    page = read_page((REPO / "data" / "demo-page.html").read_bytes())
    corp = tiny_corpora()
    families = make_families(3, n_html=6, n_text=4)
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(f, "_MEMO_SIZE", 2)
            assert f._load_fast() is fast  # initialised with the small memos
            for _ in range(2):
                assert_same(page, fast)
            for i in range(6):
                assert_same(compose_page(families[i % 3], corp, random.Random(i)).page, fast)
    finally:
        assert f._load_fast() is fast  # the real size again
    assert_same(page, fast)


def test_page_words_follow_the_segmenter(fast: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """`page_words` reads features' segmenter, tokenizer and shape rule on each call, as
    `block_words` does, and never serves words memoised with another segmenter."""
    page = read_page("<p>今天天气很好</p><p>今天天气很好</p><p>" + "长文本" * 200 + "</p>")
    real = fast.page_words(page.blocks, 4000)
    assert real[0] == real[1] == features.block_words("今天天气很好")

    def chars(s: str) -> list[str]:
        return list(s)

    monkeypatch.setattr(features, "get_segmenter", lambda: chars)
    got = fast.page_words(page.blocks, 4000)
    assert got == [features.block_words(b.text) for b in page.blocks] != real
    assert got[0] == list("今天天气很好")
    monkeypatch.undo()
    assert fast.page_words(page.blocks, 4000) == real


def test_page_words_in_threads_with_two_caps_give_one_threads_words(
    fast: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Threads classifying under two caps (``Limits(max_block_chars=...)``) at once: the memo
    was cleared and re-tagged by whichever thread came last, so a thread could store words cut
    to its cap in the other cap's memo, and every later call read them (4 of 8 threads with
    cap 10: 57 of 480 records differed, and kept differing after the threads were done)."""
    import sys
    import threading
    import time

    real = features.get_segmenter()

    def yielding_cut(s: str) -> list[str]:
        time.sleep(0)  # another thread may run mid-call, as it may during a real segmentation
        return real(s)

    monkeypatch.setattr(features, "get_segmenter", lambda: yielding_cut)
    rng = random.Random(5)
    han = "城市交通改善市民出行更方便今天天气很好新闻发布会召开记者采访"
    blocks = tuple(Block(index=i, text="".join(rng.choice(han) for _ in range(rng.randint(12, 40))),
                         start=None, end=None, xpath=f"/html/body/p[{i + 1}]",
                         tag_path="html/body/p", attr_words=(), link_chars=0, lines=1,
                         link_kinds=()) for i in range(30))
    want = {cap: [features.block_words(b.text, max_chars=cap) for b in blocks] for cap in (8, 4000)}
    wrong: list[int] = []

    def work(cap: int) -> None:
        for _ in range(40):
            if fast.page_words(blocks, cap) != want[cap]:
                wrong.append(cap)

    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=work, args=(cap,)) for cap in (8, 4000) * 3]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(switch)
    assert wrong == []
    assert fast.page_words(blocks, 4000) == want[4000]  # and nothing wrong left behind
    assert fast.page_words(blocks, 8) == want[8]


def test_page_words_call_the_compiled_tokenizer(
    fast: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`page_words` runs tokenize's compiled steps itself (cap, NFKC and lower case, the scan
    with the segmenter under its wrapper) and gives `tokenize_shaped`'s words: upper case and
    full-width text, characters `nfkc_known` leaves to unicodedata (ﬁ, ①, half-width kana,
    an emoji), texts over the cap and over the memo's length."""
    from pagesieve import tokenize as tok

    if tok._FAST is None:
        pytest.skip("compiled tokenizer not available")
    texts = ["ＡＢＣ中文 12%，Hello", "ﬁ① ｶﾀｶﾅ 文字\U0001f600 3.5", "长文本ABC" * 80, "",
             "\u200b零宽\u00ad字符", "北京天安门 2025年" * 3]
    page = Page(text="", kind="html", encoding="utf-8", blocks=tuple(
        Block(index=i, text=t, xpath=None, tag_path="p") for i, t in enumerate(texts)))
    calls: list[tuple[str, Any]] = []
    real = tok._FAST

    class Spy:
        nfkc_known = real.nfkc_known

        @staticmethod
        def scan(s: str, shape: Any, cut: Any) -> list[str]:
            calls.append((s, cut))
            return list(real.scan(s, shape, cut))

    direct = tok.get_segmenter().__wrapped__  # type: ignore[attr-defined]
    for cap in (4000, 5, 37):  # a new cap empties the memo: every text is tokenized
        with monkeypatch.context() as mp:
            mp.setattr(tok, "_FAST", None)
            want = [tok.tokenize_shaped(t, features.shape_word, max_chars=cap) for t in texts]
        calls.clear()
        with monkeypatch.context() as mp:
            mp.setattr(tok, "_FAST", Spy)
            assert fast.page_words(page.blocks, cap) == want
        assert [s for s, _ in calls] == [tok.normalize(t[:cap]) for t in texts]
        assert all(cut is direct for _, cut in calls)
