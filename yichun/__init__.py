"""yichun: 宜春市县域义务教育优质均衡发展与学前教育普及普惠分析工具.

The library behind the analysts' notebooks and the `yichun` command. Importing it does
no I/O; heavy modules load on first use.
"""

from __future__ import annotations

import os

# python-docx and python-pptx bring lxml, and openpyxl then switches to a different XML
# writer: the generated sample workbooks (and every xlsx we write) would change byte for
# byte with an optional library. Keep openpyxl's standard-library writer unless told otherwise.
os.environ.setdefault("OPENPYXL_LXML", "False")

__version__ = "0.1.0"

__all__ = ["__version__", "load"]


def load(*args, **kwargs):
    """Read every workbook under a folder into tidy tables (see `yichun.intake.load`)."""
    from yichun.intake import load as _load

    return _load(*args, **kwargs)
