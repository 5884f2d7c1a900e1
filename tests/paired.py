"""The paired common-random-number direction check the tests share: a mean paired difference in SE units."""
from __future__ import annotations

import math

import numpy as np


def paired_t(diffs) -> float:
    """Mean of the paired differences over its standard error s / sqrt(R) (R replications, R >= 2)."""
    d = np.asarray(diffs, float)
    se = d.std(ddof=1) / math.sqrt(len(d))
    return math.inf if se == 0 and d.mean() > 0 else d.mean() / se if se else 0.0
