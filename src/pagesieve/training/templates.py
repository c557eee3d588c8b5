"""Hand-written vocabularies and sentence templates for synthetic pages (written for pagesieve).

Nothing here is copied from ``shared/data``: these are the site's furniture (navigation,
footers, licence numbers, share buttons, class names), the ad formats the labels guide names
(game cheats, gambling, fake invoices, loans, contact-for-business), and hard negatives (news
about cheat makers being caught, official lottery draws, tax rules; comments about cheaters).
Every generator takes a `random.Random` so pages are reproducible.
"""

from __future__ import annotations

import random
import string

R = random.Random

# --------------------------------------------------------------------------- sites

SITE_PREFIX = [
    ("东方", "dongfang"),
    ("华夏", "huaxia"),
    ("九州", "jiuzhou"),
    ("星海", "xinghai"),
    ("云端", "yunduan"),
    ("前沿", "qianyan"),
    ("新锐", "xinrui"),
    ("今日", "jinri"),
    ("掌上", "zhangshang"),
    ("天天", "tiantian"),
    ("民生", "minsheng"),
    ("晨光", "chenguang"),
    ("经纬", "jingwei"),
    ("环宇", "huanyu"),
    ("南方", "nanfang"),
    ("北国", "beiguo"),
    ("长江", "changjiang"),
    ("中原", "zhongyuan"),
    ("齐鲁", "qilu"),
    ("岭南", "lingnan"),
    ("视听", "shiting"),
    ("知趣", "zhiqu"),
    ("看点", "kandian"),
    ("速递", "sudi"),
    ("百姓", "baixing"),
    ("城市", "chengshi"),
    ("蓝鲸", "lanjing"),
    ("凤鸣", "fengming"),
    ("金台", "jintai"),
    ("海峡", "haixia"),
    ("西部", "xibu"),
    ("江南", "jiangnan"),
    ("易读", "yidu"),
    ("乐享", "lexiang"),
    ("万象", "wanxiang"),
    ("极客", "jike"),
]
SITE_SUFFIX = [
    ("资讯网", "news", "com"),
    ("新闻网", "xinwen", "com.cn"),
    ("头条", "toutiao", "com"),
    ("在线", "online", "net"),
    ("财经网", "caijing", "com"),
    ("科技网", "tech", "cn"),
    ("生活网", "life", "com"),
    ("号", "hao", "com"),
    ("门户", "portal", "com.cn"),
    ("快报", "kuaibao", "cn"),
    ("论坛", "bbs", "net"),
    ("社区", "club", "com"),
    ("博客", "blog", "net"),
    ("日报网", "daily", "com.cn"),
    ("视界", "view", "cn"),
    ("百科", "baike", "com"),
    ("网", "wang", "cn"),
    ("传媒", "media", "com"),
]

CHANNELS = [
    "首页",
    "新闻",
    "国内",
    "国际",
    "社会",
    "财经",
    "股票",
    "基金",
    "理财",
    "科技",
    "互联网",
    "手机",
    "数码",
    "汽车",
    "房产",
    "家居",
    "教育",
    "留学",
    "考研",
    "健康",
    "养生",
    "体育",
    "NBA",
    "中超",
    "娱乐",
    "明星",
    "电影",
    "音乐",
    "游戏",
    "动漫",
    "旅游",
    "美食",
    "时尚",
    "女性",
    "亲子",
    "文化",
    "读书",
    "历史",
    "军事",
    "评论",
    "图片",
    "视频",
    "直播",
    "专题",
    "本地",
    "政务",
    "公益",
    "法治",
    "三农",
    "招聘",
    "二手",
    "问答",
    "博客",
    "论坛",
    "更多",
    "原创",
    "深度",
    "要闻",
    "热点",
    "滚动",
    "独家",
    "大数据",
    "人工智能",
    "创业",
    "职场",
]
SUBCHANNELS = [
    "滚动新闻",
    "图片新闻",
    "视频新闻",
    "新闻排行",
    "时政",
    "港澳",
    "台湾",
    "国际观察",
    "环球视野",
    "A股",
    "港股",
    "美股",
    "期货",
    "外汇",
    "黄金",
    "银行",
    "保险",
    "信托",
    "宏观",
    "产业",
    "公司",
    "新车",
    "导购",
    "试驾",
    "用车",
    "二手车",
    "车型库",
    "新房",
    "二手房",
    "楼盘",
    "装修",
    "家装",
    "手机评测",
    "笔记本",
    "相机",
    "家电",
    "智能硬件",
    "电竞",
    "手游",
    "网游",
    "单机",
    "综艺",
    "电视剧",
    "八卦",
    "星座",
    "情感",
    "育儿",
    "高考",
    "中考",
    "出国",
    "公务员",
    "医疗",
    "饮食",
    "景点",
    "攻略",
    "酒店",
    "机票",
    "足球",
    "篮球",
    "综合体育",
    "彩票",
    "直播间",
    "专栏",
    "访谈",
]
TOPBAR = [
    "登录",
    "注册",
    "免费注册",
    "设为首页",
    "加入收藏",
    "收藏本站",
    "手机版",
    "移动版",
    "客户端",
    "下载APP",
    "网站导航",
    "无障碍浏览",
    "繁體",
    "English",
    "帮助中心",
    "会员中心",
    "我的订阅",
    "退出",
    "个人中心",
    "消息",
    "投稿",
    "反馈",
]
BREAD_SEP = [">", "»", "/", "›", "-", ">>", "＞"]
BREAD_HERE = ["正文", "当前位置：", "您的位置：", "所在位置：", "位置："]

SHARE = [
    "分享到：",
    "分享",
    "微信",
    "微博",
    "QQ空间",
    "QQ好友",
    "朋友圈",
    "复制链接",
    "豆瓣",
    "抖音",
    "打印",
    "收藏",
    "举报",
    "纠错",
    "点赞",
    "字号：",
    "大",
    "中",
    "小",
    "A+",
    "A-",
]
FOLLOW = [
    "关注我们",
    "扫码关注官方微信",
    "下载{site}APP，阅读更多精彩内容",
    "关注{site}公众号",
    "打开APP，看更多精彩内容",
    "扫一扫，手机看新闻",
    "微信扫一扫 关注我们",
    "官方微博",
    "{site}客户端下载",
    "订阅我们的每日早报",
    "打开APP阅读全文",
    "点击下载客户端 更多资讯",
]
DISCLAIMER = [
    "本文来自作者[{author}]投稿，不代表{site}立场，如若转载，请注明出处：{url}",
    "声明：本文仅代表作者观点，不代表本站立场。如有侵权请联系删除。",
    "免责声明：本站所载文章、数据仅供参考，使用前请核实，风险自负。",
    "版权声明：本文为{site}原创，未经授权不得转载。",
    "凡本网注明“来源：{site}”的所有作品，版权均属于{site}，转载请注明出处。",
    "本文由{site}用户上传，仅代表作者本人观点，本站仅提供信息存储空间服务。",
    "特别声明：以上内容不代表本网观点，仅供读者参考。",
    "原文链接：{url}",
    "本站不提供任何代开发票、贷款中介服务，谨防上当受骗。",
    "如发现本站文章存在版权问题，烦请联系我们，我们将及时处理。",
    "转载请注明来源：{site} {url}",
]
FOOTER_LINKS = [
    "关于我们",
    "联系我们",
    "广告服务",
    "商务合作",
    "招聘英才",
    "网站地图",
    "免责声明",
    "隐私政策",
    "用户协议",
    "意见反馈",
    "投稿须知",
    "友情链接",
    "帮助中心",
    "版权声明",
    "法律顾问",
    "网站律师",
    "诚聘英才",
    "服务条款",
    "RSS订阅",
    "合作伙伴",
    "会员服务",
    "举报中心",
]
PROVINCES_SHORT = "京沪津渝冀晋辽吉黑苏浙皖闽赣鲁豫鄂湘粤桂琼川贵云陕甘青宁新蒙藏"
EMAIL_DOMAINS = ["163.com", "126.com", "qq.com", "sina.com", "{host}", "foxmail.com", "yeah.net"]
WORK_HOURS = [
    "工作时间：周一至周五，9:30-18:30，节假日休息",
    "工作时间：周一至周五 9:00-17:30",
    "服务时间：每天 8:00-22:00",
    "客服时间：工作日 9:00-18:00",
    "在线时间：周一至周六 10:00-19:00",
]
BOILER_MISC = [
    "返回顶部",
    "回到顶部",
    "意见反馈",
    "我要纠错",
    "返回首页",
    "更多>>",
    "更多",
    "查看更多",
    "加载更多",
    "点击加载更多",
    "展开全文",
    "阅读全文",
    "全文",
    "收起",
    "换一换",
    "刷新",
    "我要投稿",
    "(0)",
    "本站作者后才能评论",
    "登录后才能发表评论",
    "验证码：",
    "提交",
]

