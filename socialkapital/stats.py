"""Statistics for reading results honestly: confidence intervals, Welch tests with
multiple-comparison control, Cronbach's alpha, ICC(1)/ICC(2) and rwg(j).

Formulas as in ../shared/statistics.md. Inputs are numpy arrays of person scores (0-100)
or item codes; missing answers are NaN. Which handling of missing answers each uses is said
in its docstring (published implementations differ).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

A_SCALE = 5  # answer options of the instrument's scale


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


def ci95(mean: float, sd: float, n: int) -> Interval | None:
    """t-based 95 % interval of a mean: mean ± t(0.975, n-1)·sd/√n (None for n < 2)."""
    low, high = (float(a[0]) for a in ci95_many(mean, sd, n))
    return None if np.isnan(low) else Interval(low, high)


def ci95_many(mean, sd, n) -> tuple[np.ndarray, np.ndarray]:
    """``ci95`` for arrays at once: (low, high), NaN where n < 2 or a value is missing."""
    m, s, k = (np.atleast_1d(np.asarray(x, dtype=float)) for x in (mean, sd, n))
    with np.errstate(divide="ignore", invalid="ignore"):
        k = np.where(k >= 2, k, np.nan)
        # One quantile per distinct n (a round has a few thousand), not per figure.
        sizes, which = np.unique(k, return_inverse=True)
        half = _t975(sizes - 1)[which.reshape(k.shape)] * s / np.sqrt(k)
    return m - half, m + half


@dataclass(frozen=True)
class Comparison:
    difference: float  # group minus the rest
    interval: Interval
    p: float


def welch(mean1, sd1, n1, mean2, sd2, n2) -> Comparison | None:
    """Welch's t-test of two means from summary statistics, with the 95 % CI of the
    difference (Welch-Satterthwaite degrees of freedom); None where it cannot be done."""
    diff, low, high, p = (float(a[0]) for a in welch_many(mean1, sd1, n1, mean2, sd2, n2))
    if np.isnan(p):
        return None
    return Comparison(diff, Interval(low, high), p)


def _t975(df):
    """The 97.5 % quantile of Student's t (what ``scipy.stats.t.ppf`` computes, from
    scipy.special, which loads in half the time: the command line's summary needs only it)."""
    from scipy.special import stdtrit

    return stdtrit(df, 0.975)


def welch_many(mean1, sd1, n1, mean2, sd2, n2) -> tuple[np.ndarray, ...]:
    """``welch`` for arrays of summary statistics at once: (difference, low, high, p), NaN
    where a side has fewer than 2 persons, no spread on either side, or a missing value."""
    from scipy import stats as sps  # loaded when first needed: it takes a while to load

    m1, s1, k1, m2, s2, k2 = (
        np.atleast_1d(np.asarray(x, dtype=float)) for x in (mean1, sd1, n1, mean2, sd2, n2)
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        v1, v2 = s1**2 / k1, s2**2 / k2
        se = np.sqrt(v1 + v2)
        df = (v1 + v2) ** 2 / (v1**2 / (k1 - 1) + v2**2 / (k2 - 1))
        ok = (np.minimum(k1, k2) >= 2) & (se > 0) & np.isfinite(df)
        se, df = np.where(ok, se, np.nan), np.where(ok, df, np.nan)
        diff = np.where(ok, m1 - m2, np.nan)
        p = 2 * sps.t.sf(np.abs(diff) / se, df)
        half = sps.t.ppf(0.975, df) * se
    return diff, diff - half, diff + half, p


def holm(p: list[float]) -> list[float]:
    """Holm's step-down adjusted p-values (family-wise error control)."""
    order = np.argsort(p)
    m = len(p)
    adjusted = np.empty(m)
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[index]))
        adjusted[index] = running
    return adjusted.tolist()


