"""Live-stream selling (直播带货): a KOL hosts live sessions; viewers buy at a session price, pulled by live social proof.

The host is KOL ``kol`` of the run's roster (``engine.kols``, index in the order
``simulation.kol`` chose them: 0 = the first). Sessions take place on each day of
``days`` (explicit days, the window ignored) or, when ``days`` is empty, on the weekly
schedule of KOL posts with ``per_week`` sessions a week inside ``[start_day, end_day]``
(``kol.posts_on``: days 7, 14, 21, ... at one a week). On a session day t:

* **Fee.** ``fee_per_session`` is paid to the KOL (kind "live_fee", ledger line
  ``live_spend``), viewers or not.
* **Attendance.** Follower slot s of the KOL (``kols.followers[s]``, the same audience
  its posts reach) attends iff ``uniform(key, LIVE, s, 4t) < attendance`` and arrives in
  wave ``floor(W * uniform(key, LIVE, s, 4t + 1))`` of ``W = waves``.
* **Waves.** The waves are evaluated in order, each one batch of channel "live" (after
  the friend, KOL, platform batches and the models earlier in the registry; ref = the
  KOL's index). An attendee is a *viewer* when their exposure is evaluated — online, not
  a buyer, not pending in a group, not converted earlier today, exactly the exposures the
  engine counts. Viewer s in wave w decides with draw ``uniform(key, LIVE, s, 4t + 2)``
  at the *session price* ``price_today * (1 - discount)`` (valid only for the session's
  exposures; booked as ``discount_cost``) with source strength

      credibility_k (x fit_k where the viewer's interest >= kol.fit_interest, capped at 1,
      the KOL post's strength) x persuasion x (1 + proof_weight * log1p(B_w)),

  where ``B_w`` is the number of viewers of waves 0..w-1 who converted on the session
  (the counter on screen: "B_w sold"). The live social-proof factor is 1 for the first
  wave and at ``proof_weight`` 0; it grows with the logarithm of the count (a viewer
  reads "300 sold" as little more than "100 sold", Weber-Fechner), so a session's
  momentum is concave in its sales. The factor multiplies the whole purchase
  probability P of the engine (P is a product; P is capped at 1).
* **Commission.** Every booked purchase credited to a session (channel "live" with
  the KOL as ref: the session's own purchases, including a group-buy a viewer opened
  at the session when it completes) pays ``commission_rate`` x the price paid to the KOL
  (kind "live_commission", ``live_spend``). A repeat purchase by someone whose first
  purchase was live is credited to channel "live" without a referrer: no commission.

With ``discount`` 0, ``persuasion`` 1 and ``proof_weight`` 0 a session viewer faces
exactly the probability a reached follower faces on a post by the same KOL: a session
differs from a post by its price, its persuasion and its live social proof, and by its
audience rule (``attendance`` instead of the KOL's engagement rate).

Readouts: the record table ``live_sessions`` (one row per session: day, kol, attendees,
viewers, buyers — conversions at the session —, conversion = buyers / viewers, revenue —
price paid by the purchases credited to it —, fee, commission); summary
``live_sessions``, ``live_viewers``, ``live_buyers``, ``live_conversion`` (buyers /
viewers over all sessions, NaN without viewers), ``live_revenue``; daily ``live_viewers``
and ``live_buyers``. The per-KOL table (``simulation.kol_ledger``) covers posts only.
"""
from __future__ import annotations

import math
from typing import Annotated

import numpy as np
from numba import njit
from pydantic import Field

from ..config.base import Money, Probability, Window
from ..kernels.funnel import C_CAND, C_EXPOSURES, draw_below
from ..kernels.random import LIVE, uniform
from ..kol import posts_on
from .base import Batch, Operation, Purchases
from .live_reference import LiveReference

#: columns of the ``live_sessions`` record table and their dtypes
SESSION_COLUMNS = {"day": np.int64, "kol": np.int64, "attendees": np.int64, "viewers": np.int64,
                   "buyers": np.int64, "conversion": np.float64, "revenue": np.float64, "fee": np.float64,
                   "commission": np.float64}


