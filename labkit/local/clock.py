"""The simulated clock of a local SageMaker: it moves only forward, only when told."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from labkit.capture import to_utc
from labkit.errors import LabkitInputError

__all__ = ["Clock"]


@dataclass
class Clock:
    """``clock()`` is the simulated time (aware UTC); ``move_to`` never goes back."""

    now: datetime

    def __post_init__(self) -> None:
        self.now = to_utc(self.now).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def move_to(self, moment: datetime) -> None:
        moment = to_utc(moment)
        if moment < self.now:
            raise LabkitInputError(f"the clock cannot go back from {self.now.isoformat()} to {moment.isoformat()}")
        self.now = moment

    def later(self, *, hours: float = 0, minutes: float = 0, seconds: float = 0) -> datetime:
        """The time ``hours``/``minutes``/``seconds`` from now (none of them negative)."""
        if min(hours, minutes, seconds) < 0:
            raise LabkitInputError("the clock only moves forward: give hours, minutes or seconds ≥ 0")
        return self.now + timedelta(hours=hours, minutes=minutes, seconds=seconds)