# --------------------------------------------------------------------------- class names

ROLES = [
    "topbar",
    "header",
    "logo",
    "search",
    "nav",
    "subnav",
    "breadcrumb",
    "main",
    "article",
    "title",
    "meta",
    "body",
    "caption",
    "editor",
    "share",
    "tail",
    "tags",
    "prevnext",
    "related",
    "relitem",
    "comments",
    "cmtitem",
    "cmtform",
    "sidebar",
    "hot",
    "hotitem",
    "ad",
    "follow",
    "footer",
    "footlinks",
    "copyright",
    "pagination",
    "list",
    "listitem",
    "thread",
    "post",
    "userinfo",
    "floor",
    "wrap",
    "row",
    "col",
    "box",
    "gotop",
]
CLASS_VOCAB: dict[str, dict[str, list[str]]] = {
    "semantic": {
        "topbar": ["top-bar", "topbar", "site-top", "toolbar", "top-nav"],
        "header": ["header", "site-header", "head", "masthead"],
        "logo": ["logo", "site-logo", "brand"],
        "search": ["search", "search-box", "search-form"],
        "nav": ["nav", "main-nav", "navbar", "menu", "channel-nav", "navigation"],
        "subnav": ["sub-nav", "subnav", "second-nav", "menu-sub"],
        "breadcrumb": ["breadcrumb", "crumbs", "position", "location", "path", "crumb"],
        "main": ["main", "container", "content-wrap", "layout-main", "page-main"],
        "article": ["article", "post", "entry", "news-detail", "article-detail", "content"],
        "title": ["title", "article-title", "post-title", "headline", "main-title"],
        "meta": ["info", "meta", "article-info", "post-meta", "source", "date-source"],
        "body": ["body", "article-body", "post-content", "text", "content", "entry-content"],
        "caption": ["caption", "img-desc", "pic-info", "figcaption"],
        "editor": ["editor", "author", "show-author", "article-editor"],
        "share": ["share", "share-bar", "social-share", "share-box", "social"],
        "tail": ["statement", "article-footer", "post-footer", "declare", "notice"],
        "tags": ["tags", "tag-list", "keywords", "post-tags"],
        "prevnext": ["prev-next", "pre-next", "page-nav", "article-nav", "nearby"],
        "related": ["related", "related-news", "recommend", "rec-list", "read-more", "more-news"],
        "relitem": ["item", "news-item", "rec-item", "card", "list-item"],
        "comments": ["comments", "comment-list", "cmt-list", "reply-list", "discuss"],
        "cmtitem": ["comment", "comment-item", "reply", "cmt-item", "comment-box"],
        "cmtform": ["comment-form", "reply-form", "post-comment", "respond"],
        "sidebar": ["sidebar", "aside", "side", "right-col", "side-bar"],
        "hot": ["hot", "hot-news", "rank", "top-list", "popular", "ranking"],
        "hotitem": ["hot-item", "rank-item", "item"],
        "ad": ["ad", "ads", "advert", "ad-slot", "banner", "sponsor", "adbox", "promo"],
        "follow": ["follow", "qrcode", "app-download", "wechat", "subscribe"],
        "footer": ["footer", "foot", "site-footer", "bottom", "page-footer"],
        "footlinks": ["footer-links", "foot-nav", "about", "links"],
        "copyright": ["copyright", "copy", "beian", "icp", "record"],
        "pagination": ["pagination", "pages", "pager", "page-list"],
        "list": ["news-list", "list", "article-list", "feed", "list-box"],
        "listitem": ["list-item", "news-item", "item", "feed-item"],
        "thread": ["thread", "topic", "postlist", "bbs-content"],
        "post": ["post", "floor", "reply-item", "postbody"],
        "userinfo": ["user-info", "author-info", "profile", "userbox"],
        "floor": ["floor", "post-num", "louceng"],
        "wrap": ["wrapper", "wrap", "container", "page"],
        "row": ["row", "clearfix", "layout"],
        "col": ["col-left", "col-right", "left", "right", "column"],
        "box": ["box", "module", "panel", "block", "widget"],
        "gotop": ["gotop", "back-top", "to-top", "feedback"],
    },
    "pinyin": {
        "topbar": ["dingbu", "top"],
        "header": ["toubu", "tou"],
        "logo": ["logo"],
        "search": ["sousuo", "ss"],
        "nav": ["daohang", "dh", "lanmu"],
        "subnav": ["erji", "zdh"],
        "breadcrumb": ["weizhi", "dqwz", "mianbaoxie"],
        "main": ["zhuti", "zt"],
        "article": ["wenzhang", "neirong", "wz"],
        "title": ["biaoti", "bt", "wzbt"],
        "meta": ["xinxi", "laiyuan", "shijian"],
        "body": ["zhengwen", "nr", "wznr"],
        "caption": ["tushuo", "tupian"],
        "editor": ["zebian", "bianji"],
        "share": ["fenxiang", "fx"],
        "tail": ["shengming", "sm"],
        "tags": ["biaoqian", "bq"],
        "prevnext": ["shangxia", "sxp"],
        "related": ["xiangguan", "tuijian", "xgwz", "xgyd"],
        "relitem": ["tiao", "li"],
        "comments": ["pinglun", "pl", "liuyan"],
        "cmtitem": ["pl-item", "plnr"],
        "cmtform": ["fabiao", "fbpl"],
        "sidebar": ["cebian", "cb"],
        "hot": ["remen", "rmwz", "paihang", "redian"],
        "hotitem": ["ph", "rm"],
        "ad": ["guanggao", "gg", "tg"],
        "follow": ["guanzhu", "erweima"],
        "footer": ["dibu", "db", "jiaobu"],
        "footlinks": ["guanyu", "lianjie"],
        "copyright": ["banquan", "bq", "beian"],
        "pagination": ["fenye", "fy"],
        "list": ["liebiao", "lb"],
        "listitem": ["lbx", "tiao"],
        "thread": ["tiezi", "tz"],
        "post": ["huitie", "ht"],
        "userinfo": ["yonghu", "yh"],
        "floor": ["louceng", "lc"],
        "wrap": ["zong", "kuang"],
        "row": ["hang"],
        "col": ["zuo", "you"],
        "box": ["mk", "kuai"],
        "gotop": ["fanhui", "dingbu"],
    },
    "abbrev": {
        "topbar": ["tb", "tbar"],
        "header": ["hd", "hdr"],
        "logo": ["lg"],
        "search": ["srch", "sch"],
        "nav": ["nv", "mn", "nvg"],
        "subnav": ["snv", "sn"],
        "breadcrumb": ["bc", "pos", "loc"],
        "main": ["mn", "mc", "bd"],
        "article": ["art", "atc", "cnt"],
        "title": ["tit", "tt", "h"],
        "meta": ["inf", "mt", "src"],
        "body": ["cnt", "txt", "bd", "ctn"],
        "caption": ["cap", "pd"],
        "editor": ["ed", "au"],
        "share": ["shr", "sh"],
        "tail": ["stmt", "decl"],
        "tags": ["tg", "kw"],
        "prevnext": ["pn", "nxt"],
        "related": ["rel", "rec", "rlt"],
        "relitem": ["it", "ri"],
        "comments": ["cmt", "cmts", "rpl"],
        "cmtitem": ["ci", "rp"],
        "cmtform": ["cf", "pf"],
        "sidebar": ["sd", "sdb", "asd"],
        "hot": ["ht", "rk", "top"],
        "hotitem": ["hi", "ri"],
        "ad": ["ad", "adv", "spn"],
        "follow": ["fl", "qr"],
        "footer": ["ft", "ftr", "bt"],
        "footlinks": ["fl", "lk"],
        "copyright": ["cr", "cp", "icp"],
        "pagination": ["pg", "pgn"],
        "list": ["ls", "lst"],
        "listitem": ["li", "it"],
        "thread": ["th", "tpc"],
        "post": ["pst", "fl"],
        "userinfo": ["ui", "usr"],
        "floor": ["flr", "no"],
        "wrap": ["w", "wp"],
        "row": ["r", "cf"],
        "col": ["l", "r", "c"],
        "box": ["bx", "md"],
        "gotop": ["gt", "bt"],
    },
}
_HEX = "0123456789abcdef"


