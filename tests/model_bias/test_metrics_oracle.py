"""Every metric against a deliberately naive implementation of the published formulas.

The oracle below loops over rows and shares no code with labkit: it reads bias.md §2–§5 as
written (safe division, the "both +inf → 0" rule, shared non-zero outcomes, CDD strata, kNN by
brute-force distances). Random tables include empty groups, one-sided outcomes and all-positive
predictions, so the undefined cases are compared too (the error text must match).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from labkit.errors import LabkitInputError
from labkit.model_bias import bias_report

INF = math.inf
TOLERANCE = 1e-9  # the twin sums counts with numpy, the oracle row by row: only rounding differs


def sdiv(x, y):
    if y == 0:
        return 0.0 if x == 0 else (INF if x > 0 else -INF)
    return x / y


def diff(p, q):
    return 0.0 if p == INF and q == INF else p - q


def naive(rows, features):
    """rows: list of (in_d, label_pos, pred_pos, stratum); features: list of numeric tuples."""
    out = {}
    a = [r for r in rows if not r[0]]
    d = [r for r in rows if r[0]]
    na, nd = len(a), len(d)

    def count(group, test):
        return sum(1 for r in group if test(r))

    # ---- pre-training
    out["CI"] = (
        "CI: negated facet set is empty. Check that x[~facet] has non-zero length."
        if na == 0
        else "CI: facet set is empty. Check that x[facet] has non-zero length."
        if nd == 0
        else (na - nd) / (na + nd)
    )
    out["DPL"] = (
        "Negative facet set is empty."
        if na == 0
        else "Facet set is empty."
        if nd == 0
        else count(a, lambda r: r[1]) / na - count(d, lambda r: r[1]) / nd
    )
    pairs = []
    for outcome in (False, True):
        pa = sum(1 for r in a if r[1] == outcome) / na if na else 0.0
        pd_ = sum(1 for r in d if r[1] == outcome) / nd if nd else 0.0
        if pa > 0 and pd_ > 0:
            pairs.append((pa, pd_))
    if not pairs:
        for name in ("KL", "JS", "LP", "TVD", "KS"):
            out[name] = "No instance of common facet found, dataset may be too small"
    else:
        out["KL"] = sum(pa * math.log(pa / pd_) for pa, pd_ in pairs)
        out["JS"] = 0.5 * sum(
            pa * math.log(pa / ((pa + pd_) / 2)) + pd_ * math.log(pd_ / ((pa + pd_) / 2))
            for pa, pd_ in pairs
        )
        out["LP"] = math.sqrt(sum((pa - pd_) ** 2 for pa, pd_ in pairs))
        out["TVD"] = 0.5 * sum(abs(pa - pd_) for pa, pd_ in pairs)
        out["KS"] = max(abs(pa - pd_) for pa, pd_ in pairs)

    def cdd(index):
        positives = count(rows, lambda r: r[index])
        if positives == 0:
            return "No positive labels in set"
        if positives == len(rows):
            return "No negative labels in set"
        numerator = denominator = 0
        for g in sorted({r[3] for r in rows}):
            stratum = [r for r in rows if r[3] == g]
            pos = [r for r in stratum if r[index]]
            neg = [r for r in stratum if not r[index]]
            accepted = sum(1 for r in pos if r[0]) / len(pos) if pos else 0
            rejected = sum(1 for r in neg if r[0]) / len(neg) if neg else 0
            numerator += len(stratum) * (rejected - accepted)
            denominator += len(stratum)
        return sdiv(numerator, denominator)

    out["CDDL"] = cdd(1)

    # ---- post-training
    def cells(group):
        tp = count(group, lambda r: r[1] and r[2])
        fn = count(group, lambda r: r[1] and not r[2])
        fp = count(group, lambda r: not r[1] and r[2])
        tn = count(group, lambda r: not r[1] and not r[2])
        return tp, fn, fp, tn

    tpa, fna, fpa, tna = cells(a)
    tpd, fnd, fpd, tnd = cells(d)

    def needs_groups(prefix, value, negated="Negated Facet set is empty", facet_first=True):
        if facet_first:
            if nd == 0:
                return f"{prefix}Facet set is empty"
            if na == 0:
                return f"{prefix}{negated}"
        else:
            if na == 0:
                return f"{prefix}{negated}"
            if nd == 0:
                return f"{prefix}Facet set is empty"
        return value()

    out["DPPL"] = (
        "Negative facet set is empty."
        if na == 0
        else "Facet set is empty."
        if nd == 0
        else (tpa + fpa) / na - (tpd + fpd) / nd
    )
    out["DI"] = needs_groups(
        "", lambda: sdiv((tpd + fpd) / nd, (tpa + fpa) / na), "Negated facet set is empty", False
    )
    out["DCA"] = needs_groups(
        "DCO: ", lambda: diff(sdiv(tpa + fna, tpa + fpa), sdiv(tpd + fnd, tpd + fpd))
    )
    out["DCR"] = needs_groups(
        "DCO: ", lambda: diff(sdiv(tnd + fpd, tnd + fnd), sdiv(tna + fpa, tna + fna))
    )
    out["RD"] = needs_groups("DLA: ", lambda: diff(sdiv(tpa, tpa + fna), sdiv(tpd, tpd + fnd)))
    out["SD"] = needs_groups("DLA: ", lambda: diff(sdiv(tnd, tnd + fpd), sdiv(tna, tna + fpa)))
    out["DAR"] = needs_groups("DLR: ", lambda: diff(sdiv(tpa, tpa + fpa), sdiv(tpd, tpd + fpd)))
    out["DRR"] = needs_groups("DLR: ", lambda: diff(sdiv(tnd, tnd + fnd), sdiv(tna, tna + fna)))
    out["AD"] = needs_groups("", lambda: diff(sdiv(tpa + tna, na), sdiv(tpd + tnd, nd)))
    out["TE"] = needs_groups("", lambda: diff(sdiv(fnd, fpd), sdiv(fna, fpa)))
    out["CDDPL"] = cdd(2)

    benefits = [int(r[2]) - int(r[1]) + 1 for r in rows]
    mean = sum(benefits) / len(benefits)
    out["GE"] = (
        "All predicted labels are false negatives. There should be at least one prediction that is not false negative."
        if mean == 0
        else sum((b / mean) ** 2 - 1 for b in benefits) / (len(benefits) * 2)
    )

    def flip_test():
        k = 5 if na > 9 else 1
        a_rows = [(f, r[2]) for f, r in zip(features, rows) if not r[0]]
        score = 0
        for f, r in zip(features, rows):
            if not r[0]:
                continue
            nearest = sorted(a_rows, key=lambda item: math.dist(item[0], f))[:k]
            knn = sum(1 for _, p in nearest if p) * 2 > k
            score += (r[2] and not knn) - (not r[2] and knn)
        return sdiv(score, nd)

    out["FT"] = needs_groups("", flip_test)
    return out


def _frame(rows, features):
    return pd.DataFrame(
        {
            "facet": ["d" if r[0] else "a" for r in rows],
            "label": ["yes" if r[1] else "no" for r in rows],
            "prediction": ["yes" if r[2] else "no" for r in rows],
            "stratum": [r[3] for r in rows],
            "f1": [f[0] for f in features],
            "f2": [f[1] for f in features],
        }
    )


def _compare(rows, features):
    # FT uses every column but facet, label and prediction: the group variable too (bias.md §5)
    expected = naive(rows, [(*f, r[3]) for f, r in zip(features, rows)])
    df = _frame(rows, features)
    options = {
        "label": "label",
        "label_values_or_threshold": ["yes"],
        "facet": "facet",
        "facet_values_or_threshold": ["d"],
        "predicted_label": "prediction",
        "group_variable": "stratum",
    }
    if not any(r[2] for r in rows):
        with pytest.raises(LabkitInputError, match="all False values"):
            bias_report(df, **options)
        return
    report = bias_report(df, **options)
    got = report.to_frame().set_index("metric")
    assert set(got.index) == set(expected)
    for name, want in expected.items():
        row = got.loc[name]
        if isinstance(want, str):
            assert (row["error"], math.isnan(row["value"])) == (want, True), name
        else:
            assert pd.isna(row["error"]), (name, row["error"])
            if math.isinf(want):
                assert row["value"] == want, name
            else:
                assert row["value"] == pytest.approx(want, abs=TOLERANCE), name


row_strategy = st.tuples(st.booleans(), st.booleans(), st.booleans(), st.integers(0, 2))


@given(st.lists(row_strategy, min_size=1, max_size=25), st.integers(0, 2**31))
def test_every_metric_matches_the_naive_oracle(rows, seed):
    # distinct random features: a kNN distance tie between two rows has probability 0
    features = [tuple(x) for x in np.random.default_rng(seed).normal(size=(len(rows), 2))]
    _compare(rows, features)


@pytest.mark.parametrize("seed", range(25))
def test_every_metric_matches_the_naive_oracle_on_larger_tables(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(20, 150))
    rates = rng.uniform(0.02, 0.98, size=3)
    rows = [
        (
            bool(rng.random() < rates[0]),
            bool(rng.random() < rates[1]),
            bool(rng.random() < rates[2]),
            int(rng.integers(0, 4)),
        )
        for _ in range(n)
    ]
    _compare(rows, [tuple(x) for x in rng.normal(size=(n, 2))])
