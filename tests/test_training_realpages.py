"""Real pages: gold aligned to blocks, weak labels, hosts, and the dataset builder."""

from __future__ import annotations

import math
import statistics
from pathlib import Path

import pytest

from pagesieve.training.dataset import ORIGINS, TrainingPage, build_dataset, summary
from pagesieve.training.realpages import (
    RealPage,
    align_gold,
    infer_host,
    label_real_page,
    load_real_pages,
    registrable_domain,
    weak_label,
)
from pagesieve.types import LABELS, Block, Page


@pytest.fixture(scope="module")
def real(shared_data: Path) -> list[RealPage]:
    return load_real_pages(shared_data)


def test_registrable_domain() -> None:
    assert registrable_domain("news.sina.com.cn") == "sina.com.cn"
    assert registrable_domain("WWW.RFI.FR") == "rfi.fr"
    assert registrable_domain("www.pku.edu.cn:8080") == "pku.edu.cn"
    assert registrable_domain("163.com") == "163.com"


def test_infer_host_rules() -> None:
    assert infer_host("", "https://ent.ifeng.com/c/7p") == ("ifeng.com", "index-url")
    canon = '<html><head><link rel="canonical" href="https://m.example.com.cn/a/1.html"></head>'
    assert infer_host(canon) == ("example.com.cn", "canonical")
    og = '<meta property="og:url" content="http://www.foo.org/x">'
    assert infer_host(og) == ("foo.org", "og:url")
    saved = "<!-- saved from url=(0031)http://bbs.bar.net/t/1.html -->\n<html>"
    assert infer_host(saved) == ("bar.net", "saved-from")
    links = "".join(f'<a href="http://news.site.cn/{i}.html">x</a>' for i in range(5))
    links += '<a href="http://www.baidu.com/">b</a>'
    assert infer_host(links) == ("site.cn", "link-majority")
    assert infer_host("<p>nothing</p>") == (None, "none")


def test_weak_label() -> None:
    def blk(text: str, *, link: int = 0, attrs: tuple[str, ...] = ()) -> Block:
        return Block(index=0, text=text, link_chars=link, attr_words=attrs)

    assert weak_label(blk("优惠代开各类发票，联系电话13800000000")) == "ad"
    assert weak_label(blk("京ICP备12345678号")) == "boilerplate"
    assert weak_label(blk("首页", link=2)) == "boilerplate"
    assert weak_label(blk("上一篇：某地举办文化节")) == "related"
    title = "某地举办文化节活动吸引大批游客前来"
    assert weak_label(blk(title, link=len(title))) == "related"
    assert weak_label(blk("写得真好，支持一下", attrs=("comment-item",))) == "comment"


def test_alignment_covers_cwced_gold(real: list[RealPage]) -> None:
    cw = [rp for rp in real if rp.corpus == "cwced-zh"]
    assert len(cw) == 69
    covs, precs = [], []
    for rp in cw:
        page, labels, weights, st = label_real_page(rp)
        assert len(labels) == len(weights) == len(page.blocks)
        assert set(labels) <= set(LABELS)
        covs.append(st.gold_coverage)
        if not math.isnan(st.precision):
            precs.append(st.precision)
    # >= 95% of the gold characters, on average, fall in blocks labelled content
    assert statistics.mean(covs) >= 0.95, statistics.mean(covs)
    assert min(covs) >= 0.7
    assert statistics.mean(precs) >= 0.95


def test_headline_counts_as_content_when_gold_omits_it() -> None:
    html = (
        "<html><head><title>公园改造完工 市民点赞_城市新闻网</title></head><body>"
        "<div class=nav><a href=/>首页</a><a href=/n>新闻</a></div>"
        "<h1>公园改造完工 市民点赞</h1><div>2024-05-01 来源：城市日报</div>"
        "<p>记者走访了多个社区，了解到居民对公园改造总体满意。</p>"
        "<p>不少老人表示每天都来散步锻炼，孩子们也有了新的游乐场。</p>"
        "<div class=foot>Copyright © 2024 城市新闻网</div></body></html>"
    )
    gold = (
        "记者走访了多个社区，了解到居民对公园改造总体满意。\n"
        "不少老人表示每天都来散步锻炼，孩子们也有了新的游乐场。"
    )
    rp = RealPage("t/1", "t", html, "city.cn", "test", gold=gold)
    page, labels, weights, st = label_real_page(rp)
    got = {b.text: (lab, w) for b, lab, w in zip(page.blocks, labels, weights, strict=True)}
    assert got["公园改造完工 市民点赞"][0] == "content"
    assert got["2024-05-01 来源：城市日报"][0] == "content"
    assert got["Copyright © 2024 城市新闻网"] == ("boilerplate", pytest.approx(0.3))
    assert got["首页新闻"][0] == "boilerplate"
    assert st.gold_coverage == pytest.approx(1.0)