def meaningless_class(rng: R) -> str:
    """Class names that say nothing: layout utilities, hashes, numbered boxes."""
    k = rng.randrange(12)
    n = rng.randint(1, 999)
    h = "".join(rng.choice(_HEX) for _ in range(rng.randint(4, 6)))
    a = "".join(rng.choice(string.ascii_letters) for _ in range(rng.randint(5, 7)))
    return [
        f"c-x{n}",
        f"w{rng.choice([960, 980, 1000, 1200, 1180, 1240])}",
        rng.choice(["fl", "fr"]),
        f"box{n % 30}",
        f"mod{n % 50}",
        f"col-md-{rng.randint(1, 12)}",
        "clearfix",
        f"m{n % 20}",
        f"a{h}",
        f"_{a}",
        f"sc-{a}",
        f"css-{h}{n % 10}",
    ][k]


# --------------------------------------------------------------------------- people, dates

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国红梅鹏飞宇浩然子轩欣怡梓涵晨雨思远嘉豪博文佳琪雅婷俊杰天翼文静海峰晓东丹丹志强春燕"  # noqa: E501
HANDLE_A = [
    "快乐的",
    "孤独的",
    "奔跑的",
    "沉默的",
    "爱吃鱼的",
    "会飞的",
    "深夜",
    "南方的",
    "北漂",
    "佛系",
    "认真的",
    "迷路的",
    "路过的",
    "吃瓜的",
    "老",
    "小",
    "大",
    "阿",
    "不吃香菜的",
]
HANDLE_B = [
    "小猫",
    "蜗牛",
    "星星",
    "码农",
    "咸鱼",
    "老王",
    "少年",
    "胖子",
    "大叔",
    "小白",
    "鹿",
    "土豆",
    "阿杰",
    "老李",
    "月亮",
    "清风",
    "书生",
    "路人甲",
    "网友",
    "飞鸟",
    "橘子",
]
CITIES = [
    "北京",
    "上海",
    "广州",
    "深圳",
    "杭州",
    "成都",
    "武汉",
    "西安",
    "南京",
    "重庆",
    "天津",
    "苏州",
    "长沙",
    "郑州",
    "沈阳",
    "青岛",
    "济南",
    "合肥",
    "昆明",
    "福州",
    "厦门",
    "南宁",
    "石家庄",
    "太原",
    "哈尔滨",
    "长春",
    "贵阳",
    "兰州",
    "海口",
    "南昌",
    "无锡",
    "佛山",
]
MEDIA = [
    "北京日报",
    "新华社",
    "人民网",
    "中新网",
    "经济日报",
    "南方都市报",
    "澎湃新闻",
    "第一财经",
    "央视新闻",
    "中国青年报",
    "光明日报",
    "每日经济新闻",
    "科技日报",
    "环球时报",
    "新京报",
    "羊城晚报",
    "扬子晚报",
    "钱江晚报",
    "证券时报",
    "21世纪经济报道",
    "法治日报",
]


def person(rng: R) -> str:
    g = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
    return rng.choice(SURNAMES) + g


def user_name(rng: R) -> str:
    k = rng.randrange(8)
    if k == 0:
        return f"网友{rng.randint(10000, 99999999)}"
    if k == 1:
        return f"手机用户{rng.randint(1000000, 9999999999)}"
    if k == 2:
        return f"{rng.choice(CITIES)}网友"
    if k == 3:
        letters = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(3, 8)))
        return letters + (str(rng.randint(1, 9999)) if rng.random() < 0.6 else "")
    if k == 4:
        return person(rng)
    if k == 5:
        return f"用户{rng.randint(100000, 99999999)}"
    return rng.choice(HANDLE_A) + rng.choice(HANDLE_B)


def date(rng: R, style: int | None = None, year: int | None = None) -> str:
    y = year or rng.randint(2005, 2026)
    m, d = rng.randint(1, 12), rng.randint(1, 28)
    hh, mm, ss = rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)
    s = rng.randrange(9) if style is None else style
    return [
        f"{y}-{m:02d}-{d:02d}",
        f"{y}-{m:02d}-{d:02d} {hh:02d}:{mm:02d}",
        f"{y}年{m:02d}月{d:02d}日",
        f"{y}年{m}月{d}日 {hh:02d}:{mm:02d}",
        f"{y}/{m:02d}/{d:02d} {hh:02d}:{mm:02d}:{ss:02d}",
        f"{m:02d}-{d:02d} {hh:02d}:{mm:02d}",
        f"{y}.{m:02d}.{d:02d}",
        f"{y}-{m:02d}-{d:02d} {hh:02d}:{mm:02d}:{ss:02d}",
        f"{m}月{d}日",
    ][s]


def relative_time(rng: R) -> str:
    return rng.choice(
        [
            f"{rng.randint(1, 59)}分钟前",
            f"{rng.randint(1, 23)}小时前",
            f"{rng.randint(1, 6)}天前",
            "刚刚",
            "昨天 " + f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}",
        ]
    )


def count_text(rng: R) -> str:
    n = rng.choice([rng.randint(0, 200), rng.randint(100, 99999)])
    return rng.choice(
        [
            str(n),
            f"({n})",
            f"阅读 {n}",
            f"{n}阅读",
            f"浏览：{n}次",
            f"阅读({n})",
            f"{n}人看过",
            f"评论 {n}",
            f"{n}评",
            f"点击：{n}",
            f"{n}次浏览",
            f"人气：{n}",
            f"热度 {n}",
        ]
    )


