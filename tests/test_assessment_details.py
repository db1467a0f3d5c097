"""The Chinese detail text of school-by-school checks (G3/G4/G5, PQ1)."""

from yichun.assessment.core import compliance_details


def test_compliance_details_counts_offenders_and_missing():
    out = compliance_details([3, 0, 12], [1, 0, 2], [["甲校"], [], [f"校{i}" for i in range(8)]], [1, 0, 10],
                             [["乙校"], [], []], [1, 0, 0], what="学校", ok_text="符合", bad_label="不符合",
                             none_text="无计入县域计算的学校")
    assert out[0] == "3 所学校中 1 所符合；不符合：甲校；缺数据：乙校"
    assert out[1] == "缺数据：无计入县域计算的学校"
    assert out[2] == "12 所学校中 2 所符合；不符合：" + "、".join(f"校{i}" for i in range(8)) + "等10项"