def test_hosts(real: list[RealPage]) -> None:
    gne = [rp for rp in real if rp.corpus == "gne-testpages"]
    assert len(gne) == 20
    by_dir: dict[str, set[str]] = {}
    for rp in gne:
        by_dir.setdefault(rp.page_id.split("/")[2], set()).add(rp.host)
    assert all(len(h) == 1 for h in by_dir.values())  # one host per site folder
    assert by_dir["sina"] == {"sina.com.cn"} and by_dir["163"] == {"163.com"}
    assert all(rp.host and rp.host_how for rp in real)
    assert len({rp.page_id for rp in real}) == len(real)


def test_snippet_gold_marks_with_and_without(real: list[RealPage]) -> None:
    for rp in (r for r in real if r.corpus == "trafilatura-zh"):
        page, labels, _w, _ = label_real_page(rp)
        for b, lab in zip(page.blocks, labels, strict=True):
            if any(s in b.text for s in rp.with_snippets):
                assert lab == "content"
            if b.text in rp.without_snippets:
                assert lab != "content"


def test_align_gold_without_reader() -> None:
    blocks = (Block(0, "首页", link_chars=2), Block(1, "这是一段足够长的正文内容，用来测试。"))
    page = Page(text="", kind="html", encoding="utf-8", blocks=blocks)
    rp = RealPage("t/2", "t", "", "x.cn", "test", gold="这是一段足够长的正文内容，用来测试。")
    labels, weights, _ = align_gold(page, rp)
    assert labels == ["boilerplate", "content"] and weights[1] == 1.0


def test_build_dataset_small(shared_data: Path) -> None:
    first = load_real_pages(shared_data)[0].page_id
    ds = build_dataset(
        shared_data, seed=0, n_synthetic=30, annotations={first: {0: "ad", 1: "comment"}}
    )
    assert all(isinstance(tp, TrainingPage) for tp in ds)
    assert {tp.origin for tp in ds} <= set(ORIGINS)
    assert {"synthetic-html", "synthetic-text", "real-gold", "annotated"} <= {
        tp.origin for tp in ds
    }
    ann = next(tp for tp in ds if tp.page_id == first)
    assert ann.origin == "annotated" and ann.labels[:2] == ("ad", "comment")
    assert ann.weights[:2] == (1.0, 1.0)
    s = summary(ds)
    assert s["pages"] == len(ds) and s["blocks"] == sum(len(tp.labels) for tp in ds)
    assert set(s["labels"]) == set(LABELS)
    # deterministic, and hosts can be held out
    held = {ds[0].host, "sina.com.cn"}
    rest = build_dataset(shared_data, seed=0, n_synthetic=30, exclude_hosts=frozenset(held))
    assert not any(tp.host in held for tp in rest)
    kept = [tp for tp in ds if tp.host not in held and tp.origin.startswith("synthetic")]
    assert [tp.labels for tp in rest if tp.origin.startswith("synthetic")] == [
        tp.labels for tp in kept
    ]
    assert len(rest) < len(ds)


def test_synthetic_pages_beyond_the_mass_weigh_less(
    shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More synthetic pages than SYNTHETIC_MASS share its weight (n / mass pages' worth each
    weigh mass / n), so they cannot crowd out the real pages; up to it they weigh 1 as before."""
    import pagesieve.training.dataset as ds_module

    full = build_dataset(shared_data, seed=0, n_synthetic=30)
    monkeypatch.setattr(ds_module, "SYNTHETIC_MASS", 10)
    shared = build_dataset(shared_data, seed=0, n_synthetic=30)
    assert [tp.page_id for tp in full] == [tp.page_id for tp in shared]
    for a, b in zip(full, shared, strict=True):
        assert a.labels == b.labels
        k = 1 / 3 if a.origin.startswith("synthetic") else 1.0
        assert b.weights == pytest.approx(tuple(w * k for w in a.weights))
    assert any(w > 0 for tp in full if tp.origin.startswith("synthetic") for w in tp.weights)