def icp(rng: R) -> str:
    p = rng.choice(PROVINCES_SHORT)
    n = rng.randint(10000000, 99999999)
    k = rng.randrange(5)
    if k == 0:
        return f"{p}ICP备{n}号"
    if k == 1:
        return (
            f"{p}ICP备{rng.randint(2008, 2024)}{rng.randint(100000, 999999)}号-{rng.randint(1, 9)}"
        )
    if k == 2:
        return f"{p}ICP证{rng.randint(100000, 999999)}号"
    if k == 3:
        return f"{p}公网安备 {rng.randint(10000000000000, 99999999999999)}号"
    return f"增值电信业务经营许可证：{p}B2-{rng.randint(20050000, 20249999)}"


def copyright_line(rng: R, site: str, host: str) -> str:
    y1, y2 = rng.randint(1998, 2015), rng.randint(2016, 2026)
    return rng.choice(
        [
            f"Copyright © {y1}-{y2} {host} All Rights Reserved.",
            f"版权所有 © {y1}-{y2} {site}",
            f"© {y2} {site} 版权所有",
            f"Copyright©{y1}-{y2} {site}({host}) 版权所有 未经许可不得转载",
            f"{site} 版权所有，未经书面授权禁止使用",
            f"Copyright © {y2} {host}. All rights reserved. {site} 版权所有",
            f"本网站由{site}主办 版权所有",
        ]
    )


def footer_contact(rng: R, site: str, host: str) -> list[str]:
    user = rng.choice(["service", "kefu", "contact", "news", "tougao", "admin", "bd", site])
    dom = rng.choice(EMAIL_DOMAINS).format(host=host)
    phone = f"0{rng.randint(10, 999)}-{rng.randint(10000000, 99999999)}"
    out = [
        rng.choice(["联系我们", "联系方式", "联系我们："]),
        rng.choice(["邮件：", "邮箱：", "投稿邮箱：", "E-mail："]) + f"{user}@{dom}",
        rng.choice(WORK_HOURS),
        rng.choice(["电话：", "客服热线：", "举报电话：", "违法和不良信息举报电话："]) + phone,
        rng.choice(["地址：", "通讯地址："])
        + rng.choice(CITIES)
        + "市"
        + rng.choice(["朝阳区", "海淀区", "天河区", "南山区", "西湖区", "高新区", "经开区"])
        + rng.choice(["建国路", "中关村大街", "科技园路", "人民路", "解放路", "创业大道"])
        + f"{rng.randint(1, 300)}号",
    ]
    return out


# --------------------------------------------------------------------------- ads (own templates)

GAMES = [
    "微乐麻将",
    "欢乐斗地主",
    "闲来麻将",
    "微乐掼蛋",
    "广东雀神",
    "四川血战麻将",
    "跑得快",
    "炸金花",
    "德州扑克",
    "牛牛",
    "手机斗地主",
    "红中麻将",
    "天天爱消除",
    "十三水",
    "杭州麻将",
    "边锋斗地主",
    "同城游",
    "哈灵麻将",
    "开心消消乐",
    "和平精英",
    "王者荣耀",
    "穿越火线",
]
CHEAT_THING = [
    "辅助器",
    "外挂",
    "透视挂",
    "开挂神器",
    "插件",
    "胡牌神器",
    "必赢软件",
    "作弊器",
    "透视辅助",
    "自动挂",
    "万能开挂器",
    "辅助插件",
    "挂软件",
    "好牌设置",
]
CHEAT_PREFIX = [
    "实测教程",
    "玩家实测",
    "终于找到",
    "实测辅助",
    "亲测分享",
    "一分钟了解",
    "必看教程",
    "玩家必看",
    "重大通报",
    "教程揭秘",
    "分享攻略",
    "详细教程",
    "科普一下",
    "今日推荐",
]
CHEAT_SUFFIX = [
    "助赢神器通用版",
    "免费下载",
    "开挂教程",
    "有挂实锤",
    "透视辅助",
    "必赢技巧",
    "通用挂软件多少钱",
    "插件开挂免费",
    "赢的技巧系统规律",
    "可测试",
    "安卓苹果通用",
]
CONTACT = [
    "有需要的朋友可以加微信{wx}",
    "详情咨询QQ：{qq}",
    "添加客服微信{wx}了解详情",
    "扫码进群领取",
    "加V：{wx} 备注来意",
    "联系电话{phone}",
    "需要的加我微信{wx}",
    "QQ群：{qq}",
    "私聊获取下载地址",
    "认准官方客服微信{wx}",
    "点击链接立即下载",
    "咨询热线{phone}（24小时）",
    "加微下单立减",
]
CASINO = ["澳门{x}娱乐城", "{x}国际", "{x}娱乐", "{x}真人", "{x}棋牌", "{x}彩票", "{x}体育"]
CASINO_X = [
    "金沙",
    "威尼斯人",
    "新葡京",
    "永利",
    "银河",
    "太阳城",
    "皇冠",
    "博狗",
    "凯撒",
    "天博",
    "金牛",
    "乐鱼",
    "开元",
    "鸿运",
    "大发",
    "万博",
]
GAMBLE_PROMO = [
    "首存送{n}%",
    "注册即送{m}元彩金",
    "真人百家乐 在线体验",
    "电子游艺 天天返水{r}%",
    "官方直营 信誉保证",
    "提款秒到账",
    "百家乐龙虎斗 牛牛 任你玩",
    "老虎机 免费试玩",
    "体育投注 赔率最高",
    "北京赛车 时时彩 稳赚计划",
    "每日签到送彩金",
    "充值即送 无需流水",
]
INVOICE = [
    "代开各地{kind}发票，点数优惠，可验证后付款，联系{phone}",
    "{city}开发票{phone}（{kind}）真票可查",
    "长期代开增值税发票、普通发票，价格低，微信{wx}",
    "优惠代开{kind}发票 票据真实 网上可查 联系人：{name}",
    "专业代开发票 全国{kind}均可 税点低至{r}%",
]
INVOICE_KIND = ["建筑", "运输", "广告", "餐饮", "服务业", "增值税", "酒店住宿", "会议费", "材料费"]
LOAN = [
    "无抵押信用贷款，最快当天放款，额度{m}万，联系{phone}",
    "急用钱？凭身份证即可借款{m}万，不看征信，微信{wx}",
    "网贷黑户也能下款，秒批秒到，客服QQ{qq}",
    "大额贷款 低息 手续简单 {city}本地办理 电话{phone}",
]
MONEY = [
    "在家手机兼职，日赚{m}00元，宝妈学生均可，加微信{wx}",
    "稳赚不赔投资项目，日收益{r}%，咨询{wx}",
    "招聘网络兼职打字员，日结工资，QQ{qq}",
    "刷单返利 一单一结 加V{wx}",
]
ADULT = [
    "同城约会交友 附近的人在线 点击进入",
    "{city}夜生活 上门服务 微信{wx}",
    "成人用品 隐私发货 货到付款",
    "午夜福利 在线观看 免费注册",
]
SEO_KW = ["{g}辅助", "{g}外挂下载", "{g}透视", "{g}开挂", "{g}必赢", "{g}技巧", "{g}挂官网"]
PRODUCT_AD = [
    "{city}{thing}厂家直销，价格优惠，欢迎来电咨询{phone}",
    "限时特价！{thing}全场{n}折，点击抢购",
    "{thing}加盟 投资小回报高 总部扶持 电话{phone}",
    "减肥瘦身 {n}天瘦{m}斤 不反弹 咨询微信{wx}",
]
PRODUCT_THING = [
    "净水器",
    "空气能热水器",
    "防水涂料",
    "包装箱",
    "招牌广告",
    "冰淇淋店",
    "奶茶店",
    "童装",
    "二手挖掘机",
    "钢结构厂房",
    "办公家具",
    "祛斑霜",
]
AD_SLOT_HEAD = ["广告", "推广", "赞助商链接", "商业推广", "AD", "推荐商家"]


