"""bench/few_blocks.py: per block count and kind, blocks right by each pass."""

from __future__ import annotations

from typing import Any

from pagesieve.model import FEW_BLOCKS, PageModel
from pagesieve.read import read_page
from pagesieve.types import LABELS

# Texts written for this test.
PARAS = ["市统计局今天发布了去年全市经济运行情况,地区生产总值同比增长百分之五点二。",
         "从产业结构看,服务业增加值占比继续提高,高技术制造业保持较快增长。",
         "专家表示,明年将继续加大对科技创新和民生领域的投入力度。"]
JUNK = ["联系我们", "邮件:service@example.com", "工作时间:周一至周五,9:30-18:30",
        "  • 微乐麻将开挂神器 助赢辅助插件通用版 加微信下载"]
JUNK_LABELS = ["boilerplate", "boilerplate", "boilerplate", "ad"]


def _page(n_paras: int, n_junk: int) -> tuple[Any, list[str], list[float]]:
    text = "\n\n".join(PARAS[:n_paras] + JUNK[:n_junk])
    labels = ["content"] * n_paras + JUNK_LABELS[:n_junk]
    page = read_page(text, kind="text")
    assert len(page.blocks) == len(labels)
    return page, labels, [1.0] * len(labels)


def test_compare_counts_both_passes(bench_script: Any) -> None:
    mod = bench_script("few_blocks")
    train = [_page(p, j) for p in (1, 2, 3) for j in (1, 2, 3, 4)] * 2
    model = PageModel(min_df=1, n_folds=3).fit(
        [p for p, _, _ in train], [labs for _, labs, _ in train],
        groups=[f"h{i % 6}" for i in range(len(train))])
    pages = [_page(p, j) for p in (1, 2, 3) for j in (0, 1, 2, 3, 4)]
    page, labels, _ = pages[1]
    pages.append((page, labels, [0.0] * len(labels)))  # weight 0: not counted
    table = mod.compare(model, pages, max_blocks=6)
    assert all(n <= 6 and kind == "text" for n, kind in table)
    assert 7 not in {n for n, _ in table}  # 3 + 4 blocks: above max_blocks
    for (n, _), row in table.items():
        counted = [(p, labs) for p, labs, w in pages if len(p.blocks) == n and w[0] > 0]
        assert row["n"] == sum(len(labs) for _, labs in counted)
        # the public path: first-pass labels up to FEW_BLOCKS["text"], revised ones above
        right = sum(LABELS[k] == g for p, labs in counted
                    for k, g in zip(model.predict_proba(p).argmax(1), labs, strict=True))
        assert row["first" if n <= FEW_BLOCKS["text"] else "revised"] == right
