"""The two assessment tracks under their two names, mapped in one place.

The schedule (yichun.schedule) names them 义务教育优质均衡 / 学前教育普及普惠 (the notice's
column headers); the assessment (yichun.assessment, the catalogue) names them 义务教育 /
学前教育.
"""

from __future__ import annotations

from yichun.schedule import COMPULSORY, PRESCHOOL

TO_ASSESS = {COMPULSORY: "义务教育", PRESCHOOL: "学前教育"}
TO_SCHEDULE = {v: k for k, v in TO_ASSESS.items()}
ASSESS_TRACKS = tuple(TO_ASSESS.values())


def assess_track(name: str) -> str:
    """The assessment's name for a track given under either name."""
    return TO_ASSESS.get(name, name)


def schedule_track(name: str) -> str:
    """The schedule's name for a track given under either name."""
    return TO_SCHEDULE.get(name, name)
