"""A small made-up page for the moderation tool's "example" link, the tests and the benchmark.

It has every label of docs/labels.md on it (an article, old-news teasers, two cheat and gambling
adverts hidden among the teasers, comments, the site's footer), so it runs anywhere, without the
shared data folder. The text was written for pagesieve; it is not taken from any real site.
"""

from __future__ import annotations

__all__ = ["EXAMPLE_AD_MARKERS", "EXAMPLE_CHEAT_MARKERS", "EXAMPLE_PAGE", "example_html"]

EXAMPLE_PAGE = """\
长江沿线城市推进生态修复 多地湿地面积稳步增加

记者3月12日从省生态环境厅获悉，过去一年，长江沿线各市持续推进岸线整治和湿地保护，新增和修复湿地面积超过4000公顷，重点断面水质优良比例保持在95%以上。

据介绍，各地通过退耕还湿、清理违规码头和补植水生植物等措施，逐步恢复了江滩的自然形态。候鸟监测点记录到的越冬水鸟数量比上年增加约一成，江豚出现的频次也明显提高。

省生态环境厅有关负责人表示，下一步将完善跨区域生态补偿机制，推动上下游共同治理，让保护成果更多惠及沿江群众。

来源：本网综合 记者 林晓

相关阅读

• 城市公园绿化提升工程启动 今年计划新建口袋公园120处

多个城区将利用边角空地建设小型公园，方便居民就近休闲，首批项目预计年内完工。

2025年04月02日
215

• 实测教程“欢乐斗地主开挂神器免费下载(稳赢辅助通用版)

超强辅助软件！棋牌透视外挂一键安装，胜率提升九成，支持微乐麻将、掼蛋，有需要的朋友加微信咨询购买

2025年05月11日
88

• 春季农业生产有序展开 各地加紧备耕备播

农业部门组织技术人员下田指导，化肥、种子等农资供应总体充足，价格保持平稳。

2025年03月20日
164

• 真人娱乐博彩平台注册就送彩金，彩票天天返水，扫码加QQ了解详情

正规博彩娱乐城，百家乐、时时彩在线玩，充值秒到账，代理招募中，加QQ咨询

2025年06月01日
73

发表评论

评论列表(2条)

• 江畔人家

江畔人家 2026年02月03日

家门口的江滩变漂亮了，周末常带孩子去看鸟。

• 老周

老周 2026年02月04日

希望保护工作能长期坚持下去，别只是一阵风。

联系我们

邮箱：service@example.com

工作时间：周一至周五 9:00-17:30

关注我们
"""

#: Words that occur only in the game-cheat advert of `EXAMPLE_PAGE` (title and snippet).
EXAMPLE_CHEAT_MARKERS = ("开挂", "外挂")
#: Words that occur only in the two adverts (game cheats, gambling) of `EXAMPLE_PAGE`.
EXAMPLE_AD_MARKERS = (*EXAMPLE_CHEAT_MARKERS, "博彩", "彩金")


def example_html() -> str:
    """`EXAMPLE_PAGE` as a simple HTML document (paragraphs, a teaser list, a footer)."""
    import html

    paras = [p.strip() for p in EXAMPLE_PAGE.split("\n\n") if p.strip()]
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paras)
    return (
        '<!doctype html><html><head><meta charset="utf-8"><title>示例页面</title></head>'
        f"<body>{body}</body></html>"
    )
