"""bench/posthoc_rules.py: rules on the final scores of saved held-out fold models."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from pagesieve.model import PageModel
from pagesieve.read import read_page

# Pages written for this test.
ARTICLE = ("<html><body><div class='nav'><a href='/'>首页</a> <a href='/news'>新闻</a></div>"
           "<div class='main'><h1>{title}</h1><p>{p1}</p><p>{p2}</p></div>"
           "<div class='foot'>版权所有 联系我们</div></body></html>")
PARAS = ["市统计局今天发布了去年全市经济运行情况,地区生产总值同比增长。",
         "从产业结构看,服务业增加值占比继续提高,高技术制造业增长较快。",
         "专家表示,明年将继续加大对科技创新和民生领域的投入力度。",
         "今年夏粮再获丰收,全省小麦单产创历史新高,农民增收明显。"]
LABELS = ["boilerplate", "content", "content", "content", "boilerplate"]

P1 = np.array([[0.6, 0.1, 0.1, 0.1, 0.1], [0.2, 0.1, 0.5, 0.1, 0.1], [0.9, 0, 0, 0, 0.1]])
P2 = np.array([[0.5, 0.3, 0.1, 0.0, 0.1], [0.6, 0.0, 0.3, 0.0, 0.1], [0.1, 0, 0, 0, 0.9]])
CTX = {"main:inside": np.array([1.0, 0.0, 0.0]), "main:after": np.array([0.0, 1.0, 0.0]),
       "main:reach": np.array([1.0, 0.2, 0.9])}
SIZES = np.array([100.0, 50.0, 850.0])


def test_rules_on_scores(bench_script: Any) -> None:
    mod = bench_script("posthoc_rules")
    rule = mod.make_rule
    assert rule("base")(P1, P2, CTX, SIZES) is P2
    assert np.allclose(rule("mix:0.75")(P1, P2, CTX, SIZES), 0.75 * P2 + 0.25 * P1)
    # the second block is content, after the container, far from it: its next label wins
    out = rule("outside:0.5")(P1, P2, CTX, SIZES)
    assert out.argmax(1).tolist() == [0, 2, 4] and np.array_equal(P2[[0, 2]], out[[0, 2]])
    assert np.array_equal(rule("outside:0.1")(P1, P2, CTX, SIZES), P2)  # its reach is 0.2
    assert rule("after:0.5")(P1, P2, CTX, SIZES).argmax(1).tolist() == [0, 2, 4]
    before = dict(CTX, **{"main:after": np.zeros(3)})  # outside, but before the container
    assert np.array_equal(rule("after:0.5")(P1, P2, before, SIZES), P2)
    # 150 of 1,000 characters kept as content: under 0.2, pass 1's content comes back
    assert rule("empty:0.2")(P1, P2, CTX, SIZES).argmax(1).tolist() == [0, 0, 0]
    assert np.array_equal(rule("empty:0.1")(P1, P2, CTX, SIZES), P2)
    # adverts pass 2 names: the first by its own pass-1 score, the second by its card's, the
    # third by its list's; each rule drops those its evidence does not cover
    p1 = np.array([[0.0, 0.5, 0.0, 0.3, 0.2], [0.0, 0.9, 0.0, 0.0, 0.1], [0, 0.9, 0, 0, 0.1]])
    p2 = np.array([[0.1, 0.2, 0.0, 0.6, 0.1]] * 3)
    ctx = dict(CTX, **{"card:ad": np.array([0.0, 0.4, 0.0]),
                       "siblings:ad": np.array([0.0, 0.0, 0.4])})
    assert rule("adneed:0.2")(p1, p2, ctx, SIZES).argmax(1).tolist() == [3, 1, 1]
    assert rule("adcard:0.2")(p1, p2, ctx, SIZES).argmax(1).tolist() == [3, 3, 1]
    assert rule("adsib:0.2")(p1, p2, ctx, SIZES).argmax(1).tolist() == [3, 3, 3]
    assert rule("adsib:0.5")(p1, p2, ctx, SIZES).argmax(1).tolist() == [1, 1, 1]
    beside = dict(ctx, **{"prev1:ad": np.array([0.0, 0.6, 0.0]), "next1:ad": np.zeros(3)})
    assert rule("adnext:0.5")(p1, p2, beside, SIZES).argmax(1).tolist() == [1, 3, 1]
    for bad in ("mix", "mix:a", "nope:1", "base:1", "adsib"):
        with pytest.raises(SystemExit):
            rule(bad)


def test_rule_applied_to_html_pages_only_and_undone(bench_script: Any) -> None:
    mod = bench_script("posthoc_rules")
    pages = [read_page(ARTICLE.format(title=PARAS[i][:8], p1=PARAS[i], p2=PARAS[(i + 1) % 4]),
                       kind="html") for i in range(4)] * 3
    assert all(len(p.blocks) == len(LABELS) for p in pages)
    model = PageModel(min_df=1, n_folds=3).fit(
        pages, [LABELS] * len(pages), groups=[f"h{i % 6}" for i in range(len(pages))])
    text = read_page("\n\n".join(PARAS), kind="text")
    before = model.predict_proba(pages[0]), model.predict_proba(text)
    seen: list[set[str]] = []

    def all_ads(p1: Any, p2: Any, ctx: dict[str, Any], sizes: Any) -> Any:
        seen.append(set(ctx))
        assert sizes.tolist() == [float(len(b.text)) for b in pages[0].blocks]
        out = np.zeros_like(p2)
        out[:, 3] = 1.0
        return out

    with mod.rule_applied(all_ads):
        assert (model.predict_proba(pages[0]).argmax(1) == 3).all()
        assert np.array_equal(model.predict_proba(text), before[1])  # text pages: no region
    assert len(seen) == 1 and {"main:inside", "main:after", "main:reach"} <= seen[0]
    assert np.array_equal(model.predict_proba(pages[0]), before[0])  # restored


def test_without_saved_folds_it_says_what_to_run(bench_script: Any, tmp_path: Any) -> None:
    mod = bench_script("posthoc_rules")
    with pytest.raises(SystemExit, match="--save-models"):
        mod.main([str(tmp_path), "base"])
    with pytest.raises(SystemExit, match="unknown rule"):
        mod.main([str(tmp_path), "base", "frobnicate:1"])
