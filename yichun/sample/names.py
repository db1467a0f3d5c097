"""Plausible (invented) place, school and kindergarten names for the synthetic sample."""

from __future__ import annotations

import numpy as np

_FIRST = list("新石黄潭同花天芳澄桥上下东西南北大高白青龙凤金罗杨洪田马棠槎株荷柏枫梅竹松株官仁义礼")
_SECOND = list("昌市岗山安宝溪塘源坑港湖口田坪岭庄江洲圩埠渡林冲陂湾坊垅畲")
_NUMERALS = "一二三四五六七八九十"
_PRIVATE_KG = ["阳光", "小天使", "蓝天", "贝贝", "童心", "启航", "金色童年", "彩虹", "星星", "育苗", "博雅",
               "智慧树", "爱心", "快乐", "春蕾", "晨曦", "七彩", "未来星", "小博士", "好孩子", "红黄蓝", "艺术",
               "双语", "英才", "童乐", "明珠", "雏鹰", "哈佛", "小精灵", "欣欣"]
_ESTATES = ["锦绣华府", "滨江花园", "翰林苑", "御景湾", "东方明珠", "书香名邸", "城南新村", "阳光城",
            "碧桂园", "恒大名都", "世纪花城", "和谐家园", "金域华庭", "凤凰城", "状元府"]
_PRIVATE_SCHOOL = ["育才", "实验", "外国语", "博文", "崇文", "明德", "致远", "新华", "启明", "宏达"]
_STREETS = ["城南", "城北", "东门", "西门", "滨江", "新城", "解放路", "人民路", "建设路", "文化路", "胜利路",
            "北门", "南门", "江北", "城东", "城西", "府前", "中山路", "沿江", "桥东"]


def street_stems() -> list[str]:
    """Street names that make a 街道 (城南街道, 滨江街道; not the 路 names of schools)."""
    return [s for s in _STREETS if not s.endswith("路")]


def numeral(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十."""
    if n <= 10:
        return _NUMERALS[n - 1]
    if n < 20:
        return "十" + _NUMERALS[n - 11]
    tens, ones = divmod(n, 10)
    return _NUMERALS[tens - 1] + "十" + (_NUMERALS[ones - 1] if ones else "")


class Namer:
    """Unique invented names within one county."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.used: set[str] = set()

    def place(self) -> str:
        for _ in range(1000):
            name = self.rng.choice(_FIRST) + self.rng.choice(_SECOND)
            if name not in self.used:
                self.used.add(name)
                return name
        raise RuntimeError("名称空间用尽")

    def unique(self, name: str) -> str:
        base, n = name, 2
        while name in self.used:
            name = base.replace("学校", f"第{numeral(n)}学校") if "第" not in base else f"{base}({n})"
            if name == base:
                name = f"{base}({n})"
            n += 1
        self.used.add(name)
        return name

    def private_kg(self) -> str:
        return str(self.rng.choice(_PRIVATE_KG))

    def estate(self) -> str:
        return str(self.rng.choice(_ESTATES))

    def private_school(self) -> str:
        return str(self.rng.choice(_PRIVATE_SCHOOL))

    def street(self) -> str:
        return str(self.rng.choice(_STREETS))
