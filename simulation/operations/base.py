"""The operation-model contract: what a module declares and which hooks of the day it may implement.

Read this to write the next model. An operation model is ONE module
``simulation/operations/<name>.py`` ending in ``OPERATION = <its Operation subclass>``
(its plain per-agent counterpart for ``simulation.reference`` in the same module or
beside it as ``<name>_reference.py``) plus ONE line, its name, in
``simulation.operations.MODULES`` (which builds ``REGISTRY``), plus its tests and a
scenario in ``tests/test_reference.py``. Everything else is built from the registry:
the scenario's ``[operations.<name>]`` table, the ledger's payment kinds, the summary
metrics and daily series, the attribution channels, the app's switches and the
report's sections (``simulation.operations.switches`` / ``declared``), the list the
"all on" scenario uses, the counterfactual (which switches every model off) and the
reference's day loop.

What an ``Operation`` subclass declares (class attributes)
---------------------------------------------------------
``name``          the key under ``[operations]`` (``operations.<name>.*``).
``label``         a short human label (app switch, report section title).
``config``        its pydantic block: a ``config.base.Strict`` subclass with
                  ``enabled: bool = False`` first (the schema's strict types and
                  field-path errors come with it).
``payments``      {payment kind: ledger line}: every cash payment it makes
                  (``engine.pay(day, kind, payees, amounts)``) books to one spend line
                  of ``simulation.ledger`` (``SPEND_LINES``; a new line name is
                  appended as a new spend series). Price reductions are never
                  payments: they are ``discount_cost``, booked per purchase.
``channels``      attribution channels it adds (``attr_<channel>`` series and summary);
                  it reads its id with ``engine.channel(name)``.
``metrics``       {summary key: value when the model is off}; filled by ``summary``.
``series``        daily series it adds (per day, 0 when off); filled by ``record_day``.
``all_on``        overrides (paths relative to its block) that switch it fully on in
                  the tests' and benchmarks' "all on" scenario
                  (``simulation.operations.all_on``); ``{}`` keeps it out of it.
``reference``     its per-agent counterpart class (see below), or None.

Hooks, in the day's order (``simulation.engine`` is the specification of the day)
------------------------------------------------------------------------------------
The engine detects once, at set-up, which hooks a class overrides; a hook nobody
overrides costs nothing (no call, no array, no per-batch work). Called only for
enabled models, in registry order. ``price_cut``, ``redeem``, ``on_purchases`` and
``satisfaction`` are called only on a day with at least one purchase (after ``route``):
on a day without, they would see empty tables, so a model must not rely on them to
mark the day (use ``route``, ``after_day`` or ``record_day``, called every day).

Set-up
    ``__init__(cfg, engine)``           build state (per-person arrays of length n).
    ``friend_discount() -> float``      currency off friend-share exposures (evaluation).
    ``share_multiplier() -> float``     multiplier of every share propensity.
    ``price_reduction(row)``            receive your row (float64, n, zeros) of the
                                        per-person price reduction seen at evaluation
                                        (currency); keep it current in place.
    ``purchase_factor(row)``            receive your row (float64, n, ones) of the
                                        per-person purchase-probability factor; keep
                                        it current in place. Both rows may be handed
                                        again (a new array holding your values, when
                                        ``Engine.attach`` adds a row): re-point to it.
Phase 0   ``price_multiplier(day) -> float``  multiplier of the list price today.
Phase 1   ``exposures(day) -> list[Batch]``   exposure batches, evaluated in order; it may
                                        be a generator: each yielded batch is evaluated
                                        before the next is asked for (live-stream waves).
Phase 2   ``repeat_factor(people) -> array``  per-person factor of ``repeat_rate``
                                        (the repeat pool, before the repeat draw).
          ``repeat_factor_bound() -> float``  goes with ``repeat_factor``: an upper
                                        bound of every factor it may return this run
                                        (checked). The engine draws repeat candidates
                                        at ``repeat_rate`` x the bounds by geometric
                                        skipping and thins them to each person's rate,
                                        so a tight bound keeps a day O(repeaters); the
                                        default, infinity, is exact but scans the pool.
          ``route(day, purchases)``     take, change or add ALL of today's purchases —
                                        first and repeat purchases alike — before booking.
          ``price_cut(purchases)``      currency off each purchase (before redemptions).
          ``redeem(day, purchases, left) -> array``  currency redeemed from a balance
                                        the buyer holds (coupon, points), at most
                                        ``left`` (the price still to pay); in registry
                                        order; booked as ``discount_cost``.
          ``on_purchases(day, purchases)``  react to the booked purchases (``price`` is
                                        now the price paid): incentives, content, points.
Phase 3   ``satisfaction(day, purchases, p) -> array``  the satisfaction probability of
                                        each of today's purchases (``p``: float64, the
                                        probability so far, starting from the engine's
                                        ``p_satisfied``); called before the SATISFY draw.
Phase 4   ``share_factor(people) -> array``   per-person factor of the share propensity.
          ``after_sharing(day, sharers)``  the ids (sorted) whose share reaches friends
                                        tomorrow (each one share today).
Phase 5   ``after_day(day, interested_today)``  end-of-day bookkeeping.
          ``record_day(day, daily)``    write your declared ``series`` for ``day``.
Run end   ``summary() -> dict``         your declared ``metrics``.
          ``records() -> dict``         extra record tables (``{"groups": {...}}``), and the
                                        classmethod ``empty_records()``: the same tables
                                        with no rows, used while the model is off.

Platforms (``simulation.platforms``): a ``Batch`` carries the index of the platform its
exposures travel on (``platform``, default 0 = the first platform), so a model that knows
nothing of platforms sends everything through the first one; purchases and their
per-platform readouts follow the exposure that converted (the engine does it, the
``Purchases`` dict handed to the hooks has no platform column).
A paid lever of a model that names a platform (a config field ``platform``: a declared
platform's name, None = the first; checked by ``platforms.check_lever_platforms``) draws
its people as without platforms, keeps only that platform's members
(``engine.layers[platforms.layer_index(scenario, name)]``, ``Layer.keep`` / ``within``)
and sends its batches there; its reference counterpart keeps ``person.member_of[p]``.

What the engine offers a model: ``engine.n``, ``engine.key`` (draw with
``kernels.random.uniform`` on a stream of ``kernels.random``, counters that no other
model uses), ``engine.rng(name)`` (set-up Generators), ``engine.pay(day, kind, payees,
amounts)``, ``engine.refund(day, refunds, cogs_recovered)`` (returns: ``simulation.ledger``),
``engine.set_quality(quality, service)``, ``engine.channel(name)``, ``engine.price_today``, ``engine.scenario`` and
the per-person state arrays (``bought``, ``pending``, ``cand_day``, ``w``, ...): read
them; a model that writes one says so in its docstring (the event model keeps
``pending`` for group-buy members and marks inviters ``shared``; the community model
keeps ``pending`` for orders waiting for their pick-up day).

Objects outside the registry — a market's couplings (``simulation.market.coupling``) —
implement the same hooks and join an engine with ``engine.attach(obj)``, after the
enabled models (set-up hooks at once; ``friend_discount`` / ``share_multiplier`` are not read).

The reference counterpart
-------------------------
``reference`` is a class built as ``cls(cfg, model)`` (``model`` the
``simulation.reference.ReferenceModel``) whose hooks carry the same names with plain
per-person arguments, so the Mesa-agent day calls them in a loop:
``price_multiplier(day)``, ``friend_discount()``, ``share_multiplier()``,
``price_reduction(person)`` / ``purchase_factor(person)`` (at evaluation),
``exposures(day)`` (calls ``person.expose``), ``repeat_factor(person)``,
``route(day, orders) -> orders``, ``price_cut(order)``, ``redeem(order, left)``,
``on_purchase(day, order)``, ``satisfaction(day, order, p) -> float``,
``share_factor(person)``, ``after_sharing(day, sharers)``,
``after_day(day)``, ``record_day(day, daily)``, ``summary()``, ``records()``.
It draws from the model's generators (``model.random``, ``model.rng``), not from the
engine's counter-based stream: the two agree in distribution (``tests/test_reference.py``
covers a new model by adding a scenario).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ..kernels.funnel import TAG_PLAIN


def filled(k: int, value, dtype=np.float64) -> np.ndarray:
    """A new array of ``k`` copies of ``value`` (``np.full``, at a quarter of its call cost on the day's small arrays)."""
    out = np.empty(k, dtype)
    out.fill(value)
    return out


@dataclass
class Batch:
    """Exposures of one kind on one day, evaluated in one ``kernels.funnel.evaluate`` call.

    ``targets`` int32 people; ``strength`` float64 source strength (probability per
    exposure at neutral factors); ``price`` float64 list price seen (currency); the
    decision draw of exposure j is ``uniform(key, stream, a[j], b[j])``; ``ref`` int64
    is the sharer (friend shares) or group id (group invites) or -1; ``platform`` the index
    of the platform the exposures travel on (``simulation.platforms``; 0 = the first).
    The engine reads a batch's arrays only while it evaluates that batch (before it asks
    the model for its next one), and never writes them: a model may hand out views of
    buffers it reuses from day to day (``simulation.operations.per_run``).
    """

    channel: int
    stream: int
    targets: np.ndarray
    strength: np.ndarray
    price: np.ndarray
    a: np.ndarray
    b: np.ndarray
    ref: np.ndarray
    tag: int = TAG_PLAIN
    platform: int = 0

    @classmethod
    def per_person(cls, channel: int, stream: int, people: np.ndarray, strength: float, price: float,
                   b: int, ref: int = -1, tag: int = TAG_PLAIN, platform: int = 0) -> "Batch":
        """A batch in which person i's draw is ``uniform(key, stream, i, b)`` (on platform index ``platform``)."""
        k = len(people)
        # the fills written out (not ``filled``): four calls fewer on each of the day's several batches
        s = np.empty(k)
        s.fill(float(strength))
        c = np.empty(k)
        c.fill(float(price))
        bb = np.empty(k, np.int64)
        bb.fill(int(b))
        r = np.empty(k, np.int64)
        r.fill(int(ref))
        # the draw counters are the ids themselves (no copy when they are int64: evaluate only reads them)
        return cls(channel, stream, people.astype(np.int32), s, c, people.astype(np.int64, copy=False), bb, r, tag,
                   platform)


#: Purchases of a day travel between the engine and the operations as a dict of equal-length
#: arrays: buyer (int64), channel (int8), price (float64: the price after the day's price
#: rules and the purchase path; at booking it becomes the price paid, and ``discount`` =
#: list price - paid is added), ref (int64 sharer / group / KOL / -1), tag (int8).
Purchases = dict[str, np.ndarray]


def empty_purchases() -> Purchases:
    """An empty purchase table."""
    return {"buyer": np.empty(0, np.int64), "channel": np.empty(0, np.int8), "price": np.empty(0),
            "ref": np.empty(0, np.int64), "tag": np.empty(0, np.int8)}


def concat_purchases(*parts: Purchases) -> Purchases:
    """Concatenate purchase tables in order."""
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def select(p: Purchases, mask: np.ndarray) -> Purchases:
    """Rows of ``p`` where ``mask`` holds."""
    return {k: v[mask] for k, v in p.items()}


#: Hooks the engine calls only when a class overrides them (detected once at set-up).
HOOKS = ("friend_discount", "share_multiplier", "price_reduction", "purchase_factor", "price_multiplier",
         "exposures", "repeat_factor", "route", "price_cut", "redeem", "on_purchases", "satisfaction",
         "share_factor", "after_sharing", "after_day", "record_day")


def overrides(obj: Any, hook: str, base: type) -> bool:
    """Whether ``obj``'s class overrides ``base``'s method ``hook``."""
    return getattr(type(obj), hook) is not getattr(base, hook)


class Operation:
    """Base of the operation models: the declarations and hooks of the module docstring (all neutral)."""

    name: ClassVar[str] = "operation"
    label: ClassVar[str] = "operation"
    config: ClassVar[type] = None  # type: ignore[assignment]
    payments: ClassVar[dict[str, str]] = {}
    channels: ClassVar[tuple[str, ...]] = ()
    metrics: ClassVar[dict[str, float]] = {}
    series: ClassVar[tuple[str, ...]] = ()
    all_on: ClassVar[dict[str, object]] = {"enabled": True}
    reference: ClassVar[type | None] = None

    def __init__(self, cfg, engine):
        self.cfg = cfg
        self.engine = engine

    # -- set-up --------------------------------------------------------------------------
    def friend_discount(self) -> float:
        """Discount (currency) an invitee sees on a friend's share at evaluation."""
        return 0.0

    def share_multiplier(self) -> float:
        """Multiplier of every person's share propensity (incentives raise it)."""
        return 1.0

    def price_reduction(self, row: np.ndarray) -> None:
        """Keep ``row`` (float64, n) = per-person price reduction at evaluation (currency), in place
        (handed again like ``purchase_factor``'s row)."""

    def purchase_factor(self, row: np.ndarray) -> None:
        """Keep ``row`` (float64, n) = per-person factor of the purchase probability, in place.

        The engine may hand the row again later (a new array already holding your values, when
        a market attaches a coupling, ``Engine.attach``): then keep writing into the new one."""

    # -- the day -------------------------------------------------------------------------
    def price_multiplier(self, day: int) -> float:
        """Multiplier of the list price on ``day`` (e.g. 0.8 during a 20 % campaign discount)."""
        return 1.0

    def exposures(self, day: int) -> list[Batch]:
        """Exposure batches this operation adds on ``day``."""
        return []

    def repeat_factor(self, people: np.ndarray) -> np.ndarray:
        """Per-person factor of ``product.repeat_rate`` for ``people`` (the repeat pool)."""
        return np.ones(len(people))

    def repeat_factor_bound(self) -> float:
        """An upper bound of every ``repeat_factor`` this run may return (infinity: none known)."""
        return math.inf

    def route(self, day: int, purchases: Purchases) -> Purchases:
        """Take, change or add today's purchases (first and repeat) before they are booked."""
        return purchases

    def price_cut(self, purchases: Purchases) -> np.ndarray:
        """Currency taken off each purchase's price at booking (invitee discount); see ``simulation.ledger``."""
        return np.zeros(len(purchases["buyer"]))

    def redeem(self, day: int, purchases: Purchases, left: np.ndarray) -> np.ndarray:
        """Currency redeemed from a balance each buyer holds, at most ``left`` (the price still to pay)."""
        return np.zeros(len(left))

    def on_purchases(self, day: int, purchases: Purchases) -> None:
        """React to the purchases booked today (rewards, commissions, content)."""

    def satisfaction(self, day: int, purchases: Purchases, p: np.ndarray) -> np.ndarray:
        """Satisfaction probability of each of today's purchases, given ``p`` (the probability so far)."""
        return p

    def share_factor(self, people: np.ndarray) -> np.ndarray:
        """Per-person factor of the share propensity of ``people`` (today's potential sharers)."""
        return np.ones(len(people))

    def after_sharing(self, day: int, sharers: np.ndarray) -> None:
        """React to today's shares (``sharers``: sorted ids, one share each)."""

    def after_day(self, day: int, interested_today: np.ndarray) -> None:
        """End-of-day bookkeeping; ``interested_today`` are people newly interested, not buying."""

    def record_day(self, day: int, daily: dict[str, np.ndarray]) -> None:
        """Write the declared ``series`` for ``day``."""

    # -- run end -------------------------------------------------------------------------
    def summary(self) -> dict[str, float]:
        """The declared ``metrics`` of the run so far."""
        return dict(self.metrics)

    def records(self) -> dict[str, dict[str, np.ndarray]]:
        """Extra record tables of the run (name -> columns)."""
        return {}

    @classmethod
    def empty_records(cls) -> dict[str, dict[str, np.ndarray]]:
        """The record tables when the model is off (same columns, no rows)."""
        return {}