def benjamini_hochberg(p: list[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values (false discovery rate control)."""
    from scipy import stats as sps

    return sps.false_discovery_control(np.asarray(p, dtype=float), method="bh").tolist()


@dataclass(frozen=True)
class Alpha:
    alpha: float
    n: int  # complete rows used
    interval: Interval | None  # Feldt 95 % CI


def cronbach_alpha(items: np.ndarray) -> Alpha | None:
    """Cronbach's alpha of persons × items, listwise (complete rows only), with the
    Feldt interval."""
    complete = items[~np.isnan(items).any(axis=1)]
    n, j = complete.shape
    if n < 3 or j < 2:
        return None
    total_var = complete.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return None
    alpha = j / (j - 1) * (1 - complete.var(axis=0, ddof=1).sum() / total_var)
    from scipy import stats as sps

    low = 1 - (1 - alpha) * sps.f.ppf(0.975, n - 1, (n - 1) * (j - 1))
    high = 1 - (1 - alpha) * sps.f.ppf(0.025, n - 1, (n - 1) * (j - 1))
    return Alpha(float(alpha), n, Interval(float(low), float(high)))


def cronbach_alpha_pairwise(items: np.ndarray) -> float | None:
    """Cronbach's alpha from pairwise-complete covariances (uses every answer)."""
    j = items.shape[1]
    if j < 2:
        return None
    cov = np.ma.cov(np.ma.masked_invalid(items), rowvar=False, ddof=1).filled(np.nan)
    total = np.nansum(cov)
    if not total:
        return None
    return float(j / (j - 1) * (1 - np.trace(cov) / total))


@dataclass(frozen=True)
class ICC:
    icc1: float
    icc2: float
    msb: float
    msw: float
    groups: int
    persons: int


def icc(scores: np.ndarray, groups: np.ndarray) -> ICC | None:
    """ICC(1) and ICC(2) of group membership from a one-way ANOVA of person scores.

    ICC(1) = (MSB - MSW) / (MSB + (k - 1)·MSW) with k = N/K, the convention of R's
    ``multilevel`` package; ICC(2) = (MSB - MSW) / MSB. Persons without a score are left out.
    None when every score is the same: there is no variance to split between and within.
    """
    keep = ~np.isnan(scores)
    scores, groups = scores[keep], groups[keep]
    labels, index = np.unique(groups, return_inverse=True)
    k_groups, n = len(labels), len(scores)
    if k_groups < 2 or n <= k_groups:
        return None
    if scores.min() == scores.max():  # MSB = MSW = 0: ICC(1) would be 0/0
        return None
    sizes = np.bincount(index)
    means = np.bincount(index, weights=scores) / sizes
    grand = scores.mean()
    msb = float((sizes * (means - grand) ** 2).sum() / (k_groups - 1))
    msw = float(((scores - means[index]) ** 2).sum() / (n - k_groups))
    k = n / k_groups
    icc1 = (msb - msw) / (msb + (k - 1) * msw)
    icc2 = (msb - msw) / msb if msb else float("nan")
    return ICC(float(icc1), float(icc2), msb, msw, k_groups, n)


def rwg_j(codes: np.ndarray, listwise: bool = True) -> float | None:
    """Within-group agreement rwg(j) (James, Demaree & Wolf 1984) for one group's persons ×
    items codes 1-A; mean item variance truncated to the uniform null variance (A²-1)/12.

    ``listwise``: only persons who answered every item; otherwise each item's variance
    uses all its answers."""
    if listwise:
        codes = codes[~np.isnan(codes).any(axis=1)]
    j = codes.shape[1]
    answered = (~np.isnan(codes)).sum(axis=0)
    if (answered < 2).any():
        return None
    return rwg_j_of(float(np.nanvar(codes, axis=0, ddof=1).mean()), j)


def rwg_j_of(mean_item_variance: float, j: int) -> float:
    """rwg(j) of a group from its mean item variance (n - 1) over ``j`` items."""
    expected = (A_SCALE**2 - 1) / 12
    mean_var = min(mean_item_variance, expected)
    agreement = j * (1 - mean_var / expected)
    return float(agreement / (agreement + mean_var / expected))
