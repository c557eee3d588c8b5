"""links: the page's site, off-site links and ad-server links, and their way into the blocks."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser

from pagesieve import segment_html as seg
from pagesieve.links import (
    AD,
    OFFSITE,
    href_flags,
    kinds_of_flags,
    link_flags,
    link_kinds,
    majority_domain,
    page_site,
    registrable_domain,
    url_host,
)
from pagesieve.segment_html import segment_html


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("news.sina.com.cn", "sina.com.cn"),
        ("www.rfi.fr", "rfi.fr"),
        ("example.com", "example.com"),
        ("a.b.example.co.uk", "example.co.uk"),
        ("WWW.Example.COM.", "example.com"),
        ("61.135.132.134", "61.135.132.134"),
        ("user@host.example.org:8080", "example.org"),
    ],
)
def test_registrable_domain(host: str, domain: str) -> None:
    assert registrable_domain(host) == domain


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("http://News.Sina.com.cn/a.html", "news.sina.com.cn"),
        ("//cdn.example.net/x.js", "cdn.example.net"),
        ("https://example.com:8443/p?q=1", "example.com"),
        ("/news/1.html", None),
        ("1.html", None),
        ("javascript:void(0)", None),
        ("http://localhost/", None),
        ("http://web.archive.org/web/20050405/http://cn.rd.yahoo.com/SIG=1", "cn.rd.yahoo.com"),
        ("http://web.archive.org/web/2005/", None),
        ("", None),
        (None, None),
    ],
)
def test_url_host(url: str | None, host: str | None) -> None:
    assert url_host(url) == host


@pytest.mark.parametrize(
    ("href", "flags"),
    [
        ("/news/2024/1.html", 0),  # within the site
        ("https://www.example.com/a.html", 0),
        ("https://m.example.com/a.html", 0),  # another host of the same site
        ("#top", 0),
        ("javascript:;", 0),
        ("http://www.othersite.cn/", OFFSITE),
        ("go.php?id=3", AD),  # the site's own click counter
        ("/ad/ck/1", AD),
        ("https://www.example.com/redirect?url=x", AD),
        ("http://adfarm.mediaplex.com/ad/ck/4080-25840", AD | OFFSITE),
        ("http://cn.rd.yahoo.com/SIG=12ei0c7av/M=384690", AD | OFFSITE),
        ("http://61.135.132.134/goto.php?aid=34&pid=187", AD | OFFSITE),
        ("https://popup.taboola.com.cn/zh-CN/", AD | OFFSITE),
        ("http://web.archive.org/web/2005/http://click.example.net/c?1", AD | OFFSITE),
        ("https://www.adobe.com/reader", OFFSITE),  # "ad" only as a whole label
        ("http://www.reunion.com/", OFFSITE),
        ("/download/adventure.html", 0),
    ],
)
def test_link_flags(href: str, flags: int) -> None:
    assert link_flags(href, "example.com") == flags


def test_without_a_site_no_link_is_off_site() -> None:
    assert link_flags("http://www.othersite.cn/", None) == 0
    assert link_flags("http://ads.othersite.cn/c?1", None) == AD


def test_kinds_of_flags() -> None:
    assert kinds_of_flags(0) == ()
    assert kinds_of_flags(OFFSITE) == ("off",)
    assert kinds_of_flags(AD) == ("adurl",)
    assert kinds_of_flags(AD | OFFSITE) == ("adurl", "off")


def test_majority_domain() -> None:
    assert majority_domain(["a.com"] * 3 + ["b.com"] * 2) == "a.com"
    assert majority_domain(["a.com"] * 2) is None  # too few to say
    assert majority_domain(["a.com"] * 3 + [f"x{i}.com" for i in range(10)]) is None  # < 30%
    # share buttons are never the site: the next domain is, if it holds enough links
    assert majority_domain(["weibo.com"] * 9 + ["a.com"] * 4) == "a.com"
    assert majority_domain(["weibo.com"] * 9 + ["a.com"] * 2) is None


@pytest.mark.parametrize(
    ("head", "url", "site"),
    [
        ('<link rel="canonical" href="https://news.site-a.com/1.html">', None, "site-a.com"),
        ('<meta property="og:url" content="http://www.site-b.cn/x">', None, "site-b.cn"),
        ('<base href="http://www.site-c.org/">', None, "site-c.org"),
        ('<link rel="canonical" href="https://news.site-a.com/1.html">', "http://w.given.net/",
         "given.net"),
        ('<base href="http://www.site-c.org/"><meta property="og:url" content="http://b.cn/">'
         '<link rel="canonical" href="https://a1.com/"><link rel="canonical" href="https://a2.com/">',
         None, "a1.com"),  # canonical first, then og:url, then base; the first of each
        ('<base href="http://www.site-c.org/"><meta property="og:url" content="http://b.cn/">',
         None, "b.cn"),
        ("", None, None),
    ],
)
def test_page_site(head: str, url: str | None, site: str | None) -> None:
    tree = LexborHTMLParser(f"<html><head>{head}</head><body><p>x</p></body></html>")
    assert page_site(tree, url) == site


@pytest.mark.parametrize(
    ("html", "site"),
    [
        ('<html><body><p>x</p><base href="http://www.site-c.org/"></body></html>', "site-c.org"),
        # text before the head elements: the parser puts them in the body
        ('<html>广告<meta property="og:url" content="http://www.b.cn/x"><p>x</p></html>', "b.cn"),
        ('<html><body><link rel="canonical" href="https://news.a.com/1"><p>x</p></body></html>',
         "a.com"),
    ],
)
def test_page_site_finds_head_links_outside_the_head(html: str, site: str) -> None:
    tree = LexborHTMLParser(html)
    assert tree.head is not None and not tree.head.css("base, meta, link")  # really outside
    assert page_site(tree, None, html) == site


def test_page_site_from_a_saved_from_comment() -> None:
    html = "<!-- saved from url=(0032)http://www.site-d.com/a/1.html --><html><body>x</body></html>"
    assert page_site(LexborHTMLParser(html), None, html) == "site-d.com"


def _page(links: str, head: str = "") -> str:
    return (
        f"<html><head>{head}</head><body><div class=nav>"
        "<a href='https://www.site.com/'>首页</a><a href='https://www.site.com/news/'>新闻</a>"
        "<a href='https://www.site.com/ent/'>娱乐</a></div>"
        f"<p>正文第一段，没有链接。</p><ul>{links}</ul></body></html>"
    )


def test_link_kinds_infer_the_site_from_most_links() -> None:
    html = _page("<li><a href='http://www.other.cn/1.htm'>别家</a></li>")
    tree = LexborHTMLParser(html)
    flags = sorted(link_kinds(tree).values())
    assert flags == [OFFSITE]


@pytest.mark.parametrize("fast", [True, False])
def test_blocks_carry_the_kinds_of_their_links(fast: bool) -> None:
    if fast and seg._FAST is None:
        pytest.skip("the compiled walk is not built (PAGESIEVE_PURE or no compiler)")
    html = _page(
        "<li><a href='http://click.adnet.com/c?id=9'>一分钟学会赚钱</a></li>"
        "<li><a href='/news/2.html'>本站新闻</a></li>"
        "<li><a href='http://www.other.cn/1.htm'>别家新闻</a> 与 <a href='/ad/x'>本站推广</a></li>"
        "<li><a href='javascript:;'>点我</a></li>"
    )
    blocks = seg._segment(html, 5000, seg._FAST if fast else None)
    kinds = {b.text: b.link_kinds for b in blocks}
    assert kinds["首页新闻娱乐"] == ()
    assert kinds["正文第一段，没有链接。"] == ()
    assert kinds["一分钟学会赚钱"] == ("adurl", "off")
    assert kinds["本站新闻"] == ()
    assert kinds["别家新闻 与 本站推广"] == ("adurl", "off")
    assert kinds["点我"] == ()


@pytest.mark.parametrize("fast", [True, False])
def test_hidden_links_count_for_the_site_first_met_wins(fast: bool) -> None:
    """Links in skipped markup count for `majority_domain`, in document order (a tie goes to the
    domain met first), whichever walk collects them."""
    if fast and seg._FAST is None:
        pytest.skip("the compiled walk is not built (PAGESIEVE_PURE or no compiler)")
    three = "".join(f"<a href='http://www.{{0}}.com/{i}'>{{1}}{i}</a>" for i in range(3))
    html = f"<div hidden>{three.format('a', '甲')}</div><p>{three.format('b', '乙')}</p>"
    blocks = seg._segment(html, 5000, seg._FAST if fast else None)
    assert [(b.text, b.link_kinds) for b in blocks] == [("乙0乙1乙2", ("off",))]


@pytest.mark.parametrize("fast", [True, False])
def test_an_svg_xlink_href_is_no_link(fast: bool) -> None:
    """``<svg><a xlink:href>`` has no ``href`` (reading one raised KeyError before)."""
    if fast and seg._FAST is None:
        pytest.skip("the compiled walk is not built (PAGESIEVE_PURE or no compiler)")
    html = _page("<li>图<svg><a xlink:href='http://www.other.cn/'>x</a></svg></li>")
    blocks = seg._segment(html, 5000, seg._FAST if fast else None)
    assert {b.text: b.link_kinds for b in blocks}["图"] == ()


def test_href_flags_takes_the_site_from_the_page_or_its_links() -> None:
    hrefs = ["http://www.a.com/1", "/2", "http://ads.a.com/c", "http://www.b.com/"]
    tree = LexborHTMLParser("<p>x</p>")
    assert href_flags(hrefs, tree, "http://www.b.com/p") == [OFFSITE, 0, AD | OFFSITE, 0]
    assert href_flags(hrefs, tree) == [0, 0, AD, 0]  # no site: 2 links to a.com are too few
    assert href_flags(hrefs + hrefs[:1], tree) == [0, 0, AD, OFFSITE, 0]
    assert href_flags([], tree) == []


def test_the_callers_url_names_the_site() -> None:
    html = _page("<li><a href='https://www.site.com/news/2.html'>本站新闻</a></li>")
    by_text = {b.text: b.link_kinds for b in segment_html(html, url="http://other.org/p.html")}
    assert by_text["本站新闻"] == ("off",)
    assert {b.text: b.link_kinds for b in segment_html(html)}["本站新闻"] == ()


def test_text_outside_the_link_takes_no_flag() -> None:
    """Flags come with link text: a block that only follows an ad link in the source has none."""
    html = _page("<li><a href='http://ads.x.com/c'><img src=a.png></a>无关文字</li>")
    assert {b.text: b.link_kinds for b in segment_html(html)}["无关文字"] == ()
