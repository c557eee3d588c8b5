"""Held out by site: folds over sites, and per-fold training without them (the training data
builder is faked: fast and deterministic)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pagesieve.evaluation.extractors import HELDOUT
from pagesieve.evaluation.heldout import DEFAULT_HELDOUT_SYNTHETIC, _fold_sites, evaluate_heldout
from pagesieve.evaluation.pages import EvalPage
from pagesieve.evaluation.summary import summarize


def test_heldout_folds_train_with_the_shipped_recipe_synthetic_pages() -> None:
    """`make evaluate`'s fold models get as many synthetic pages as `make model` gives the
    shipped model (build_dataset's default), so its held-out figures are the shipped recipe's."""
    import inspect

    from pagesieve.training.dataset import build_dataset

    default = inspect.signature(build_dataset).parameters["n_synthetic"].default
    assert default == DEFAULT_HELDOUT_SYNTHETIC


def test_folds_cover_every_site_once() -> None:
    sites = [f"s{i}" for i in range(10)] + ["s1", "s2"]
    folds = _fold_sites(sites, 3, seed=0)
    flat = [s for f in folds for s in f]
    assert sorted(flat) == sorted(set(sites)) and len(folds) == 3
    assert folds == _fold_sites(sites, 3, seed=0)  # seeded


# -- held out by site (the training data builder is faked: fast and deterministic) ---------------
CONTENT = ["研究人员连续观察了三个月并记录每一次变化", "报告提交给评审委员会后得到了很高的评价",
           "团队计划明年扩大实验规模继续深入研究", "专家认为这项成果对行业发展意义重大"]
COMMENT = ["网友小王：写得真好，支持一下", "路人甲：说得有道理，学习了", "老张：期待后续报道"]
RELATED = ["• 另一篇新闻的标题一 2024-01-02", "• 热门文章推荐标题二 2024-02-03",
           "• 相关阅读标题三 2024-03-04"]
AD = ["加微信买游戏辅助外挂，稳赢不封号", "真人娱乐博彩平台注册就送彩金", "代开发票加QQ联系"]
BOILER = ["首页 新闻 体育 财经 联系我们", "版权所有 京ICP备12345678号", "关注我们 下载APP"]


@pytest.fixture()
def fake_dataset(monkeypatch: pytest.MonkeyPatch) -> list[frozenset[str]]:
    import sys
    import types

    from pagesieve import read_page
    from pagesieve.training.dataset import TrainingPage  # taken before the module is swapped

    calls: list[frozenset[str]] = []

    def build_dataset(shared: Path, *, seed: int = 0, annotations: Any = None,
                      exclude_hosts: frozenset[str] = frozenset(), **kw: Any) -> list[TrainingPage]:
        calls.append(exclude_hosts)
        out = []
        # Ignores exclude_hosts on purpose: evaluate_heldout must still drop those hosts.
        for i, host in enumerate(["a.com", "b.com", "c.com", "d.com", "e.com", "f.com"] * 2):
            parts = [(BOILER[i % 3], "boilerplate"), (CONTENT[i % 4], "content"),
                     (CONTENT[(i + 1) % 4], "content"), (COMMENT[i % 3], "comment"),
                     (RELATED[i % 3], "related"), (AD[i % 3], "ad"),
                     (BOILER[(i + 1) % 3], "boilerplate")]
            page = read_page("\n\n".join(t for t, _ in parts), kind="text")
            assert len(page.blocks) == len(parts)
            out.append(TrainingPage(page, tuple(lab for _, lab in parts), (1.0,) * len(parts),
                                    host, "real-gold", f"x/{host}/{i}"))
        return out

    mod = types.ModuleType("pagesieve.training.dataset")
    mod.build_dataset = build_dataset  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pagesieve.training.dataset", mod)
    import pagesieve.training

    monkeypatch.setattr(pagesieve.training, "dataset", mod, raising=False)
    return calls


def _eval_page(site: str, i: int) -> EvalPage:
    body = "".join(f"<p>{t}</p>" for t in CONTENT)
    html = (f"<html><body><div class='nav'>{BOILER[0]}</div><div class='post'>{body}</div>"
            f"<ul class='related'>{''.join(f'<li><a href=/x>{t}</a></li>' for t in RELATED)}"
            f"</ul><div class='footer'>{BOILER[1]}</div></body></html>")
    return EvalPage(key=f"x/{site}/{i}", dataset="x", site=site, data=html.encode(),
                    html=html, gold="\n".join(CONTENT), gold_kind="gold")


def test_heldout_trains_without_the_fold_sites(
    fake_dataset: list[frozenset[str]], tmp_path: Path
) -> None:
    pages = [_eval_page(s, i) for i, s in enumerate(["a.com", "b.com", "c.com", "a.com"])]
    models: list[tuple[int, Any, list[str]]] = []
    out = evaluate_heldout(tmp_path, folds=3, seed=1, pages=pages, annotations={},
                           progress=False, on_fold=lambda k, m, keys: models.append((k, m, keys)))
    assert len(fake_dataset) == 3
    # each fold's own model and held-out pages (what bench/heldout_recipes.py --save-models keeps)
    assert [k for k, _, _ in models] == [0, 1, 2] and len({id(m) for _, m, _ in models}) == 3
    assert sorted(key for _, _, keys in models for key in keys) == sorted(p.key for p in pages)
    for (k, _, keys), f in zip(models, out["folds"], strict=True):
        assert {out["pages"][key]["fold"] for key in keys} == {k} and len(keys) == f["pages"]
    folds = out["folds"]
    assert sorted(s for f in folds for s in f["sites"]) == ["a.com", "b.com", "c.com"]
    for f, excluded in zip(folds, fake_dataset, strict=True):
        assert set(f["sites"]) <= excluded
        # The fake builder ignored exclude_hosts: 2 pages per held-out site were dropped after.
        assert f["dropped_after_build"] == 2 * len(f["sites"])
        assert f["training_pages"] == 12 - 2 * len(f["sites"])
    assert set(out["pages"]) == {p.key for p in pages}
    for entry in out["pages"].values():
        fig = entry["extractors"][HELDOUT]
        assert 0 <= fig["rouge1"]["f1"] <= 1
    summary = summarize(out["pages"], [HELDOUT])
    assert summary["main_content"]["x"]["extractors"][HELDOUT]["pages"] == 4