class LiveConfig(Window):
    """Live sessions hosted by one KOL of the roster (schedule window ``[start_day, end_day]`` when ``days`` is empty)."""

    enabled: bool = False
    kol: int = Field(0, ge=0)  # index of the host in the KOL roster (0 = first chosen KOL)
    days: list[Annotated[int, Field(ge=1)]] = Field(default_factory=list)  # session days; empty: per_week in the window
    per_week: float = Field(1.0, ge=0.0, le=7.0)  # sessions a week when days is empty (KOL post schedule)
    attendance: Probability = 0.2  # probability a follower attends a session
    waves: int = Field(4, ge=1, le=1000)  # viewers arrive in this many waves
    proof_weight: float = Field(0.5, ge=0.0)  # live social proof: factor 1 + proof_weight * log1p(buyers so far)
    discount: float = Field(0.2, ge=0.0, lt=1.0)  # session price = price_today * (1 - discount)
    persuasion: float = Field(1.0, ge=0.0)  # multiplier of the KOL's post strength for a live demonstration
    fee_per_session: Money = 1000.0  # paid to the KOL per session (live_spend)
    commission_rate: Probability = 0.2  # x price paid, per purchase credited to a session (live_spend)


def session_on(cfg: LiveConfig, day: int) -> bool:
    """Whether a session takes place on ``day``: one of ``days``, else the weekly schedule in the window."""
    if cfg.days:
        return day in cfg.days
    return cfg.active(day) and posts_on(day, cfg.per_week)


def proof_factor(buyers_so_far: int, weight: float) -> float:
    """Live social proof: 1 + weight * log1p(buyers so far in the session) (1 at weight 0 or no buyer)."""
    return 1.0 + weight * math.log1p(buyers_so_far)


def check_host(host: int, kol_count: int) -> None:
    """Raise ValueError naming ``operations.live.kol`` when a roster of ``kol_count`` KOLs has no KOL ``host``."""
    if host >= kol_count:
        raise ValueError(f"operations.live.kol: KOL {host} does not exist; the run's roster has {kol_count} "
                         "KOL(s) (kol.count, kol.roster or kol.budget choose them)")


def session_table(rows: list[dict]) -> dict[str, np.ndarray]:
    """The ``live_sessions`` record table from per-session dicts (conversion = buyers / viewers, NaN without viewers)."""
    out = {k: np.array([r[k] for r in rows], t) if rows else np.empty(0, t)
           for k, t in SESSION_COLUMNS.items() if k != "conversion"}
    v = out["viewers"]
    out["conversion"] = np.where(v > 0, out["buyers"] / np.maximum(v, 1), np.nan)
    return {k: out[k] for k in SESSION_COLUMNS}


def session_summary(table: dict[str, np.ndarray]) -> dict[str, float]:
    """The declared summary metrics from the ``live_sessions`` table."""
    viewers, buyers = float(table["viewers"].sum()), float(table["buyers"].sum())
    return {"live_sessions": float(len(table["day"])), "live_viewers": viewers, "live_buyers": buyers,
            "live_conversion": buyers / viewers if viewers else math.nan,
            "live_revenue": float(table["revenue"].sum())}


@njit(cache=True)
def waves_of(slots, key, day, waves):
    """Wave of each attending follower slot: floor(waves * uniform(key, LIVE, s, 4 day + 1))."""
    out = np.empty(slots.shape[0], np.int64)
    for j in range(slots.shape[0]):
        out[j] = int(waves * uniform(key, LIVE, slots[j], 4 * day + 1))
    return out