def _fill(t: str, rng: R) -> str:
    wx = rng.choice(["wx", "vx", "V", ""]) + "".join(
        rng.choice(string.ascii_lowercase + string.digits) for _ in range(rng.randint(6, 10))
    )
    return t.format(
        wx=wx,
        qq=rng.randint(10000000, 3999999999),
        phone=f"1{rng.choice('3578')}{rng.randint(100000000, 999999999)}",
        n=rng.choice([50, 100, 30, 5, 8, 20]),
        m=rng.randint(2, 50),
        r=rng.choice(["1.5", "2", "0.8", "3", "5"]),
        city=rng.choice(CITIES),
        kind=rng.choice(INVOICE_KIND),
        name=person(rng),
        thing=rng.choice(PRODUCT_THING),
        x=rng.choice(CASINO_X),
        g=rng.choice(GAMES),
    )


def cheat_title(rng: R) -> str:
    g, t = rng.choice(GAMES), rng.choice(CHEAT_THING)
    k = rng.randrange(4)
    if k == 0:
        return f"{rng.choice(CHEAT_PREFIX)}“{g}{t}({rng.choice(CHEAT_SUFFIX)})"
    if k == 1:
        return (
            f"{g}{t}{rng.choice(['怎么下载', '在哪里买', '哪里有卖', '多少钱一个'])}"
            f"({rng.choice(CHEAT_SUFFIX)})"
        )
    if k == 2:
        return (
            f"{rng.choice(['揭秘', '曝光', '分享'])}{g}"
            f"{rng.choice(['有挂吗', '怎么赢', '必胜技巧'])}（{rng.choice(CHEAT_SUFFIX)}）"
        )
    ver = rng.choice(["免费版", "最新版", "苹果版", "安卓版"])
    return f"{g}{t}{ver}下载-{g}{rng.choice(CHEAT_THING)}"


def cheat_snippet(rng: R) -> str:
    g, t = rng.choice(GAMES), rng.choice(CHEAT_THING)
    parts = [
        rng.choice(["软件神器超绝！", "这神器绝了！", "亲测有效！", "不看后悔！", ""]),
        f"{g}{t}是一款可以让玩家"
        f"{rng.choice(['快速提高胜率', '看透对手手牌', '一直赢', '轻松上分'])}的"
        f"{rng.choice(['辅助工具', '神器', '软件', '插件'])}，",
        rng.choice(
            [
                "我们专注于各类软件定制开发，已成功研发多款实用的软件系统。",
                "支持安卓和苹果手机，安装简单，一键开启。",
                "不封号、不被发现，放心使用。",
                "已有上万玩家使用，好评如潮。",
                "",
            ]
        ),
        _fill(rng.choice(CONTACT), rng),
    ]
    return "".join(parts)


def gambling_line(rng: R) -> str:
    name = _fill(rng.choice(CASINO), rng)
    k = rng.randrange(3)
    if k == 0:
        return f"{name}官方网站_{_fill(rng.choice(GAMBLE_PROMO), rng)}"
    if k == 1:
        return (
            f"{name} {_fill(rng.choice(GAMBLE_PROMO), rng)} {_fill(rng.choice(GAMBLE_PROMO), rng)}"
        )
    return (
        f"{_fill(rng.choice(GAMBLE_PROMO), rng)}，{name}欢迎您，网址：{rng.choice(CASINO_X)}"
        f"{rng.randint(100, 9999)}.com"
    )


def ad_line(rng: R, kind: str | None = None) -> str:
    """One advert line of a kind: cheat, gamble, invoice, loan, money, adult, seo or product."""
    kind = kind or rng.choice(
        [
            "cheat",
            "cheat",
            "gamble",
            "gamble",
            "invoice",
            "loan",
            "money",
            "adult",
            "seo",
            "product",
        ]
    )
    if kind == "cheat":
        return cheat_title(rng) if rng.random() < 0.5 else cheat_snippet(rng)
    if kind == "gamble":
        return gambling_line(rng)
    if kind == "invoice":
        return _fill(rng.choice(INVOICE), rng)
    if kind == "loan":
        return _fill(rng.choice(LOAN), rng)
    if kind == "money":
        return _fill(rng.choice(MONEY), rng)
    if kind == "adult":
        return _fill(rng.choice(ADULT), rng)
    if kind == "seo":
        g = rng.choice(GAMES)
        return "_".join(rng.choice(SEO_KW).format(g=g) for _ in range(rng.randint(3, 5)))
    return _fill(rng.choice(PRODUCT_AD), rng)


def spam_comment(rng: R) -> str:
    k = rng.randrange(6)
    if k >= 4:
        return seller_comment(rng)
    if k == 0:
        return f"{rng.choice(['有需要的', '兄弟们', '老铁', '想赢钱的'])}" + _fill(
            rng.choice(CONTACT), rng
        )
    if k == 1:
        return _fill(rng.choice(MONEY + LOAN), rng)
    if k == 2:
        return f"{rng.choice(GAMES)}{rng.choice(CHEAT_THING)}，{_fill(rng.choice(CONTACT), rng)}"
    return gambling_line(rng)


# Sellers in the comments: a shop, a factory, an agent or a "teacher" selling goods or services
# under someone's article or post. Cheats, casinos and loans have their own templates above;
# these are the everyday goods and services, so the model learns the sales pitch itself (offer,
# price hook, contact) rather than a few products. All text written for pagesieve.

SELLER_GOODS = [
    "砂锅", "铸铁锅", "跑鞋", "运动鞋", "女包", "手表", "面膜", "口红", "洗发水", "茶叶",
    "普洱茶", "蜂蜜", "土鸡蛋", "腊肉", "果树苗", "化肥", "农药", "渔具", "钓竿", "手机壳",
    "充电宝", "二手手机", "笔记本电脑", "蓝牙耳机", "床上四件套", "乳胶枕", "羽绒服", "童装",
    "孕妇装", "保健酒", "减肥茶", "酵素", "鱼油", "艾灸贴", "颈椎枕", "按摩椅", "净水器",
    "宠物粮", "猫砂", "多肉植物", "瓷砖", "实木家具", "窗帘", "汽车脚垫", "行车记录仪",
]
SELLER_SERVICES = [
    "驾照代办，科目一到科目四全包",
    "成人本科、专升本，免考试一年拿证",
    "在职研究生免联考，证书可查",
    "各类职业资格证书代办，包过",
    "毕业论文代写代发，查重率保证{n}%以下",
    "考试押题资料，命中率{n}0%",
    "营业执照、食品许可证代办，三天出证",
    "签证代办，拒签全额退款",
    "抖音快手涨粉，{k}万粉丝只要{m}0元",
    "店铺刷好评、刷销量，安全不降权",
    "高价回收游戏账号、装备",
    "回收黄金、名表、名包，当场结算",
    "同城搬家、开锁、管道疏通，半小时上门",
    "装修设计免费出图，报价全网最低",
    "网课代刷、代考，不过不收费",
    "流量卡{n}9元{k}00G，不限速",
    "出国劳务，月薪{k}万，包吃包住",
    "私人侦探，婚姻调查，找人寻址",
]
SELLER_HOOK = [
    "厂家直销", "工厂价出", "一件代发", "全网最低价", "假一赔十", "支持验货", "包邮到家",
    "货到付款", "买二送一", "限时{k}折", "粉丝专享{k}折", "量大从优", "名额有限",
    "不满意包退", "新客立减{m}元", "清仓处理", "原单尾货", "一比一品质", "正品保证",
    "先试用后付款",
]
SELLER_OPEN = [
    "", "", "", "有需要的朋友看过来！", "打扰一下，", "借楼打个广告，", "顺便推荐一下，",
    "楼主说得对，", "同感！", "我家就是做这个的，", "亲测好用，", "姐妹们，", "各位老板，",
    "{city}的朋友注意了，",
]
SELLER_CALL = [
    "私信我", "戳我主页", "看我头像", "主页有链接", "点头像进店", "评论区扣1", "有意者私聊",
    "加V：{wx}", "加我微信{wx}", "QQ{qq}", "电话{phone}", "欢迎来电订购：{phone}",
    "微信同号{phone}", "进群领优惠券",
]
SELLER_NAME = [
    "{thing}工厂店", "{thing}批发", "{city}{thing}直营", "好物推荐官", "好物分享君",
    "{surname}老师学历咨询", "{surname}姐代购", "{brand}旗舰店", "{brand}官方客服",
    "{city}驾校{surname}教练", "证书办理{surname}经理", "{thing}源头厂家", "优选好物{n}号",
]


