"""The CloudWatch User Guide's missing-data examples, evaluated by the twin, and the kit's own rows.

"Configuring how CloudWatch alarms treat missing data"
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html)
prints two example tables: an alarm with EvaluationPeriods = DatapointsToAlarm = 3 and a 2-of-3
alarm, both with an evaluation range of 5 datapoints, one row per pattern of good (``0``),
breaching (``X``) and missing (``-``) datapoints, oldest first, and the state each
``TreatMissingData`` value leads to. ``GUIDE_ROWS`` holds the guide's patterns, in its order;
``KIT_ROWS`` holds patterns the current guide does not print, whose outcome is the kit's reading
(see ``labkit.alarms.evaluation``). ``missing_data_table`` runs ``evaluate_range`` on each and says
which is which. tests/test_alarms.py pins every guide row to the outcome the guide prints.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from labkit.alarms.evaluation import evaluate_range

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["COLUMNS", "GUIDE", "GUIDE_ROWS", "KIT", "KIT_ROWS", "missing_data_table", "pattern_values"]

GUIDE, KIT = "User Guide", "the kit's reading"
# (M, N, pattern): the guide's two tables, row for row (its 3-of-3 table ends with the premature
# alarm row "- - X - -", its 2-of-3 table with "- - - X -").
GUIDE_ROWS = (
    *((3, 3, p) for p in ("0 - X - X", "0 - - - -", "- - - - -", "0 X X - X", "- - X - -")),
    *((2, 3, p) for p in ("0 - X - X", "0 0 X 0 X", "0 - X - -", "- - - - 0", "- - - X -")),
)
# One breaching datapoint too recent for the premature-alarm rule, or older than the last N periods:
# earlier versions of the guide printed these rows; the current one does not.
KIT_ROWS = ((3, 3, "- - - - X"), (3, 3, "- - - X -"), (2, 3, "- - - - X"), (3, 3, "X - - - -"))
COLUMNS = ("missing", "ignore", "breaching", "notBreaching")  # TreatMissingData, in the guide's column order
_GOOD, _BREACHING = 0.0, 1.0  # the values the patterns stand for; the threshold sits between them


def pattern_values(pattern: str) -> list[float | None]:
    """``"0 - X"`` as datapoint values, oldest first: 0 good, X breaching, - missing (None)."""
    symbols = {"0": _GOOD, "X": _BREACHING, "-": None}
    try:
        return [symbols[s] for s in pattern.split()]
    except KeyError as exc:
        raise ValueError(f"pattern {pattern!r}: use 0 (good), X (breaching) and - (missing)") from exc


def missing_data_table(rows=GUIDE_ROWS + KIT_ROWS) -> pd.DataFrame:
    """One row per pattern: its source, M of N, and the state per TreatMissingData ("keep state" for none)."""
    import pandas as pd

    guide = set(GUIDE_ROWS)
    records = []
    for m, n, pattern in rows:
        values = pattern_values(pattern)
        states = {mode: _state(values, m, n, mode) for mode in COLUMNS}
        records.append({
            "source": GUIDE if (m, n, pattern) in guide else KIT,
            "M of N": f"{m} of {n}",
            "datapoints": pattern,
            **{mode: state or "keep state" for mode, state in states.items()},
        })
    return pd.DataFrame(records)


def _state(values: list[float | None], m: int, n: int, mode: str) -> str | None:
    threshold = (_GOOD + _BREACHING) / 2
    return evaluate_range(values, evaluation_periods=n, datapoints_to_alarm=m,
                          breaches=lambda v: v > threshold, treat_missing_data=mode).state
