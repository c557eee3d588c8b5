from __future__ import annotations

import json
import random
import zipfile
from pathlib import Path

import numpy as np
import pytest

from pagesieve.classify import classify_page
from pagesieve.errors import ModelError
from pagesieve.export import OnnxPageModel, export_model
from pagesieve.model import PageModel, load_model, manifest_path
from pagesieve.read import read_page

pytest.importorskip("skops")
pytest.importorskip("onnxruntime")

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "models" / "pagesieve.joblib"
DEMO = REPO / "data" / "demo-page.html"
TOL = 1e-6

SENTENCES = [
    "经过半年的改造,位于城南老街的旧书市场于本周六重新开门迎客。",
    "市统计局今天发布了去年全市经济运行情况,地区生产总值同比增长百分之五点二。",
    "专家表示,明年将继续加大对科技创新和民生领域的投入力度。",
    "记者从教育部门了解到,今年新建改扩建中小学和幼儿园共计三十所。",
    "从产业结构看,服务业增加值占比继续提高,高技术制造业保持较快增长。",
]
LINKS = ["首页", "新闻", "体育", "财经", "登录", "注册", "图书订货会开幕", "老城区街巷完成微改造"]
ADS = ["微乐麻将开挂神器 加微信下载", "斗地主透视挂 一局稳赢 需要的老板加QQ 12345678"]
COMMENTS = ["写得真好,支持一下!", "希望多报道一些这样的新闻。", "楼主说得对"]


def generated_page(seed: int) -> bytes:
    """A random news-like page: nav, article, related list, ads, comments, footer."""
    rng = random.Random(seed)
    nav = "".join(f'<a href="/{i}">{w}</a> ' for i, w in enumerate(rng.sample(LINKS, 5)))
    paras = "".join(f"<p>{s}</p>" for s in rng.sample(SENTENCES, rng.randint(2, 5)))
    rel = "".join(f'<li><a href="/r{i}">{w}</a></li>' for i, w in enumerate(rng.sample(LINKS, 3)))
    ads = "".join(f'<div class="{rng.choice(["ad", "gg", "banner"])}">{a}</div>' for a in ADS)
    com = "".join(
        f'<li class="reply"><span>网友{rng.randint(1, 999)}</span> {c}</li>'
        for c in rng.sample(COMMENTS, 2)
    )
    body = (
        f'<div class="nav">{nav}</div><div class="article"><h1>{rng.choice(SENTENCES)[:12]}</h1>'
        f'{paras}</div><div class="related"><h3>相关推荐</h3><ul>{rel}</ul></div>{ads}'
        f'<div class="comments"><ul>{com}</ul></div><div class="footer">联系我们 | 关于本站</div>'
    )
    return f'<html><head><meta charset="utf-8"></head><body>{body}</body></html>'.encode()


@pytest.fixture(scope="module")
def shipped() -> PageModel:
    if not SHIPPED.is_file():
        pytest.skip("the shipped model is absent")
    return load_model(SHIPPED)


