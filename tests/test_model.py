from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pagesieve.errors import ModelError
from pagesieve.model import (
    AD_EVIDENCE,
    DEFAULT_AD_WEIGHT,
    FEW_BLOCKS,
    SURE_AD,
    PageModel,
    _founded_ads,
    _with_defaults,
    manifest_path,
)
from pagesieve.read import read_page
from pagesieve.region import REGION_FEATURE_NAMES
from pagesieve.revise import CONTEXT_FEATURE_NAMES, context_feature_names
from pagesieve.types import LABELS, Page

ARTICLE = [
    "市统计局今天发布了去年全市经济运行情况,地区生产总值同比增长百分之五点二。",
    "从产业结构看,服务业增加值占比继续提高,高技术制造业保持较快增长。",
    "专家表示,明年将继续加大对科技创新和民生领域的投入力度。",
    "记者从教育部门了解到,今年新建改扩建中小学和幼儿园共计三十所。",
]
TEASERS = [
    "  • 春季图书订货会开幕 新书同比增长一成\n\n    2025年03月09日\n    188",
    "  • 老城区街巷完成微改造 居民出门就是公园\n\n    2025年03月10日\n    235",
]
ADS = [
    "  • 微乐麻将开挂神器 助赢辅助插件通用版 加微信下载\n\n    2025年03月08日\n    96",
    "  • 斗地主透视挂 一局稳赢 看牌器 需要的老板加QQ\n\n    2025年03月02日\n    77",
]
COMMENTS = [
    "  • 网友小张\n    网友小张 2026年01月27日\n\n    写得真好,支持一下!",
    "  • 老读者\n    老读者 2026年01月28日\n\n    希望多报道一些这样的新闻。",
]
FOOTER = ["联系我们", "邮件:service@example.com", "工作时间:周一至周五,9:30-18:30", "关注我们"]


def make_page(rng: random.Random) -> tuple[str, list[str]]:
    parts: list[tuple[str, str]] = [(p, "content") for p in rng.sample(ARTICLE, 3)]
    parts.append(("文章推荐", "related"))
    cards = [(t, "related") for t in TEASERS] + [(a, "ad") for a in ADS]
    rng.shuffle(cards)
    parts += cards
    parts.append(("评论列表(2条)", "boilerplate"))
    parts += [(c, "comment") for c in COMMENTS]
    parts += [(f, "boilerplate") for f in FOOTER]
    return "\n\n".join(p for p, _ in parts), [lab for _, lab in parts]


def training_set(seed: int) -> tuple[list[Page], list[list[str]], list[str]]:
    """Twelve composed text pages, their labels, and four hosts for the folds."""
    rng = random.Random(seed)
    made = [make_page(rng) for _ in range(12)]
    pages = [read_page(t, kind="text") for t, _ in made]
    return pages, [labs for _, labs in made], [f"host{i % 4}" for i in range(len(pages))]


@pytest.fixture(scope="module")
def fitted() -> PageModel:
    rng = random.Random(0)
    pages, labels = [], []
    for _ in range(24):
        text, labs = make_page(rng)
        page = read_page(text, kind="text")
        assert len(page.blocks) == len(labs)
        pages.append(page)
        labels.append(labs)
    return PageModel(min_df=1, n_folds=3).fit(
        pages, labels, groups=[f"host{i % 6}" for i in range(len(pages))]
    )


def test_fit_refuses_inputs_that_do_not_line_up() -> None:
    """A page whose labels are one short (or one over) shifted every label after it onto the
    wrong block and fitted without a word; the other mistakes were bare KeyError/IndexError."""
    pages, labels, groups = training_set(1)
    model = PageModel(min_df=1, n_folds=2)
    short = [labels[0][:-1], labels[1] + ["content"], *labels[2:]]
    cases = [
        (([], []), {}, "at least one page"),
        ((pages, short), {}, "page 0 .* blocks but .* labels"),
        ((pages, labels[:-1]), {}, "labels has 11 entries for 12 pages"),
        ((pages, [["foo"] * len(labels[0]), *labels[1:]]), {}, "unknown label.*'foo'"),
        ((pages, labels), {"groups": groups[:-1]}, "groups has 11 entries"),
        ((pages, labels), {"weights": [[1.0]] * len(pages)}, "page 0 has .* blocks but 1 weights"),
    ]
    for args, kw, why in cases:
        with pytest.raises(ValueError, match=why):
            model.fit(*args, **kw)


