"""Errors a user can act on, and the problem record that intake and checks collect.

A `YichunError` carries a Chinese message meant for the analyst; the CLI prints it
without a traceback. A `Problem` is one finding about one cell or row of one workbook.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

ERROR = "错误"
WARNING = "警告"


class YichunError(Exception):
    """A user error: bad input or a bad request, with a Chinese message."""


class InputError(YichunError):
    """Input data that breaks the contract; may carry problem records."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems = problems or []


class CatalogueError(YichunError):
    """A malformed standards catalogue or profile."""


def _is_missing(value: Any) -> bool:
    """None, NaN or pandas' NA (whose comparisons are NA, so bool() of them raises)."""
    if value is None:
        return True
    try:
        return bool(value != value)
    except TypeError:
        return True


@dataclass(frozen=True)
class Problem:
    """One finding: where it is (file, sheet, Excel row, column), what was seen, what is expected."""

    severity: str  # 错误 / 警告
    kind: str  # short rule name, e.g. 重复学校标识码
    message: str  # Chinese: what is wrong and what is expected
    file: str = ""
    sheet: str = ""
    row: int | None = None  # Excel row number (1-based), None for a whole-sheet problem
    column: str = ""  # the header as it appears in the workbook
    value: str = ""
    county: str = ""
    year: int | None = None

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def columns(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    @classmethod
    def from_record(cls, record: Mapping[Any, Any]) -> Problem:
        """A problem from a row of a problems table: missing row/year as None, missing text as ""."""
        def clean(key: str, value: Any) -> Any:
            missing = _is_missing(value)
            if key in ("row", "year"):
                return None if missing else int(value)
            return "" if missing else str(value)

        return cls(**{f.name: clean(f.name, record.get(f.name)) for f in fields(cls)})

    def __str__(self) -> str:
        where = "，".join(
            p
            for p in (
                self.file,
                f"工作表「{self.sheet}」" if self.sheet else "",
                f"第{self.row}行" if self.row else "",
                f"列「{self.column}」" if self.column else "",
                f"值「{self.value}」" if self.value != "" else "",
            )
            if p
        )
        return f"[{self.severity}] {where}：{self.message}" if where else f"[{self.severity}] {self.message}"