class LiveOperation(Operation):
    """Runtime of live-stream selling for one run."""

    name = "live"
    label = "live-stream selling (直播带货)"
    config = LiveConfig
    reference = LiveReference
    payments = {"live_fee": "live_spend", "live_commission": "live_spend"}
    channels = ("live",)
    metrics = {"live_sessions": 0.0, "live_viewers": 0.0, "live_buyers": 0.0, "live_conversion": math.nan,
               "live_revenue": 0.0}
    series = ("live_viewers", "live_buyers")

    def __init__(self, cfg: LiveConfig, engine):
        super().__init__(cfg, engine)
        check_host(cfg.kol, engine.kols.count)
        self.channel = engine.channel("live")
        self.session_of = np.full(engine.n, -1, np.int64)  # the session at which each person last converted
        self.rows: list[dict] = []
        self.today = (0, 0)  # (viewers, buyers) of today's session
        k = cfg.kol
        # the host's follower slots and each one's attendance probability (the same every session; read only)
        self._slots = np.arange(engine.kols.indptr[k], engine.kols.indptr[k + 1], dtype=np.int64)
        self._attend = np.full(len(self._slots), cfg.attendance)

    def exposures(self, day: int):
        """One batch per wave (a generator: each wave is evaluated before the next one's proof factor is set)."""
        self.today = (0, 0)
        c, eng = self.cfg, self.engine
        if not session_on(c, day):
            return
        k = c.kol
        row = {"day": day, "kol": k, "attendees": 0, "viewers": 0, "buyers": 0, "revenue": 0.0,
               "fee": c.fee_per_session, "commission": 0.0}
        self.rows.append(row)
        if c.fee_per_session > 0:
            eng.pay(day, "live_fee", k, c.fee_per_session)
        slots = self._slots[draw_below(self._slots, self._attend, eng.key, LIVE, 4 * day)]
        row["attendees"] = len(slots)
        wave = waves_of(slots, eng.key, day, c.waves)
        price = eng.price_today * (1.0 - c.discount)
        strength = eng.slot_strength[slots] * c.persuasion
        for w in range(c.waves):
            sel = wave == w
            if not sel.any():
                continue
            s = slots[sel]
            exposures, cands = eng.cnt[C_EXPOSURES], eng.cnt[C_CAND]
            factor = proof_factor(row["buyers"], c.proof_weight)
            yield Batch(self.channel, LIVE, eng.kols.followers[s], strength[sel] * factor, np.full(len(s), price), s,
                        np.full(len(s), 4 * day + 2, np.int64), np.full(len(s), k, np.int64),
                        platform=eng.kol_platform)  # the session streams on the KOLs' host platform
            converted = eng.cand_list[cands: eng.cnt[C_CAND]].astype(np.int64)
            self.session_of[converted] = len(self.rows) - 1
            row["viewers"] += int(eng.cnt[C_EXPOSURES] - exposures)
            row["buyers"] += len(converted)
        self.today = (row["viewers"], row["buyers"])

    def on_purchases(self, day: int, purchases: Purchases) -> None:
        mine = (purchases["channel"] == self.channel) & (purchases["ref"] >= 0)
        if not mine.any():
            return
        sessions = self.session_of[purchases["buyer"][mine]]
        price = purchases["price"][mine]
        fee = self.cfg.commission_rate * price
        for j, s in enumerate(sessions):
            self.rows[s]["revenue"] += float(price[j])
            self.rows[s]["commission"] += float(fee[j])
        if self.cfg.commission_rate > 0:
            self.engine.pay(day, "live_commission", purchases["ref"][mine], fee)

    def record_day(self, day: int, daily: dict[str, np.ndarray]) -> None:
        daily["live_viewers"][day], daily["live_buyers"][day] = self.today

    def records(self) -> dict[str, dict[str, np.ndarray]]:
        return {"live_sessions": session_table(self.rows)}

    @classmethod
    def empty_records(cls) -> dict[str, dict[str, np.ndarray]]:
        return {"live_sessions": session_table([])}

    def summary(self) -> dict[str, float]:
        return session_summary(session_table(self.rows))


#: This module's model (``simulation.operations.MODULES``).
OPERATION = LiveOperation