def seller_comment(rng: R) -> str:
    """A seller's comment: an opener, goods with a price hook or a service, and a contact."""
    vals = {"k": rng.randint(2, 9), "m": rng.randint(1, 9), "n": rng.randint(1, 9)}
    if rng.random() < 0.6:
        offer = f"{rng.choice(SELLER_GOODS)}{rng.choice(SELLER_HOOK)}"
        if rng.random() < 0.5:
            offer += f"，{rng.choice(SELLER_HOOK)}"
    else:
        offer = rng.choice(SELLER_SERVICES)
    offer = offer.format(**vals)
    call = _fill(rng.choice(SELLER_CALL), rng)
    opener = _fill(rng.choice(SELLER_OPEN), rng)
    return f"{opener}{offer}，{call}" + rng.choice(["", "！", "。", "~"])


def seller_name(rng: R) -> str:
    """The account name a seller comments under (a shop, an agent, a "teacher")."""
    return rng.choice(SELLER_NAME).format(
        thing=rng.choice(SELLER_GOODS),
        city=rng.choice(CITIES),
        surname=rng.choice(SURNAMES),
        brand=rng.choice(PROMO_BRAND_A),
        n=rng.randint(1, 99),
    )


def spam_user(rng: R) -> str:
    """Who posts a spam comment: an ordinary-looking handle, or half the time a seller's name."""
    return seller_name(rng) if rng.random() < 0.5 else user_name(rng)


# --------------------------------------------------------------------------- hard negatives

HARD_CONTENT = [
    "{city}警方近日破获一起制作、销售网络游戏外挂的案件，抓获犯罪嫌疑人{n}名，涉案金额{m}00余万元。",
    "经查，犯罪嫌疑人通过网络售卖“透视”“自瞄”等作弊程序牟利，严重破坏游戏公平。",
    "警方提醒，购买和使用游戏外挂不仅违反用户协议，还可能涉嫌违法犯罪，广大玩家切勿轻信。",
    "游戏公司表示，本月共封禁使用第三方辅助程序的违规账号{m}万个，并将持续打击外挂。",
    "中国福利彩票双色球第{qi}期开奖结果揭晓，本期全国共中出一等奖{k}注，单注奖金{m}0万元。",
    "本期体育彩票超级大乐透销售额{m}亿元，奖池滚存{m}亿元，请中奖者在60天内兑奖。",
    "彩票管理部门提醒，彩票只能通过实体销售网点或官方渠道购买，网络私彩均属非法。",
    "根据税务总局公告，纳税人可通过电子税务局开具全面数字化的电子发票，无需领用。",
    "税务部门提醒，虚开发票属于违法行为，购买和使用虚开发票将被依法追究责任。",
    "{city}市税务局近日查处一起虚开增值税发票案件，涉案企业{n}户，涉及税额{m}00万元。",
    "消费者在购物时应主动索要发票，这既是维护自身权益的凭证，也有助于税收征管。",
    "{city}警方捣毁一个跨境网络赌博团伙，冻结涉案资金{m}00余万元，抓获{n}人。",
    "专家提醒，所谓“必赢软件”“稳赚计划”大多是诈骗陷阱，切勿扫码添加陌生人微信。",
    "金融监管部门提示，警惕“无抵押、秒到账”的非法网贷广告，保护个人信息安全。",
    "记者调查发现，部分麻将游戏平台上充斥着兜售“辅助器”的广告，多数是骗局，玩家付款后即被拉黑。",
]
HARD_TITLE = [
    "{city}警方破获特大游戏外挂案 抓获{n}名嫌疑人",
    "双色球第{qi}期开奖：一等奖中出{k}注",
    "税务部门：数电发票全面推广 这些变化要知道",
    "警惕！所谓“麻将必赢神器”其实是诈骗",
    "{city}捣毁一网络赌博团伙 涉案资金超{m}00万",
    "游戏公司年内封禁外挂账号{m}万个",
    "大乐透奖池达{m}亿元 购彩请认准官方渠道",
    "虚开发票{m}00万元 {city}一企业负责人被判刑",
]
HARD_COMMENT = [
    "现在排位十局有八局遇到开挂的，官方到底管不管？",
    "举报了三次外挂都没人处理，心累，不玩了。",
    "买彩票就是图个乐呵，别当真，量力而行。",
    "那些说能看透手牌的辅助全是骗子，我被骗过两百块。",
    "虚开发票就该严查，守法企业太吃亏了。",
    "支持警方，外挂害得正常玩家都没法玩了。",
    "谁中了双色球一等奖，出来说说感受哈哈",
    "网贷广告铺天盖地，真该好好治理一下。",
    "我爸天天研究大乐透走势图，劝都劝不住。",
    "以前在游戏里被开挂的虐过，看到这个新闻太解气了！",
    "开发票记得核对抬头和税号，不然报销不了。",
]


def hard_line(rng: R, which: str) -> str:
    pool = {"content": HARD_CONTENT, "title": HARD_TITLE, "comment": HARD_COMMENT}[which]
    return rng.choice(pool).format(
        city=rng.choice(CITIES),
        n=rng.randint(3, 40),
        m=rng.randint(2, 90),
        qi=f"{rng.randint(2015, 2025)}{rng.randint(1, 150):03d}",
        k=rng.randint(1, 15),
    )


# --------------------------------------------------------------------------- misc content bits