@pytest.fixture(scope="module")
def exported(shipped: PageModel, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("export")
    paths = {}
    for fmt in ("skops", "onnx"):
        path = out / f"pagesieve.{fmt}"
        manifest = export_model(shipped, path, fmt)
        assert manifest["sha256"] and manifest["serialization"] == fmt
        assert manifest["exported_from"]["sha256"] == shipped.manifest["sha256"]
        paths[fmt] = path
    return paths


def same_results(
    shipped: PageModel, path: Path, pages: list[tuple[str, bytes]], fmt: str
) -> None:
    """Same labels, reasons and kept text; scores within `TOL` (exactly equal for skops)."""
    model = PageModel.load(path)
    assert isinstance(model, OnnxPageModel) == (fmt == "onnx")
    worst = 0.0
    for name, data in pages:
        want = classify_page(data, model=shipped)
        got = classify_page(data, model=model)
        assert len(got.blocks) == len(want.blocks) > 0, name
        for a, b in zip(want.blocks, got.blocks, strict=True):
            assert a.label.name == b.label.name, name
            assert a.label.why == b.label.why, name
            for lab, score in a.label.scores.items():
                worst = max(worst, abs(score - b.label.scores[lab]))
        assert got.text == want.text
    assert worst <= TOL
    if fmt == "skops":  # the very same estimators: bit-identical
        assert worst == 0.0


@pytest.mark.parametrize("fmt", ["skops", "onnx"])
def test_exported_model_gives_the_same_labels_and_scores(
    shipped: PageModel, exported: dict[str, Path], fmt: str
) -> None:
    pages = [("demo", DEMO.read_bytes())]
    pages += [(f"generated{i}", generated_page(i)) for i in range(6)]
    same_results(shipped, exported[fmt], pages, fmt)


@pytest.mark.shared
@pytest.mark.parametrize("fmt", ["skops", "onnx"])
def test_exported_model_on_the_seed_page(
    shipped: PageModel, exported: dict[str, Path], seed_page: Path, fmt: str
) -> None:
    same_results(shipped, exported[fmt], [("seed", seed_page.read_bytes())], fmt)


def test_onnx_feature_names_and_first_pass_match(
    shipped: PageModel, exported: dict[str, Path]
) -> None:
    model = PageModel.load(exported["onnx"])
    assert np.array_equal(model._explain_weights()[2], shipped._explain_weights()[2])
    page = read_page(generated_page(42))
    feats = shipped.featurize(page)
    assert (shipped.pass1_matrix(feats) != model.pass1_matrix(feats)).nnz == 0
    p1, q1 = shipped.first_pass_proba(feats), model.first_pass_proba(feats)
    assert np.abs(p1 - q1).max() <= TOL
    assert model.predict_proba(read_page("", kind="text")).shape == (0, 5)


def test_exported_model_via_environment(
    exported: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAGESIEVE_MODEL", str(exported["onnx"]))
    result = classify_page(DEMO.read_bytes())
    assert {b.label.name for b in result.blocks} == {
        "content",
        "comment",
        "related",
        "ad",
        "boilerplate",
    }


@pytest.mark.parametrize("fmt", ["skops", "onnx"])
def test_tampered_export_refused(exported: dict[str, Path], tmp_path: Path, fmt: str) -> None:
    src = exported[fmt]
    bad = tmp_path / src.name
    data = bytearray(src.read_bytes())
    data[len(data) // 3] ^= 0x01
    bad.write_bytes(bytes(data))
    manifest_path(bad).write_bytes(manifest_path(src).read_bytes())
    with pytest.raises(ModelError, match="does not match its manifest"):
        PageModel.load(bad)
    bad.write_bytes(src.read_bytes())
    manifest_path(bad).unlink()
    with pytest.raises(ModelError, match="manifest not found"):
        PageModel.load(bad)


def rehash(path: Path) -> None:
    import hashlib

    mpath = manifest_path(path)
    manifest = json.loads(mpath.read_text())
    manifest["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    mpath.write_text(json.dumps(manifest))


def test_skops_untrusted_type_refused(exported: dict[str, Path], tmp_path: Path) -> None:
    # A .skops file whose schema names a type outside the list is refused, even with a
    # manifest that matches it.
    import skops.io as sio
    from sklearn.preprocessing import FunctionTransformer

    path = tmp_path / "m.skops"
    path.write_bytes(sio.dumps({"format": 1, "x": FunctionTransformer(np.exp)}))
    manifest = json.loads(manifest_path(exported["skops"]).read_text())
    manifest["model_file"] = path.name
    manifest_path(path).write_text(json.dumps(manifest))
    rehash(path)
    with pytest.raises(ModelError, match=r"outside the trusted list.*FunctionTransformer"):
        PageModel.load(path)
    with zipfile.ZipFile(exported["skops"]) as zf:
        assert not any(n.endswith((".pkl", ".pickle")) for n in zf.namelist())


def test_sklearn_version_mismatch(exported: dict[str, Path], tmp_path: Path) -> None:
    # skops rebuilds scikit-learn's own objects: another version is an error. ONNX holds no
    # scikit-learn object (the vectorizers are rebuilt from plain settings), so it still loads.
    for fmt in ("skops", "onnx"):
        path = tmp_path / f"pagesieve.{fmt}"
        path.write_bytes(exported[fmt].read_bytes())
        manifest = json.loads(manifest_path(exported[fmt]).read_text())
        manifest["versions"]["scikit-learn"] = "0.0.1"
        manifest_path(path).write_text(json.dumps(manifest))
        if fmt == "skops":
            with pytest.raises(ModelError, match=r"scikit-learn 0\.0\.1"):
                PageModel.load(path)
        else:
            assert PageModel.load(path).manifest["versions"]["scikit-learn"] == "0.0.1"


def test_onnx_custom_operator_refused(exported: dict[str, Path], tmp_path: Path) -> None:
    import onnx
    from onnx import helper

    proto = onnx.load_model_from_string(exported["onnx"].read_bytes())
    proto.graph.node.append(helper.make_node("Evil", ["ctx"], ["x"], domain="evil.ops"))
    path = tmp_path / "pagesieve.onnx"
    path.write_bytes(proto.SerializeToString())
    manifest_path(path).write_bytes(manifest_path(exported["onnx"]).read_bytes())
    rehash(path)
    with pytest.raises(ModelError, match=r"custom operator domain 'evil\.ops'"):
        PageModel.load(path)


def test_onnx_vectorizer_that_reads_files_refused(
    exported: dict[str, Path], tmp_path: Path
) -> None:
    import onnx

    proto = onnx.load_model_from_string(exported["onnx"].read_bytes())
    for prop in proto.metadata_props:
        if prop.key == "pagesieve.vectorizers":
            config = json.loads(prop.value)
            config["words"]["params"]["input"] = "filename"
            prop.value = json.dumps(config)
    path = tmp_path / "pagesieve.onnx"
    path.write_bytes(proto.SerializeToString())
    manifest_path(path).write_bytes(manifest_path(exported["onnx"]).read_bytes())
    rehash(path)
    with pytest.raises(ModelError, match="reads files or runs code"):
        PageModel.load(path)


def test_an_onnx_model_is_not_exported_again(exported: dict[str, Path], tmp_path: Path) -> None:
    """It said "the model is not fitted" (exit 3): its passes live in onnxruntime."""
    onnx = PageModel.load(exported["onnx"])
    with pytest.raises(ValueError, match="ONNX model cannot be exported again"):
        export_model(onnx, tmp_path / "again.skops", "skops")
    assert not (tmp_path / "again.skops").exists()


def test_export_of_a_freshly_fitted_model(tmp_path: Path) -> None:
    # Any model `fit` produces exports, not only the shipped one.
    rng = random.Random(1)
    texts, labels = [], []
    for _ in range(12):
        paras = rng.sample(SENTENCES, 3)
        texts.append("\n\n".join([*paras, *ADS, "联系我们", "关于本站"]))
        labels.append(["content"] * 3 + ["ad"] * 2 + ["boilerplate"] * 2)
    pages_ = [read_page(t, kind="text") for t in texts]
    groups = [str(i % 4) for i in range(12)]
    model = PageModel(min_df=1, n_folds=3).fit(pages_, labels, groups=groups)
    page = pages_[0]
    for fmt in ("skops", "onnx"):
        path = tmp_path / f"m.{fmt}"
        export_model(model, path, fmt)
        back = PageModel.load(path)
        assert np.abs(back.predict_proba(page) - model.predict_proba(page)).max() <= TOL
    with pytest.raises(ValueError, match=r"must end in \.onnx"):
        export_model(model, tmp_path / "m.skops", "onnx")
    with pytest.raises(ModelError, match="cannot be saved again"):
        PageModel.load(tmp_path / "m.onnx").save(tmp_path / "again.joblib")
