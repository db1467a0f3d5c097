"""The tidy-table bundle: year selection and the births series."""

import pandas as pd
import pytest

from yichun.errors import YichunError
from yichun.tables import Inputs, births


def _inputs(years, population=None):
    schools = pd.DataFrame({"county": "宜丰县", "year": years, "school_id": [f"{i}" for i in range(len(years))]})
    empty = pd.DataFrame({"county": pd.Series(dtype="str"), "year": pd.Series(dtype="int64")})
    return Inputs(schools, empty, empty, population if population is not None else pd.DataFrame())


def test_resolve_year_defaults_to_the_latest_and_names_the_years_that_exist():
    inputs = _inputs([2023, 2024, 2025])
    assert inputs.resolve_year() == 2025
    assert inputs.resolve_year(2024) == 2024
    with pytest.raises(YichunError) as err:
        inputs.resolve_year(2031, where="data/raw")
    assert "2031" in str(err.value)
    assert "2023、2024、2025" in str(err.value)
    with pytest.raises(YichunError, match="没有读到任何"):
        _inputs([]).resolve_year()


def test_births_latest_statistical_year_wins():
    pop = pd.DataFrame({"county": "宜丰县", "year": [2024, 2024, 2025, 2025],
                        "birth_year": [2022, 2023, 2023, 2024], "births": [2100.0, 1900.0, 1950.0, 1800.0]})
    out = births(_inputs([2025], pop))
    assert out.to_dict("list") == {"county": ["宜丰县"] * 3, "birth_year": [2022, 2023, 2024], "births": [2100.0, 1950.0, 1800.0]}


def test_inputs_built_without_townships_have_an_empty_townships_table_with_its_columns():
    from yichun.tables import PROVENANCE, Inputs

    inputs = Inputs(pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), pd.DataFrame())
    assert inputs.townships.empty
    assert list(inputs.townships.columns) == ["county", "year", "township", "township_kind", *PROVENANCE]
    assert inputs.select(years=2025, counties="宜丰县").townships.empty


def test_empty_townships_matches_the_intake_table_layout():
    from yichun.intake.frames import dtypes
    from yichun.tables import empty_townships

    assert list(empty_townships().columns) == list(dtypes("townships"))
