"""The peer extractors behind one signature: they find the article, and failures are recorded."""

from __future__ import annotations

import pytest

from pagesieve.peers import PEERS, available_peers, html_to_text, run_peer

# -- the peers ----------------------------------------------------------------------------------
ARTICLE = "".join(
    f"<p>这是第{i}段正文。研究人员在实验室里连续观察了三个月，记录下每一次细微的变化，"
    "并把数据整理成详细的报告提交给评审委员会，委员会认为这项工作很有价值。</p>"
    for i in range(1, 7)
)
PAGE = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>实验室的三个月_示例新闻网</title>
</head><body>
<div class="nav"><a href="/">首页</a> <a href="/news">新闻</a> <a href="/sports">体育</a></div>
<div class="article"><h1>实验室的三个月</h1><div class="content">{ARTICLE}</div></div>
<div class="related"><ul><li><a href="/a">另一篇文章的标题一</a></li>
<li><a href="/b">另一篇文章的标题二</a></li></ul></div>
<div class="footer">版权所有 示例新闻网 京ICP备12345678号 联系我们</div>
</body></html>"""


@pytest.mark.parametrize("name", PEERS)
def test_peer_returns_the_article(name: str) -> None:
    if name not in available_peers():
        pytest.skip(f"peer {name} is not installed (pip install 'pagesieve[peers]')")
    r = run_peer(name, PAGE)
    assert r.ok, r.error
    assert "委员会认为这项工作很有价值" in r.text
    assert "京ICP备" not in r.text


@pytest.mark.parametrize("name", PEERS)
def test_peer_failures_are_recorded_not_raised(name: str) -> None:
    if name not in available_peers():
        pytest.skip(f"peer {name} is not installed")
    for junk in ("", "<<<>>>", "\x00\x01"):
        r = run_peer(name, junk)
        assert isinstance(r.text, str)
        assert r.ok or r.text == ""


def test_html_to_text_lines() -> None:
    html = "<div><p>甲 乙</p><p>丙<br>丁</p><script>x</script></div>"
    assert html_to_text(html) == "甲 乙\n丙\n丁"
    assert html_to_text("") == ""
