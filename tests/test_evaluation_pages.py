"""The evaluation pages: page type, site inference and merging, markdown gold."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pagesieve.evaluation.pages import (
    EvalPage,
    _load_folder,
    _markdown_to_text,
    infer_site,
    merge_sites,
    page_type,
    registered_domain,
)


# -- pages ------------------------------------------------------------------------------------
def test_page_type_rule() -> None:
    # Invented titles and texts.
    assert page_type("周末去哪儿玩 - 旅游杂谈 - 某某社区", "") == "forum"
    assert page_type("示例网- 读者论坛 :: 帖子", "") == "forum"
    # A headline about a conference called 论坛 is an article (论坛 is in the first part).
    assert page_type("第五届数字经济论坛在杭州开幕", "") == "article"
    assert page_type(None, "楼层： 第 3 楼 发表时间：2010-01-01") == "forum"
    assert page_type(None, "楼主说得对。支持楼主") == "forum"
    assert page_type(None, "我同意楼主") == "article"  # once is not enough
    assert page_type("买房指南_示例房产网", "注意朝向和楼层。全部楼层") == "article"


def test_infer_site() -> None:
    assert registered_domain("news.sina.com.cn") == "sina.com.cn"
    assert registered_domain("www.sohu.com") == "sohu.com"
    assert registered_domain("10.1.2.3") is None
    assert infer_site("", "http://www.bilibili.com/read/cv1") == "bilibili.com"
    links = "".join(f'<a href="http://news.example.com.cn/{i}">x</a>' for i in range(4))
    share = "".join(f'<a href="https://weibo.com/{i}">x</a>' for i in range(9))
    assert infer_site(f"<html><body>{links}{share}</body></html>") == "example.com.cn"
    assert infer_site("<p>no links</p>", fallback="x:1") == "x:1"


def test_merge_sites_joins_both_namings() -> None:
    def page(key: str, site: str) -> EvalPage:
        return EvalPage(key=key, dataset="x", site=site, data=b"", html="")

    pages = [page("x/1", "163.com"), page("x/2", "x:t1234"), page("x/3", "x:t1234"),
             page("x/4", "sohu.com"), page("x/5", "x:other")]
    # The training data calls x/2 "unknown-7" and x/1 "unknown-7" too: one site.
    merge_sites(pages, {"x/1": "unknown-7", "x/2": "unknown-7", "x/4": "www.sohu.com"})
    assert pages[0].site == pages[1].site == pages[2].site == "163.com"
    assert {"163.com", "unknown-7", "x:t1234"} <= pages[0].aliases
    assert pages[3].site == "sohu.com" and "www.sohu.com" in pages[3].aliases
    assert pages[4].site == "x:other"


def test_markdown_gold() -> None:
    md = "# 标题\n\n- 1.第一章 [小明](http://x/1)\n\n```python\nimport numpy\n```\n|a|b|\n|---|---|"
    text = _markdown_to_text(md)
    assert "标题" in text and "小明" in text and "import numpy" in text
    assert "http" not in text and "#" not in text and "---" not in text


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
@pytest.mark.timeout(30)
def test_folder_of_pages_passes_over_a_fifo(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text("<p>一段自己写的正文。</p>", encoding="utf-8")
    (tmp_path / "a.gold.txt").write_text("一段自己写的正文。", encoding="utf-8")
    os.mkfifo(tmp_path / "b.html")  # reading it would block until something wrote to it
    [page] = _load_folder(tmp_path)
    assert page.key == f"{tmp_path.name}/a" and page.gold == "一段自己写的正文。"


def test_gbk_pages_and_gold_are_decoded_as_pagesieve_decodes(tmp_path: Path) -> None:
    """A GBK page and its GBK gold text: the peers get the page as text, not mojibake, and the
    gold reads as written (both were read as UTF-8 with replacement, so every score was 0);
    an empty gold file means no gold, not a gold of no words."""
    text = "这是一篇关于北京城市发展的新闻报道，内容涉及交通、住房和教育等多个方面的改革措施。"
    page = (f'<html><head><meta charset="gbk"><title>北京新闻</title></head><body><article>'
            f"<h1>标题</h1><p>{text}</p></article></body></html>")
    (tmp_path / "b.html").write_bytes(page.encode("gbk"))
    (tmp_path / "b.gold.txt").write_bytes(text.encode("gbk"))
    (tmp_path / "c.html").write_bytes(page.encode("gbk"))
    (tmp_path / "c.gold.txt").write_bytes(b"  \n")
    (tmp_path / "D.HTM").write_bytes(page.encode("gbk"))  # any case, as classify reads it
    b, c, d = sorted(_load_folder(tmp_path), key=lambda p: p.key.lower())
    assert text in b.html and b.title == "北京新闻"
    assert b.gold == text and b.gold_kind == "gold"
    assert c.gold is None and c.gold_kind is None
    assert d.key.endswith("/D") and text in d.html and d.gold is None