CAPTIONS = [
    "图为{x}现场。",
    "（资料图）",
    "图片来源：{m}",
    "▲{x}（受访者供图）",
    "图/视觉中国",
    "{x}。记者 {p} 摄",
    "图为{x}。{m}记者 {p} 摄",
    "（图片来自网络）",
]
SUBHEAD_WRAP = ["{x}", "【{x}】", "一、{x}", "▍{x}", "■ {x}", "{x}："]
EDITOR = [
    "（责任编辑：{p}）",
    "责任编辑：{p}",
    "编辑：{p}",
    "【编辑：{p}】",
    "来源：{m}  编辑：{p}",
    "作者：{p}",
    "本文作者：{p}",
    "文/{p}",
    "（记者 {p}）",
]
META = [
    "{d}  来源：{m}",
    "来源：{m} {d}",
    "{d} {m}",
    "{d}　来源：{m}　作者：{p}",
    "作者：{p}  {d}",
    "发布时间：{d}  来源：{m}",
    "{m} 记者 {p}",
    "时间：{d} 来源：{m}",
    "{p} · {d}",
    "{d} 发布于{city}",
]
SECTION_RELATED = [
    "相关阅读",
    "相关文章",
    "相关新闻",
    "文章推荐",
    "猜你喜欢",
    "推荐阅读",
    "延伸阅读",
    "为您推荐",
    "热门推荐",
    "大家都在看",
    "精彩推荐",
    "相关推荐",
    "你可能感兴趣",
    "更多精彩",
    "看了本文的人还看了",
]
SECTION_HOT = [
    "热门文章",
    "24小时热点",
    "热点排行",
    "阅读排行",
    "本周热门",
    "最新文章",
    "热门资讯",
    "排行榜",
    "热搜榜",
    "今日热点",
    "编辑推荐",
    "图片新闻",
    "最新更新",
    "热门排行",
]
SECTION_COMMENTS = [
    "网友评论",
    "评论列表({n}条)",
    "全部评论({n})",
    "最新评论",
    "热门评论",
    "评论({n})",
    "已有{n}条评论",
    "共{n}条评论",
    "读者留言",
    "精彩评论",
]
COMMENT_FORM = [
    "发表回复",
    "发表评论",
    "我要评论",
    "写评论",
    "说两句",
    "文明上网理性发言，请遵守评论服务协议",
    "登录后才能评论",
    "本站作者后才能评论",
    "请先登录后发表评论",
    "匿名发表",
    "已有账号？立即登录",
    "网友评论仅供其表达个人看法，并不表明本站同意其观点",
    "评论内容不能为空",
    "还可以输入{n}字",
    "发表",
    "提交评论",
    "取消",
    "表情",
]
COMMENT_WIDGET = ["回复", "赞", "举报", "点赞", "删除", "分享", "顶", "踩", "支持", "反对", "引用"]
PAGINATION = ["上一页", "下一页", "首页", "尾页", "末页", "共{n}页", "跳转", "第{n}页"]
PREV_NEXT = [
    ("上一篇：", "下一篇："),
    ("上一篇", "下一篇"),
    ("« 上一篇", "下一篇 »"),
    ("前一篇：", "后一篇："),
    ("上一条：", "下一条："),
]
FORUM_WIDGETS = [
    "返回列表",
    "发新帖",
    "回复",
    "只看该作者",
    "倒序浏览",
    "阅读模式",
    "使用道具",
    "举报",
    "收藏",
    "分享",
    "支持",
    "反对",
    "楼主",
    "电梯直达",
    "跳转到指定楼层",
    "快速回复",
]
FLOOR_NAMES = ["沙发", "板凳", "地板", "{n}楼", "{n}#", "#{n}", "第{n}楼"]
USER_STATS = [
    "帖子 {a}",
    "积分 {b}",
    "主题 {c}",
    "注册时间 {d}",
    "精华 {c}",
    "金币 {b}",
    "在线时间{c}小时",
    "UID {a}",
    "等级：{lv}",
    "发消息",
    "加关注",
]
USER_LEVELS = ["新手上路", "初级会员", "中级会员", "高级会员", "金牌会员", "论坛元老", "版主"]
BLOG_SIDE = [
    "个人资料",
    "博客等级：{n}",
    "博客积分：{m}",
    "访问：{m}",
    "关注人气：{n}",
    "文章分类",
    "文章归档",
    "{y}年{mo}月 ({n})",
    "全部博文({m})",
    "最新评论",
    "友情链接",
    "博主推荐",
    "加好友",
    "发纸条",
    "写留言",
    "订阅",
]
LIST_INTROS = [
    "本频道提供最新最全的{ch}资讯。",
    "{ch}频道 - 每日更新",
    "当前栏目：{ch}",
    "{ch}新闻列表",
    "共有{m}篇文章",
]


# --------------------------------------------------------------------------- commercial ads
# Third-party promotion as real portals show it: ad-slot markers, product promos in sidebars and
# headline lists, sponsored-link feeds with a sponsor name, paid SMS services, franchise and
# get-rich link lists, investment "teachers", betting platforms. All text written for pagesieve.

AD_MARKERS = [
    "广告",
    "广告",
    "推广",
    "赞助",
    "AD",
    "Ad",
    "广告 ×",
    "商业推广",
    "赞助商",
    "推广链接",
    "Advertisement",
    "ADVERTISEMENT",
    "广告位招租",
]
SPONSORED_HEAD = [
    "Sponsored Links",
    "Promoted Links",
    "Sponsored",
    "推广链接",
    "赞助商链接",
    "热门推广",
    "你可能喜欢 · 推广",
    "精选推广",
    "by Sponsorfeed",
    "商家推荐",
]
PROMO_BRAND_A = ["蓝岸", "澜庭", "铂悦", "卓驰", "恒星", "优米", "凯瑞", "尚品", "安途", "睿思"]
PROMO_BRAND_B = ["汽车", "珠宝", "科技", "教育", "优选", "国际", "商城", "家居", "财富", "健康"]
PROMO = {
    "car": [
        "{brand}汽车美容 镀晶打蜡{n}8元起 全城{k}家门店",
        "新车贴膜只要{n}99？{brand}隐形车衣限时特惠",
        "{brand}SUV 限时钜惠{k}万元 0首付开回家",
        "{city}车主注意：{brand}洗车年卡 首年{n}9元",
        "试驾{brand}全新轿跑 到店即送好礼",
    ],
    "jewel": [
        "{brand}钻戒 一生只送一人 婚戒定制{k}折起",
        "{brand}饰品旗舰店 新品耳饰 买二送一",
        "黄金手镯 工费全免 {brand}珠宝周年庆",
        "求婚钻戒怎么选？{brand}顾问一对一免费咨询",
        "{brand}情侣对戒 刻字定制 包邮到家",
    ],
    "phone": [
        "{brand}手机 新品首发 {n}期免息 到手价{k}999元",
        "5G旗舰手机{brand}Pro 以旧换新至高补贴{k}00元",
        "{brand}平板 学生专享优惠 立即抢购",
        "买{brand}手机送耳机 限量{n}00台",
    ],
    "edu": [
        "{brand}教育 成人本科 学信网可查 {city}报名中",
        "零基础学设计 {brand}学院 {n}天包就业",
        "{city}{brand}英语 免费试听课 限{n}个名额",
        "考研辅导{brand} 不过退费 立即咨询",
        "会计证/教师证培训 {brand}网校 {k}折优惠",
        "孩子成绩上不去？{brand}一对一辅导 首课免费",
    ],
    "franchise": [
        "{n}万开店 {brand}餐饮加盟 当月回本",
        "小本创业好项目 {brand}招商加盟 总部全程扶持",
        "{brand}奶茶加盟 {city}火爆招商中",
        "投资{n}万 年赚{k}0万 {brand}商机",
        "一个人也能开的店 {brand}干洗加盟",
        "农村致富新项目 {brand}养殖技术 免费提供种苗",
    ],
    "stock": [
        "跟{teacher}老师学炒股 每天直播解盘 加群免费听课",
        "{teacher}老师今日荐股：明日必涨{n}只 关注即领",
        "关注{teacher}老师 每日盘前内参免费送",
        "炒股亏钱？{brand}财富直播间 {teacher}老师带你选牛股",
        "加入{teacher}老师粉丝群 领取{k}只潜力股名单",
        "理财收益{k}% {brand}财富 新手专享 立即开户",
    ],
    "bet": [
        "{x}体育投注官网 世界杯竞猜 注册送{n}元",
        "{x}体育 足球篮球在线投注 赔率全网最高",
        "{x}体育官方APP下载 电竞投注 秒提现",
        "【{x}体育】{team}vs{team2} 滚球投注进行中",
    ],
    "health": [
        "{n}天告别脱发 {brand}生发液 无效退款",
        "老胃病一喝就好？{brand}养胃茶 免费领取试用装",
        "颈椎疼痛困扰多年 {brand}膏药 {k}贴见效",
        "{brand}降糖秘方 祖传配方 咨询热线{phone}",
    ],
    "home": [
        "{city}装修报价 {brand}家居 免费上门量房",
        "{brand}全屋定制 {k}9元/㎡ 限时抢",
        "{city}新盘 {brand}国际 首付{k}万起 地铁口",
        "{brand}净水机 免费安装 0元试用{n}天",
    ],
}
PROMO_KINDS = tuple(PROMO)
TEACHERS = ["王", "李", "陈", "刘", "赵", "周", "吴", "孙", "郑", "林"]
TEAMS = ["曼城", "皇马", "巴萨", "拜仁", "湖人", "勇士", "国安", "申花", "泰山", "利物浦"]
SMS_OFFER = [
    "发送{code}到{sms} 随时查行情",
    "手机炒股 发送{code}到{sms} 每条{c}元",
    "彩铃下载 发送{code}至{sms} 包月{c}元",
    "天气预报短信 编辑{code}发送到{sms} 订阅",
    "手机彩图 发{code}到{sms} 免费试用一周",
    "精彩笑话每天送 发送{code}到{sms}",
    "股市内参 短信定制 发{code}到{sms} 包月{c}元",
    "热门铃声 自写包月{c}分钱/条",
]
BIZ_LINKS = [
    "搜罗商机",
    "招商创业",
    "点金财富",
    "加盟好项目",
    "创业资讯",
    "小本投资",
    "致富经",
    "热门招商",
    "开店指南",
    "项目排行",
    "代理批发",
    "财富热线",
]
SPONSOR_SOURCES = [
    "{brand}汽车",
    "{brand}珠宝",
    "{brand}教育",
    "{brand}商城",
    "{brand}财富",
    "{brand}健康",
    "{brand}手游",
    "{brand}家居",
    "{brand}保险",
]
SPONSOR_TITLE = [
    "这款SUV火了，{city}车主抢着买，售价让人意外",
    "{city}人注意：家里有老人的，这个一定要看看",
    "戴了{k}年的颈椎枕，终于找到一款睡得舒服的",
    "别再乱买保险了，这份清单建议收藏",
    "上班族副业，每天{n}分钟，月入多了一份",
    "玩过这款游戏的都说停不下来，点击免费试玩",
    "2026年流行的婚戒款式，看看你喜欢哪一款",
    "{city}装修一套房要多少钱？算完吓一跳",
]