def test_settings_follow_scikit_learn(fitted: PageModel) -> None:
    """get_params(deep=...), set_params and sklearn.base.clone work (clone raised TypeError:
    get_params took no `deep`)."""
    from sklearn.base import clone

    copy = clone(fitted)
    assert copy.get_params(deep=False) == fitted.get_params() and copy is not fitted
    with pytest.raises(ModelError, match="not fitted"):
        copy.fitted  # noqa: B018 - a clone is unfitted
    assert copy.set_params(min_df=4, ad_weight=2.0).get_params()["min_df"] == 4
    with pytest.raises(ValueError, match="unknown setting"):
        copy.set_params(min_dff=4)


def test_save_refuses_a_name_it_would_not_load(fitted: PageModel, tmp_path: Path) -> None:
    """`save('m.pkl')` wrote a file no load accepts (and a manifest that broke m.joblib's);
    `save('m.skops')` a joblib pickle under an export's name."""
    for name in ("m.pkl", "m.skops", "m.onnx"):
        with pytest.raises(ValueError, match=r"saved as \.joblib"):
            fitted.save(tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_probabilities_are_distributions(fitted: PageModel) -> None:
    text, _ = make_page(random.Random(99))
    page = read_page(text, kind="text")
    p = fitted.predict_proba(page)
    assert p.shape == (len(page.blocks), len(LABELS))
    assert np.allclose(p.sum(axis=1), 1.0)
    assert ((p >= 0) & (p <= 1)).all()
    assert np.array_equal(p, fitted.predict_proba(page))  # deterministic


def test_learns_the_labels_and_explains(fitted: PageModel) -> None:
    text, labs = make_page(random.Random(7))
    page = read_page(text, kind="text")
    got = fitted.label_page(page)
    assert sum(g.name == want for g, want in zip(got, labs, strict=True)) >= len(labs) - 1
    ads = [g for g, want in zip(got, labs, strict=True) if want == "ad"]
    assert all(a.name == "ad" for a in ads)
    assert all(a.why for a in ads)
    assert all(r.startswith(("word ", "layout ", "context ")) for a in ads for r in a.why)


def _reasons_one_block(
    model: PageModel, page_blocks_x: tuple[np.ndarray, np.ndarray], k: int, ctx_row: np.ndarray
) -> tuple[str, ...]:
    """The reasons of one block, spelled out: its features' contributions to label `k`, the
    two strongest positive words and layout facts, then strong context facts."""
    coef, ccoef, names = model._explain_weights()
    cols, vals = page_blocks_x
    contrib = vals * coef[k, cols]
    groups: dict[str, list[tuple[float, str]]] = {"words": [], "layout": []}
    for c, v in zip(cols.tolist(), contrib.tolist(), strict=True):
        if v > 0:
            groups[str(names[c]).split("__")[0]].append((v, str(names[c])))
    picked = sorted((x for g in groups.values() for x in sorted(g, reverse=True)[:2]),
                    reverse=True)
    out = [("word " if n.startswith("words__") else "layout ") + n.split("__", 1)[1]
           for _, n in picked]
    cc = ctx_row * ccoef[k]
    for j in np.argsort(-cc)[:2]:
        name = CONTEXT_FEATURE_NAMES[j]
        if cc[j] > 0.5 and not name.startswith(("self:", "log_self:")):
            out.append(f"context {name}")
    return tuple(out)


def test_reasons_are_the_strongest_contributions(fitted: PageModel) -> None:
    for seed in (3, 11, 42):
        text, _ = make_page(random.Random(seed))
        page = read_page(text, kind="text")
        c = fitted.compiled
        assert c is not None
        X, ctx, _ = fitted._compiled_passes(c, page)
        got = fitted.label_page(page)
        for i, label in enumerate(got):
            lo, hi = X.indptr[i], X.indptr[i + 1]
            row = (X.indices[lo:hi], X.data[lo:hi])
            k = LABELS.index(label.name)
            assert label.why == _reasons_one_block(fitted, row, k, ctx[i])
        assert any(len(label.why) >= 3 for label in got)


def test_warm_builds_what_why_needs_and_the_kinds_follow_the_names(fitted: PageModel) -> None:
    model = PageModel(min_df=1, n_folds=3)
    model._fitted, model._compiled = fitted._fitted, fitted.compiled
    assert model._groups is None and model._coefs is None
    model.warm(explain=False)  # what the batch fork server builds: no reasons' tables
    assert model._groups is None and model._coefs is None
    model.warm()
    assert model._coefs is not None and model._groups is not None
    names = model.feature_names()
    groups = model._reason_groups(names)
    # the compiled model's kinds (from its column counts) are the kinds the names spell
    spelled = [0 if n.startswith("words__") else 1 if n.startswith("layout__") else 2
               for n in map(str, names)]
    assert groups.tolist() == spelled and 0 in spelled and 1 in spelled
    # any other names array is read name by name
    other = np.asarray(["layout__a", "words__b", "x__c"], dtype=object)
    assert model._reason_groups(other).tolist() == [1, 0, 2]


def _reasons_spelled_out(
    data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, coef: np.ndarray,
    ctx: np.ndarray, ccoef: np.ndarray, chosen: np.ndarray, names: np.ndarray, top: int,
) -> list[tuple[str, ...]]:
    """`_explain_rows` the plain way: every positive candidate of a row sorted by (value,
    name), the first top // 2 words and layout facts kept."""
    out = []
    for i in range(len(indptr) - 1):
        cands = [(float(data[t] * coef[chosen[i], indices[t]]), str(names[indices[t]]))
                 for t in range(indptr[i], indptr[i + 1])]
        picked: list[tuple[float, str]] = []
        for prefix in ("words__", "layout__"):
            mine = [c for c in cands if c[0] > 0 and c[1].startswith(prefix)]
            picked.extend(sorted(mine, reverse=True)[: top // 2])
        reasons = [("word " if n.startswith("words__") else "layout ") + n.split("__", 1)[1]
                   for _, n in sorted(picked, reverse=True)]
        cc = ctx[i] * ccoef[chosen[i]]
        for j in np.argsort(-cc, kind="stable")[:2]:
            name = CONTEXT_FEATURE_NAMES[j]
            if cc[j] > 0.5 and not name.startswith(("self:", "log_self:")):
                reasons.append(f"context {name}")
        out.append(tuple(reasons))
    return out


@pytest.mark.parametrize("top", [0, 1, 2, 4, 6])
def test_reasons_with_ties_match_the_plain_way(top: int) -> None:
    """Only the candidates that can be among a kind's strongest are named: ties at the cut
    (equal values, settled by name) keep every candidate they need."""
    rng = np.random.default_rng(top)
    model = PageModel()
    n_feat, n_ctx = 60, len(context_feature_names(region=model.region, cards=model.cards))
    names = np.asarray([f"{rng.choice(['words', 'layout', 'other'])}__f{j}"
                        for j in range(n_feat)], dtype=object)
    # and one page of many rows
    for n in [*rng.integers(0, 12, size=30), 33_000]:
        per_row = rng.integers(0, 15 if n < 100 else 3, size=n)
        indptr = np.concatenate([[0], np.cumsum(per_row)]).astype(np.int32)
        indices = np.concatenate(
            [rng.choice(n_feat, size=m, replace=False) for m in per_row] or [np.zeros(0, int)]
        ).astype(np.int32)
        data = rng.choice([0.5, 1.0, 2.0], size=len(indices))  # few values: many ties
        coef = rng.choice([-1.0, 0.0, 0.25, 0.5, 1.0], size=(len(LABELS), n_feat))
        ctx = rng.random((n, n_ctx))
        ccoef = rng.normal(size=(len(LABELS), n_ctx))
        chosen = rng.integers(0, len(LABELS), size=n)
        got = model._explain_rows(data, indices, indptr, coef, ctx, ccoef, chosen, names, top)
        assert got == _reasons_spelled_out(
            data, indices, indptr, coef, ctx, ccoef, chosen, names, top
        )


def test_empty_page(fitted: PageModel) -> None:
    page = read_page("", kind="text")
    assert fitted.predict_proba(page).shape == (0, 5)
    assert fitted.label_page(page) == ()


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_a_text_page_of_few_blocks_keeps_its_first_pass_scores(fitted: PageModel, n: int) -> None:
    page = read_page("\n\n".join(ARTICLE[:n]), kind="text")
    assert len(page.blocks) == n <= FEW_BLOCKS["text"]
    first = fitted.first_pass_proba(fitted.featurize(page))
    np.testing.assert_allclose(fitted.predict_proba(page), first)  # compiled path
    np.testing.assert_allclose(fitted.predict_proba(page, fitted.featurize(page)), first)
    labels = fitted.label_page(page)
    for label, row in zip(labels, first, strict=True):
        assert label.scores == pytest.approx(dict(zip(LABELS, row.tolist(), strict=True)))
        assert label.why and not any(r.startswith("context") for r in label.why)


def test_pages_of_more_blocks_are_revised(fitted: PageModel) -> None:
    more = read_page("\n\n".join(ARTICLE + FOOTER[:1]), kind="text")
    lone = read_page(f"<html><body><p>{ARTICLE[0]}</p></body></html>", kind="html")
    pair = read_page(f"<html><body><p>{ARTICLE[0]}</p><p>{ARTICLE[1]}</p></body></html>",
                     kind="html")
    assert (len(more.blocks), len(lone.blocks), len(pair.blocks)) == (
        FEW_BLOCKS["text"] + 1, FEW_BLOCKS["html"], FEW_BLOCKS["html"] + 1)
    for page, revised in ((more, True), (lone, False), (pair, True)):
        first = fitted.first_pass_proba(fitted.featurize(page))
        # relative: this model's scores sit near 0 and 1, where only the small ones differ
        same = np.allclose(fitted.predict_proba(page), first, rtol=1e-6, atol=0)
        assert same is not revised, page.kind


def test_a_block_pass_1_is_sure_is_an_advert_keeps_its_first_pass_scores(
    fitted: PageModel,
) -> None:
    page = read_page("\n\n".join(ARTICLE + FOOTER), kind="text")
    n = len(page.blocks)
    assert n > FEW_BLOCKS["text"]
    p1 = np.full((n, len(LABELS)), 0.05)
    p1[:, 0] = 0.8  # content
    p1[1] = [0.1, 0.0, 0.0, SURE_AD, 0.1]  # just sure enough
    p1[2] = [0.15, 0.0, 0.0, SURE_AD - 0.01, 0.06]  # not quite
    revised = np.tile([0.0, 0.0, 0.0, 0.0, 1.0], (n, 1))  # a pass 2 that says boilerplate

    def pass2(ctx: np.ndarray) -> np.ndarray:
        return revised.copy()

    ctx, p2 = fitted._revise(p1, page, pass2)
    np.testing.assert_array_equal(p2[1], p1[1])
    np.testing.assert_array_equal(np.delete(p2, 1, axis=0), np.delete(revised, 1, axis=0))
    # its context explains nothing; the other blocks keep their context columns
    from pagesieve.revise import context_matrix

    full = context_matrix(p1, page, region=fitted.region, cards=fitted.cards)
    assert not ctx[1].any() and full[1].any()
    np.testing.assert_array_equal(np.delete(ctx, 1, axis=0), np.delete(full, 1, axis=0))


def test_pass_2_names_an_advert_only_on_first_pass_evidence() -> None:
    """Own, card-mate or list-sibling first-pass ad score of at least `AD_EVIDENCE` founds an
    advert; without, the next label wins and the row still sums to 1."""
    width = len(context_feature_names(region=True, cards=True))
    col = {n: i for i, n in enumerate(CONTEXT_FEATURE_NAMES)}
    n = 5
    p1 = np.tile([0.1, 0.6, 0.2, 0.0, 0.1], (n, 1))
    p1[1, 3] = AD_EVIDENCE  # its own words
    ctx = np.zeros((n, width))
    ctx[2, col["card:ad"]] = AD_EVIDENCE  # its card's
    ctx[3, col["siblings:ad"]] = AD_EVIDENCE  # its list's
    ctx[4, col["card:ad"]] = ctx[4, col["siblings:ad"]] = AD_EVIDENCE - 0.01  # not quite
    p2 = np.tile([0.05, 0.25, 0.0, 0.6, 0.1], (n, 1))
    out = _founded_ads(p2, p1, ctx, cards=True)
    assert out.argmax(axis=1).tolist() == [1, 3, 3, 3, 1]
    np.testing.assert_allclose(out[1:4], p2[1:4])
    np.testing.assert_allclose(out[[0, 4]], [[0.125, 0.625, 0.0, 0.0, 0.25]] * 2)
    assert out[2, 3] == 0.6 and p2[0, 3] == 0.6  # the input is not changed
    # a model without card features reads no card column (there, the region ones sit)
    no_cards = _founded_ads(p2, p1, ctx, cards=False)
    assert no_cards.argmax(axis=1).tolist() == [1, 3, 1, 3, 1]
    # a row pass 2 gave wholly to ad takes pass 1's other scores
    whole = np.tile([0.0, 0.0, 0.0, 1.0, 0.0], (n, 1))
    np.testing.assert_allclose(_founded_ads(whole, p1, ctx, cards=True)[0],
                               [0.1, 0.6, 0.2, 0.0, 0.1])


def test_revise_drops_adverts_without_evidence(fitted: PageModel) -> None:
    """Through `_revise`: where pass 1 saw no advert anywhere, a pass 2 that says ad for every
    block names none, and the sure advert (`SURE_AD`) keeps pass 1's scores."""
    page = read_page("\n\n".join(ARTICLE + FOOTER), kind="text")
    n = len(page.blocks)
    p1 = np.tile([0.8, 0.05, 0.05, 0.0, 0.1], (n, 1))
    p1[2] = [0.1, 0.0, 0.0, 0.9, 0.0]
    revised = np.tile([0.1, 0.0, 0.1, 0.5, 0.3], (n, 1))
    assert fitted.cards  # the columns below are named as with the card part on
    ctx, p2 = fitted._revise(p1, page, lambda c: revised.copy())
    labels = p2.argmax(axis=1)
    assert labels[2] == LABELS.index("ad")
    # the sure advert is some blocks' list sibling or card mate: those may keep ad
    cols = {n: i for i, n in enumerate(CONTEXT_FEATURE_NAMES)}
    evidence = np.maximum(ctx[:, cols["siblings:ad"]], ctx[:, cols["card:ad"]])
    unfounded = evidence < AD_EVIDENCE
    unfounded[2] = False
    assert unfounded.sum() >= n - 3
    assert (labels[unfounded] == LABELS.index("boilerplate")).all()
    np.testing.assert_allclose(p2.sum(axis=1), 1.0)


def test_sure_adverts_on_a_real_path(fitted: PageModel) -> None:
    """Through both paths: a block pass 1 scores as an advert at `SURE_AD` or more comes out
    with pass 1's scores and no context reason; the others are revised."""
    page = read_page(make_page(random.Random(5))[0], kind="text")
    first = fitted.first_pass_proba(fitted.featurize(page))
    sure = first[:, LABELS.index("ad")] >= SURE_AD
    assert sure.any() and not sure.all()
    for got in (fitted.predict_proba(page), fitted.predict_proba(page, fitted.featurize(page))):
        np.testing.assert_allclose(got[sure], first[sure])
        assert not np.allclose(got[~sure], first[~sure], rtol=1e-6, atol=0)
    for label, is_sure in zip(fitted.label_page(page), sure, strict=True):
        if is_sure:
            assert label.name == "ad"
            assert not any(r.startswith("context") for r in label.why)


def test_save_load_roundtrip_and_tamper(fitted: PageModel, tmp_path: Path) -> None:
    path = tmp_path / "m.joblib"
    manifest = fitted.save(path, extra={"data": {"pages": 24}})
    assert manifest["sha256"] and manifest_path(path).is_file()
    loaded = PageModel.load(path)
    page = read_page(make_page(random.Random(3))[0], kind="text")
    assert np.allclose(loaded.predict_proba(page), fitted.predict_proba(page), atol=1e-12)

    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="does not match its manifest"):
        PageModel.load(path)


def test_the_same_training_writes_the_same_bytes(tmp_path: Path) -> None:
    """Two processes fitting the same data save byte-identical files (same sha256): no object
    address (they differ between processes) or other run-specific value is pickled, so `make
    model` is reproducible to the byte."""
    import subprocess
    import sys

    code = (
        "import random, sys\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from test_model import make_page\n"
        "from pagesieve.model import PageModel\n"
        "from pagesieve.read import read_page\n"
        "rng = random.Random(0)\n"
        "made = [make_page(rng) for _ in range(12)]\n"
        "pages = [read_page(t, kind='text') for t, _ in made]\n"
        "model = PageModel(min_df=1, n_folds=3).fit(\n"
        "    pages, [labs for _, labs in made], groups=[f'host{i % 4}' for i in range(12)])\n"
        "print(model.save(__import__('pathlib').Path(sys.argv[1]))['sha256'])\n"
    )
    shas = [
        subprocess.run([sys.executable, "-c", code, str(tmp_path / f"m{k}.joblib")],
                       capture_output=True, text=True, check=True, timeout=300).stdout.strip()
        for k in range(2)
    ]
    assert shas[0] and shas[0] == shas[1]


def test_region_setting_is_saved_and_old_files_read_without_it(tmp_path: Path) -> None:
    rng = random.Random(5)
    made = [make_page(rng) for _ in range(12)]
    pages = [read_page(t, kind="text") for t, _ in made]
    html = read_page("<html><body><div><p>" + ARTICLE[0] + "</p><p>" + ARTICLE[1] + "</p></div>"
                     "<ul><li>" + FOOTER[0] + "</li><li>" + FOOTER[1] + "</li></ul></body></html>")
    pages.append(html)
    labels = [labs for _, labs in made] + [["content", "content", "boilerplate", "boilerplate"]]
    assert len(html.blocks) == 4
    groups = [f"host{i % 4}" for i in range(len(pages))]
    for region in (False, True):
        model = PageModel(min_df=1, n_folds=3, region=region).fit(pages, labels, groups=groups)
        ctx, _ = model._both_passes(html, model.featurize(html))
        dropped = 0 if region else len(REGION_FEATURE_NAMES)
        assert ctx.shape[1] == len(CONTEXT_FEATURE_NAMES) - dropped
        assert ctx.shape[1] == len(context_feature_names(region=region, cards=model.cards))
        path = tmp_path / f"m{region}.joblib"
        model.save(path)
        loaded = PageModel.load(path)
        assert loaded.region is region
        assert np.allclose(loaded.predict_proba(html), model.predict_proba(html), atol=1e-12)
    # a model saved before the setting existed was fitted without the region (or card) features
    assert _with_defaults({"c_context": 1.0})["region"] is False
    assert _with_defaults({"c_context": 1.0})["cards"] is False
    assert _with_defaults({"cards": True})["cards"] is True
    assert _with_defaults({"region": True})["region"] is True


def test_words_weight_scales_words_against_layout(tmp_path: Path) -> None:
    pages, labels, groups = training_set(7)

    def word_share(m: PageModel) -> float:
        coef, _ = m._coefficients()
        n_words = len(m.vectorizers()[0].vocabulary_)
        return float(np.abs(coef[:, :n_words]).sum() / np.abs(coef).sum())

    kw = {"min_df": 1, "n_folds": 3}
    plain = PageModel(words_weight=1.0, **kw).fit(pages, labels, groups=groups)
    heavy = PageModel(words_weight=3.0, **kw).fit(pages, labels, groups=groups)
    assert word_share(heavy) > word_share(plain)
    # pass 1 learnt on scaled word columns; the scale is folded into its weights, so the saved
    # pipeline reads plain features: the same weights as a classifier fitted on scaled columns
    feats = [heavy.featurize(p) for p in pages]
    vec = heavy.fitted.pass1.named_steps["features"]
    X = vec.transform(np.vstack(feats))
    row_groups = np.concatenate([[g] * len(f) for g, f in zip(groups, feats, strict=True)])
    scale = heavy._column_scale(vec, X, row_groups)
    assert scale is not None and set(np.unique(scale)) == {1.0, 3.0}
    y = np.concatenate([[LABELS.index(lab) for lab in labs] for labs in labels])
    Xs = X.multiply(scale.astype(X.dtype)).tocsr()
    ref = heavy._make_pass1_clf().fit(Xs, y, sample_weight=np.ones(len(y)))
    assert np.allclose(ref.coef_ * scale, heavy.fitted.pass1.named_steps["clf"].coef_)
    assert heavy.compiled is not None  # the compiled arrays still apply (float32 weights)
    # saved and loaded with the setting; compiled predictions equal scikit-learn's
    path = tmp_path / "heavy.joblib"
    heavy.save(path)
    loaded = PageModel.load(path)
    assert loaded.words_weight == 3.0
    assert np.allclose(loaded.predict_proba(pages[0]), heavy.predict_proba(pages[0]), atol=1e-6)
    assert _with_defaults({"c_context": 1.0}).get("words_weight", 1.0) == 1.0


def test_ad_weight_trades_ad_precision_for_recall(tmp_path: Path) -> None:
    pages, labels, groups = training_set(11)
    kw = {"min_df": 1, "n_folds": 3}
    plain = PageModel(ad_weight=1.0, **kw).fit(pages, labels, groups=groups)
    heavy = PageModel(ad_weight=4.0, **kw).fit(pages, labels, groups=groups)
    ad = LABELS.index("ad")
    base = plain.fitted.pass2.calibrated_classifiers_[0].estimator
    assert base.class_weight is None
    assert heavy.fitted.pass2.calibrated_classifiers_[0].estimator.class_weight == {ad: 4.0}
    # the revision pass's regression leans towards `ad` on the same context rows; ads stay ads
    ctx = np.vstack([heavy._both_passes(p, heavy.featurize(p))[0] for p in pages])

    def ad_log_odds(m: PageModel) -> float:
        logits = m.fitted.pass2.calibrated_classifiers_[0].estimator.decision_function(ctx)
        rest = np.log(np.exp(np.delete(logits, ad, axis=1)).sum(axis=1))
        return float((logits[:, ad] - rest).mean())

    assert ad_log_odds(heavy) > ad_log_odds(plain) + 0.1
    gold = np.concatenate([[lab == "ad" for lab in labs] for labs in labels])
    p_heavy = np.vstack([heavy.predict_proba(p) for p in pages])
    assert (p_heavy[gold].argmax(axis=1) == ad).all()
    # saved and loaded with the setting; a file saved before it existed weighed ads as 1
    path = tmp_path / "heavy.joblib"
    heavy.save(path)
    assert PageModel.load(path).ad_weight == 4.0
    assert _with_defaults({"c_context": 1.0})["ad_weight"] == 1.0
    assert PageModel().ad_weight == DEFAULT_AD_WEIGHT
    # a training set without some label fits unweighted (see `_make_pass2`), not an error
    no_comment = [["boilerplate" if lab == "comment" else lab for lab in labs] for labs in labels]
    partial = PageModel(ad_weight=4.0, **kw).fit(pages, no_comment, groups=groups)
    assert partial.fitted.pass2.calibrated_classifiers_[0].estimator.class_weight is None


def test_sklearn_version_read_as_importlib_metadata_reads_it() -> None:
    # read off the .dist-info folder in a process that has not imported scikit-learn (as a
    # batch worker loading from the compiled cache), and never importing importlib.metadata
    code = (
        "import sys; from pagesieve.model import _sklearn_version; v = _sklearn_version(); "
        "assert 'sklearn' not in sys.modules; assert 'importlib.metadata' not in sys.modules, "
        "'asked importlib.metadata'; import importlib.metadata as m; "
        "assert v == m.version('scikit-learn'), (v, m.version('scikit-learn')); print(v)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip()


def test_refuses_missing_manifest_and_version_mismatch(fitted: PageModel, tmp_path: Path) -> None:
    path = tmp_path / "m.joblib"
    fitted.save(path)
    mpath = manifest_path(path)
    manifest = json.loads(mpath.read_text())
    manifest["versions"]["scikit-learn"] = "0.0.1"
    mpath.write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match=r"scikit-learn 0\.0\.1"):
        PageModel.load(path)
    mpath.unlink()
    with pytest.raises(ModelError, match="manifest not found"):
        PageModel.load(path)
    with pytest.raises(ModelError, match="not found"):
        PageModel.load(tmp_path / "nope.joblib")


def test_pickle_holds_only_sklearn_objects(fitted: PageModel, tmp_path: Path) -> None:
    import pickletools

    import joblib

    path = tmp_path / "m.joblib"
    fitted.save(path)
    payload = joblib.load(path)
    raw = __import__("pickle").dumps(payload)
    modules = {
        arg.split(" ")[0]
        for op, arg, _ in pickletools.genops(raw)
        if op.name in ("GLOBAL", "STACK_GLOBAL") and isinstance(arg, str)
    }
    # STACK_GLOBAL takes its names from the stack; scan the string constants as well.
    strings = {arg for op, arg, _ in pickletools.genops(raw) if isinstance(arg, str)}
    assert not any(s.startswith("pagesieve") for s in strings | modules)
    assert not any(s.startswith(("jieba", "rjieba")) for s in strings | modules)


def test_loads_only_from_the_given_path(fitted: PageModel, tmp_path: Path) -> None:
    from pagesieve.model import load_model

    real = tmp_path / "real" / "m.joblib"
    fitted.save(real)
    # A symlinked model file or manifest is refused: it would load whatever it points to.
    link_dir = tmp_path / "link"
    link_dir.mkdir()
    (link_dir / "m.joblib").symlink_to(real)
    (link_dir / "m.manifest.json").write_bytes(manifest_path(real).read_bytes())
    with pytest.raises(ModelError, match="symlink"):
        PageModel.load(link_dir / "m.joblib")
    with pytest.raises(ModelError, match="symlink"):
        load_model(link_dir / "m.joblib")
    (link_dir / "m.joblib").unlink()
    (link_dir / "m.joblib").write_bytes(real.read_bytes())
    (link_dir / "m.manifest.json").unlink()
    (link_dir / "m.manifest.json").symlink_to(manifest_path(real))
    with pytest.raises(ModelError, match="symlink"):
        PageModel.load(link_dir / "m.joblib")
    # The manifest must name the file it sits beside (a renamed copy is not vouched for).
    other = tmp_path / "real" / "other.joblib"
    other.write_bytes(real.read_bytes())
    manifest_path(other).write_bytes(manifest_path(real).read_bytes())
    with pytest.raises(ModelError, match=r"describes 'm\.joblib', not 'other\.joblib'"):
        PageModel.load(other)
    # Only the known suffixes, and the manifest's serialization must agree with the suffix.
    with pytest.raises(ModelError, match="must end in"):
        PageModel.load(tmp_path / "real" / "m.pkl")
    onnx = tmp_path / "real" / "m.onnx"
    onnx.write_bytes(real.read_bytes())
    manifest = json.loads(manifest_path(real).read_text())
    manifest["model_file"] = "m.onnx"
    manifest_path(onnx).write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match="says 'joblib'"):
        PageModel.load(onnx)
    assert load_model(real).manifest["serialization"] == "joblib"


def test_vectorizer_reading_files_refused(fitted: PageModel, tmp_path: Path) -> None:
    # Hash and allow-list pass (a TfidfVectorizer is allowed), but its settings would open files
    # named by the block text.
    import copy

    evil = copy.deepcopy(fitted)
    evil.vectorizers()[0].input = "filename"
    path = tmp_path / "m.joblib"
    evil.save(path)
    with pytest.raises(ModelError, match="reads files or runs code"):
        PageModel.load(path)


def test_layout_tokens_of_few_sites_are_not_learnt() -> None:
    """A layout token carried by blocks of fewer than `layout_min_sites` sites gets weight 0."""
    pages, labels, groups = training_set(11)
    feats = [np.array(PageModel().featurize(p), dtype=object) for p in pages]
    # a token only host0's pages carry, on their content blocks: a site-specific template
    for f, labs, g in zip(feats, labels, groups, strict=True):
        if g == "host0":
            for row, lab in zip(f, labs, strict=True):
                if lab == "content":
                    row[1] = row[1] + " tmpl:host0"
    kw = {"min_df": 1, "n_folds": 3}
    gated = PageModel(layout_min_sites=2, **kw).fit(pages, labels, groups=groups, features=feats)
    plain = PageModel(layout_min_sites=1, **kw).fit(pages, labels, groups=groups, features=feats)

    def weight(m: PageModel, token: str) -> float:
        coef, _, names = m._explain_weights()
        j = list(names).index(f"layout__{token}")
        return float(np.abs(coef[:, j]).max())

    assert weight(plain, "tmpl:host0") > 0 and weight(gated, "tmpl:host0") == 0
    assert weight(gated, "k:text") > 0  # every site's token is still learnt
    assert gated.get_params()["layout_min_sites"] == 2
    assert _with_defaults({"c_context": 1.0})["layout_min_sites"] == 1  # files saved before it


def test_threads_of_a_first_call_load_the_model_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """lru_cache does not wait for a running call: eight threads making their first call at
    once each loaded the model (8 loads, ~0.6 GB more memory); they get one model now."""
    import threading

    from pagesieve import model as model_module

    model_module._load_cached.cache_clear()
    start = threading.Barrier(8)
    got: list[object] = []
    loads: list[int] = []
    real = PageModel.load

    def counted(path: Path) -> PageModel:
        loads.append(1)
        return real(path)

    def first_call() -> None:
        start.wait()
        got.append(model_module.load_model())

    monkeypatch.setattr(model_module.PageModel, "load", counted)
    threads = [threading.Thread(target=first_call) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert loads == [1] and len(got) == 8 and all(m is got[0] for m in got)
