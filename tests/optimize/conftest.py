"""Small optimisation files shared by the optimisation tests (a few hundred people, 30 days)."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

#: A 600-person clustered graph over 30 days.
WORLD = """
scenario = "default"
days = 30
[graph]
generator = "powerlaw_cluster"
n = 600
m = 4
p = 0.3
"""

SMALL_MARKET = WORLD + """
[kol]
count = 3
fee_per_post = 50.0
posts_per_week = 3.0
[operations.relationship]
enabled = true
"""

LEVERS = """
# Which referral reward and posting rate earn most incremental profit in a small market?
""" + SMALL_MARKET + """
[optimize]
objectives = ["incremental_profit"]
replications = 3
validation_replications = 3
seed = 11
trials = {trials}
batch = 2
startup_trials = 6
[optimize.levers]
"operations.relationship.referral_reward" = {{ low = 0.0, high = 15.0, step = 5.0 }}
"kol.posts_per_week" = {{ low = 1, high = 7, step = 2 }}
"""

#: Six outside accounts: (name, followers, fee per post or None for the plan's 20).
ACCOUNTS = [("a", 300, 60.0), ("b", 200, None), ("c", 150, None), ("d", 100, 5.0), ("e", 80, None), ("f", 40, 2.0)]
ROSTER = "\n".join(
    f'[[kol.roster]]\nname = "{n}"\nfollowers = {k}' + ("" if fee is None else f"\nfee_per_post = {fee}")
    for n, k, fee in ACCOUNTS
)

KOLS = """
# Which of six outside accounts should a 900 fee budget buy?
""" + WORLD + """
[kol]
count = 0
budget = 900.0
posts_per_week = 2
end_day = 30
fee_per_post = 20.0
engagement_rate = 0.2
credibility = 0.1
""" + ROSTER + """
[optimize]
replications = 3
validation_replications = 3
seed = 5
[optimize.kols]
rule = "both"
"""


@pytest.fixture
def write(tmp_path):
    """Write a TOML text to tmp_path/name and return its path."""

    def _write(text: str, name: str = "opt.toml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        return path

    return _write