def _promo_vals(rng: R) -> dict[str, object]:
    return {
        "brand": rng.choice(PROMO_BRAND_A)
        + (rng.choice(PROMO_BRAND_B) if rng.random() < 0.3 else ""),
        "n": rng.randint(1, 9),
        "k": rng.randint(2, 9),
        "city": rng.choice(CITIES),
        "teacher": rng.choice(TEACHERS),
        "x": rng.choice(CASINO_X),
        "team": rng.choice(TEAMS[:5]),
        "team2": rng.choice(TEAMS[5:]),
        "phone": f"400-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
    }


def promo_line(rng: R, kind: str | None = None) -> str:
    """A third-party product or service promo (car, jewel, phone, edu, franchise, stock...)."""
    kind = kind or rng.choice(PROMO_KINDS)
    return rng.choice(PROMO[kind]).format(**_promo_vals(rng))


def sms_offer(rng: R) -> str:
    code = rng.choice(["GP", "TQ", "XH", "CL", "KT", "A", "88", "ZB"])
    return rng.choice(SMS_OFFER).format(
        code=code,
        sms=rng.choice(["6666", "8888", "9988", "10661234", "1066888"]),
        c=rng.randint(1, 5),
    )


def sponsored_card(rng: R) -> tuple[str, str]:
    """(title, sponsor name) of a sponsored-feed card."""
    v = _promo_vals(rng)
    title = rng.choice(SPONSOR_TITLE).format(**v) if rng.random() < 0.6 else promo_line(rng)
    return title, rng.choice(SPONSOR_SOURCES).format(**v)


def biz_link(rng: R) -> str:
    k = rng.random()
    if k < 0.4:
        return promo_line(rng, "franchise")
    if k < 0.7:
        return rng.choice(BIZ_LINKS)
    return f"{rng.choice(BIZ_LINKS)}：{promo_line(rng, rng.choice(['franchise', 'home', 'edu']))}"


def commercial_ad(rng: R) -> str:
    """Any of the portal-style commercial adverts (not the spam kinds of `ad_line`)."""
    k = rng.random()
    if k < 0.75:
        return promo_line(rng)
    if k < 0.85:
        return sms_offer(rng)
    if k < 0.93:
        return sponsored_card(rng)[0]
    return biz_link(rng)


# --------------------------------------------------------------------------- site furniture: more

HOT_SEARCH_HEAD = ["热门搜索", "热搜词", "大家都在搜", "相关搜索", "热门关键词", "热词", "搜索热词"]
TAG_HEAD = ["热门标签", "标签云", "热门话题", "标签", "TAG", "话题标签", "热门专题词"]
TAG_WORDS = [
    "人工智能",
    "新能源汽车",
    "房价",
    "高考",
    "养老金",
    "芯片",
    "旅游",
    "减肥",
    "世界杯",
    "股市",
    "元宇宙",
    "物价",
    "天气",
    "考研",
    "医保",
    "手机",
    "电影",
    "美食",
    "装修",
    "育儿",
    "理财",
    "就业",
    "油价",
    "春运",
    "楼市",
    "国产大飞机",
    "航天",
    "乡村振兴",
    "短视频",
    "电竞",
]
STOCK_NAMES = [
    "上证指数",
    "深证成指",
    "创业板指",
    "沪深300",
    "恒生指数",
    "科创50",
    "纳斯达克",
    "道琼斯",
]
STOCK_HEAD = ["行情中心", "大盘指数", "实时行情", "自选股", "股票查询", "市场数据"]
STOCK_WIDGET = ["输入代码/名称/拼音", "查询", "个股行情", "更多行情>>", "添加自选"]


def stock_quote(rng: R) -> str:
    name = rng.choice(STOCK_NAMES)
    v = rng.uniform(1000, 40000)
    ch = rng.uniform(-3, 3)
    sign = "+" if ch >= 0 else ""
    return rng.choice(
        [
            f"{name} {v:.2f} {sign}{ch:.2f}%",
            f"{name} {v:.2f} {sign}{v * ch / 100:.2f} {sign}{ch:.2f}%",
            f"{name}：{v:.2f}（{sign}{ch:.2f}%）",
        ]
    )


NEWS_COMMENT_WIDGET = [
    "赞({n})",
    "回复({n})",
    "{n}赞",
    "顶[{n}]",
    "踩[{n}]",
    "回复",
    "举报",
    "分享",
]
CMT_CHROME = [
    "{n}条评论",
    "{n}人参与",
    "发表评论",
    "登录",
    "注册",
    "表情",
    "图片",
    "最新",
    "最热",
    "按时间排序",
    "查看全部{n}条评论",
    "暂无评论，快来抢沙发吧",
    "文明发言，理性评论",
    "同步到微博",
    "我有话说",
]
QUOTE_FMT = [
    "引用 {u} 的回复：",
    "以下是引用{u}在{d}的发言：",
    "{u} 发表于 {d}",
    "回复 {f} {u} 的帖子",
    "引用：",
]
SIGNATURES = [
    "—— 签名：生活不止眼前的苟且",
    "本帖最后由 {u} 于 {d} 编辑",
    "路漫漫其修远兮",
    "我的个人主页，欢迎来踩",
    "---------------- 努力工作，认真生活",
    "来自手机客户端",
    "发自我的手机",
]
