"""Argument types for the numeric options every subcommand shares: checked before any work starts.

Each returns a function for argparse's ``type=``; a bad value ends in argparse's one usage line
(``labkit … : error: argument --rows: must be at least 1, got '-5'``) and exit 2. NaN and the
infinities are refused wherever a number is read: they compare false with everything, so a NaN
threshold would silently select nothing.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

__all__ = ["MAX_SEED", "finite_number", "seed", "unit_interval", "whole_number"]

MAX_SEED = 2**32 - 1  # numpy's legacy RandomState (used by scikit-learn) takes seeds below 2**32


def whole_number(
    *, minimum: int, maximum: int | None = None, note: str = ""
) -> Callable[[str], int]:
    """A base-10 integer in ``[minimum, maximum]``; ``note`` explains the bound in the message."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum or (maximum is not None and value > maximum):
            bound = f"at least {minimum}" if maximum is None else f"from {minimum} to {maximum}"
            raise argparse.ArgumentTypeError(f"must be {bound}{note}, got {text!r}")
        return value

    parse.__name__ = "whole number"  # argparse names the type in some of its messages
    return parse


def finite_number(text: str) -> float:
    """Any finite decimal number (not NaN, not ±infinity)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def unit_interval(*, closed: bool) -> Callable[[str], float]:
    """A number from 0 to 1: ``closed`` includes both ends, else both are excluded."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        inside = 0.0 <= value <= 1.0 if closed else 0.0 < value < 1.0  # False for NaN
        if not inside:
            ends = "from 0 to 1" if closed else "strictly between 0 and 1"
            raise argparse.ArgumentTypeError(f"must be {ends}, got {text!r}")
        return value

    parse.__name__ = "number from 0 to 1"
    return parse


seed = whole_number(minimum=0, maximum=MAX_SEED, note=" (a random seed)")
