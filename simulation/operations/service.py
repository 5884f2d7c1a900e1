"""Customer service with capacity: complaints and inquiries, a FIFO queue, a chatbot, returns, learning.

Who contacts service. Each purchase (first or repeat, seeds' included) brings a
*complaint* iff ``uniform(key, SERVICE, i, 4 j) < contact_rate`` (j = the buyer's
purchase count before it). Each person made interested by today's exposures who has not
bought and is not pending sends a pre-sales *inquiry* iff ``uniform(key, INQUIRY, i, 4 t)
< inquiry_rate``. Complaints arrive at booking (phase 3), in purchase order; inquiries at
the end of the day (phase 5), in id order, behind the day's complaints.

Who answers. With ``chatbot`` on every contact first talks to the bot: instantly (wait
0), at ``cost_per_chat`` each, resolved iff ``uniform(key, stream, i, 4 c + 1) <
chatbot_resolution`` (c = j for a complaint, t for an inquiry); the others join the
agents' queue. The team — ``agents`` agents each answering ``capacity`` contacts a day,
C = agents x capacity — works the queue first come, first served at the end of each day.
C is fixed, so a contact's wait is known the moment it joins: with q contacts still
waiting ahead of it (today's earlier ones included) it is answered on day t + floor(q /
C), a wait of floor(q / C) days (0: today). A contact told a wait above ``max_wait`` days
(any wait when C = 0) gives up at once (*balks*: unresolved, never queues). An agent
resolves a contact iff ``uniform(key, stream, i, 4 c + 2) < resolution_rate``.

Satisfaction (phase 3, hook ``satisfaction``). A complaint's service experience is ``s =
exp(-wait / patience)`` if resolved, else 0; its purchase's satisfaction probability has s
in place of the product's service: ``p + (1 - quality_share) * (s - service)`` (the
engine's ``p = quality_share * quality + (1 - quality_share) * service``). Purchases
without a complaint keep p, so ``contact_rate = 0`` and ``inquiry_rate = 0`` give today's
run draw for draw. Through satisfaction, service acts on word of mouth (dissatisfied
buyers do not share and spread negative word of mouth) and on repeat purchase (only the
satisfied repeat) — the engine's rules.

Returns. An unresolved complaint (not resolved, or balked) becomes a return iff
``uniform(key, SERVICE, i, 4 j + 3) < return_rate``, booked on the day the contact ends
(answered or balked; a return falling after the horizon is not booked — ``service_open``
counts contacts still waiting then): the price paid is refunded (ledger line ``refunds``,
which reduces that day's revenue) and, with ``recover_goods``, the unit cost comes back
to stock (``cogs_recovered``, which reduces that day's cogs); otherwise the goods are
written off. Commissions and rewards paid on the sale stay paid; the buyer stays a buyer.

Inquiries. A resolved inquiry multiplies the inquirer's purchase probability by
``inquiry_boost`` from the day after it is answered (``purchase_factor``).

Learning (iterate from feedback). Each complaint resolved on day d raises the product's
quality for everything after it — evaluation and satisfaction from day d + 1 on:
``quality = min(1, quality + learning_rate * resolved_d)`` (``Engine.set_quality`` at the
end of day d; ``service`` unchanged).

Costs (spend line ``service_spend``): ``agents * cost_per_agent_day`` on each day of the
run, day 0 included; ``cost_per_chat`` per bot conversation.

Readouts: summary ``service_complaints``, ``service_inquiries``, ``service_chats``,
``service_balked``, ``service_wait`` (mean wait of the contacts that queued or chatted,
days), ``service_resolution_rate`` (resolved / contacts), ``service_satisfaction`` (share
of complaint purchases that satisfied), ``returns`` and ``returns_value`` (booked;
currency), ``service_open`` (waiting at the horizon), ``service_quality`` (quality at the
end); daily ``service_queue`` (waiting at the end of the day), ``service_contacts``,
``returns``; record table ``service``, one row per contact: ``day`` it arrived, ``person``,
``kind`` (0 complaint, 1 inquiry), ``outcome`` (0 resolved by the bot, 1 resolved by an
agent, 2 unresolved, 3 balked), ``wait`` (days, -1 balked), ``end_day``, ``returned``,
``refund`` (currency).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit
from pydantic import Field

from ..config.base import Money, Probability, Strict
from ..kernels.random import INQUIRY, SERVICE, uniform
from .base import Operation, Purchases
from .service_reference import COUNTS, ServiceReference, readouts

SLOT_CONTACT, SLOT_BOT, SLOT_AGENT, SLOT_RETURN = 0, 1, 2, 3
COMPLAINT, INQUIRY_KIND = 0, 1
#: outcomes of a contact (records' ``outcome``)
BOT_RESOLVED, AGENT_RESOLVED, UNRESOLVED, BALKED = 0, 1, 2, 3


class ServiceConfig(Strict):
    """Parameters of the customer-service team (rates are probabilities, waits in days)."""

    enabled: bool = False
    contact_rate: Probability = 0.2  # share of purchases that bring a complaint
    inquiry_rate: Probability = 0.0  # share of the newly interested who send a pre-sales inquiry
    agents: int = Field(2, ge=0)
    capacity: int = Field(20, ge=0)  # contacts one agent answers a day
    resolution_rate: Probability = 0.9  # an agent resolves a contact
    patience: float = Field(2.0, gt=0.0)  # days: a resolved contact's service experience is exp(-wait / patience)
    max_wait: int = Field(7, ge=0)  # days: a contact told a longer wait gives up at once
    chatbot: bool = False
    chatbot_resolution: Probability = 0.4  # the bot resolves a contact (instantly)
    cost_per_agent_day: Money = 150.0
    cost_per_chat: Money = 0.2
    return_rate: Probability = 0.5  # an unresolved complaint becomes a return
    recover_goods: bool = False  # a returned item goes back to stock (its unit cost is recovered)
    inquiry_boost: float = Field(1.5, ge=0.0)  # purchase factor of a person whose inquiry was resolved
    learning_rate: Probability = 0.0  # quality gained per resolved complaint (capped at 1)


@njit(cache=True)
def contact_draws(people, counters, slot, key, stream):
    """``uniform(key, stream, people[j], 4 counters[j] + slot)`` per contact j."""
    out = np.empty(people.shape[0])
    for j in range(people.shape[0]):
        out[j] = uniform(key, stream, people[j], 4 * counters[j] + slot)
    return out


@njit(cache=True)
def fifo_waits(day, k, capacity, max_wait, tail):
    """Waits (days) of ``k`` contacts joining a FIFO queue on ``day``; -1 for a contact who balks.

    capacity : contacts answered a day; max_wait : longest wait accepted (days); tail :
    int64 [day the last queued contact is answered, contacts answered on that day], updated.
    """
    out = np.empty(k, np.int64)
    for j in range(k):
        if capacity <= 0:
            out[j] = -1
            continue
        if tail[0] < day:  # the queue has emptied: today's capacity is free
            tail[0] = day
            tail[1] = 0
        wait = tail[0] - day
        if wait > max_wait:
            out[j] = -1
            continue
        out[j] = wait
        tail[1] += 1
        if tail[1] == capacity:
            tail[0] += 1
            tail[1] = 0
    return out


RECORD_DTYPES = {"day": np.int64, "person": np.int64, "kind": np.int8, "outcome": np.int8, "wait": np.int64,
                 "end_day": np.int64, "returned": np.bool_, "refund": np.float64}


class ServiceOperation(Operation):
    """Runtime of the customer-service team for one run (rules: the module docstring)."""

    name = "service"
    label = "customer service"
    config = ServiceConfig
    reference = ServiceReference
    payments = {"service_agents": "service_spend", "service_chatbot": "service_spend"}
    metrics = {"service_complaints": 0.0, "service_inquiries": 0.0, "service_chats": 0.0, "service_balked": 0.0,
               "service_wait": math.nan, "service_resolution_rate": math.nan, "service_satisfaction": math.nan,
               "returns": 0.0, "returns_value": 0.0, "service_open": 0.0, "service_quality": math.nan}
    series = ("service_queue", "service_contacts", "returns")
    all_on = {"enabled": True, "chatbot": True}

    def __init__(self, cfg: ServiceConfig, engine):
        super().__init__(cfg, engine)
        self.tail = np.array([-1, 0], np.int64)
        self.factor = np.ones(engine.n)  # replaced by the engine's evaluation row
        self._rows: list[dict] = []
        self._pending = {k: np.empty(0, t) for k, t in RECORD_DTYPES.items()}
        self._arrived: list[dict] = []  # today's contacts, joined to ``_pending`` (in order) at the end of the day
        self._complainers = np.empty(0, np.int64)
        self.n = dict.fromkeys(COUNTS, 0)
        self.returns_value = 0.0
        self.today = {"contacts": 0, "returns": 0}

    def purchase_factor(self, row: np.ndarray) -> None:
        self.factor = row

    def _contact(self, day: int, people: np.ndarray, counters: np.ndarray, stream: int, kind: int,
                 paid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Route contacts (bot, then the agents' queue); return their waits (-1: balked) and whether resolved."""
        c, e = self.cfg, self.engine
        k = len(people)
        if k == 0:
            return np.zeros(0, np.int64), np.zeros(0, bool)
        wait = np.zeros(k, np.int64)
        outcome = np.full(k, UNRESOLVED, np.int8)
        queued = np.ones(k, bool)
        if c.chatbot:
            self.n["chats"] += k
            if c.cost_per_chat > 0:
                e.pay(day, "service_chatbot", -1, c.cost_per_chat * k)
            bot = contact_draws(people, counters, SLOT_BOT, e.key, stream) < c.chatbot_resolution
            outcome[bot] = BOT_RESOLVED
            queued = ~bot
        q = np.flatnonzero(queued)
        w = fifo_waits(day, len(q), c.agents * c.capacity, c.max_wait, self.tail)
        wait[q] = w
        outcome[q[w < 0]] = BALKED
        served = q[w >= 0]
        ok = contact_draws(people[served], counters[served], SLOT_AGENT, e.key, stream) < c.resolution_rate
        outcome[served[ok]] = AGENT_RESOLVED
        resolved = outcome <= AGENT_RESOLVED
        returned = np.zeros(k, bool)
        if kind == COMPLAINT and c.return_rate > 0:
            un = np.flatnonzero(~resolved)
            returned[un] = contact_draws(people[un], counters[un], SLOT_RETURN, e.key, stream) < c.return_rate
        rows = {"day": np.full(k, day, np.int64), "person": people.astype(np.int64), "kind": np.full(k, kind, np.int8),
                "outcome": outcome, "wait": wait, "end_day": day + np.maximum(wait, 0), "returned": returned,
                "refund": np.where(returned, paid, 0.0)}
        self._rows.append(rows)
        self._arrived.append(rows)
        answered = wait >= 0
        self.n["contacts"] += k
        self.n["resolved"] += int(resolved.sum())
        self.n["balked"] += int((outcome == BALKED).sum())
        self.n["waited"] += int(answered.sum())
        self.n["wait_days"] += int(wait[answered].sum())
        self.today["contacts"] += k
        return wait, resolved

    def satisfaction(self, day: int, purchases: Purchases, p: np.ndarray) -> np.ndarray:
        c, e = self.cfg, self.engine
        buyers = purchases["buyer"]
        if c.contact_rate <= 0 or not len(buyers):
            return p
        j = e.purchase_count[buyers]
        hit = np.flatnonzero(contact_draws(buyers, j, SLOT_CONTACT, e.key, SERVICE) < c.contact_rate)
        if not len(hit):
            return p
        self.n["complaints"] += len(hit)
        wait, resolved = self._contact(day, buyers[hit], j[hit], SERVICE, COMPLAINT, purchases["price"][hit])
        s = np.where(resolved, np.exp(-np.maximum(wait, 0) / c.patience), 0.0)
        p = p.copy()
        p[hit] = np.clip(p[hit] + (1.0 - e.scenario.funnel.quality_share) * (s - e.service), 0.0, 1.0)
        self._complainers = buyers[hit]
        return p

    def after_day(self, day: int, interested_today: np.ndarray) -> None:
        c, e = self.cfg, self.engine
        self.n["judged"] += len(self._complainers)
        self.n["satisfied"] += int(e.satisfied[self._complainers].sum())
        self._complainers = np.empty(0, np.int64)
        if c.inquiry_rate > 0 and len(interested_today):
            cand = np.sort(interested_today[~e.bought[interested_today] & (e.pending[interested_today] < 0)])
            days = np.full(len(cand), day, np.int64)
            hit = contact_draws(cand, days, SLOT_CONTACT, e.key, INQUIRY) < c.inquiry_rate
            self.n["inquiries"] += int(hit.sum())
            self._contact(day, cand[hit], days[hit], INQUIRY, INQUIRY_KIND, np.zeros(int(hit.sum())))
        if c.agents > 0 and c.cost_per_agent_day > 0:
            e.pay(day, "service_agents", -1, c.agents * c.cost_per_agent_day)
        # the contacts that end today: returns, learning, inquiry boosts
        if self._arrived:  # the contacts still open, then today's in arrival order (one concatenation a day)
            parts = [self._pending, *self._arrived]
            self._pending = {key: np.concatenate([q[key] for q in parts]) for key in RECORD_DTYPES}
            self._arrived = []
        pend = self._pending
        due = pend["end_day"] == day
        if not due.any():  # no contact ends today: no return, no learning, no boost, the same contacts pending
            self.today["returns"] = 0
            return
        ret = due & pend["returned"]
        count = int(ret.sum())
        if count:
            value = float(pend["refund"][ret].sum())
            back = np.full(count, e.scenario.product.unit_cost if c.recover_goods else 0.0)
            e.refund(day, pend["person"][ret], pend["refund"][ret], back)
            self.returns_value += value
            self.n["returns"] += count
        self.today["returns"] = count
        resolved = due & (pend["outcome"] <= AGENT_RESOLVED)
        learned = int((resolved & (pend["kind"] == COMPLAINT)).sum())
        if c.learning_rate > 0 and learned:
            e.set_quality(min(1.0, e.quality + c.learning_rate * learned), e.service)
        self.factor[pend["person"][resolved & (pend["kind"] == INQUIRY_KIND)]] = c.inquiry_boost
        self._pending = {k: v[~due] for k, v in pend.items()}

    def record_day(self, day: int, daily: dict[str, np.ndarray]) -> None:
        daily["service_queue"][day] = len(self._pending["day"])
        daily["service_contacts"][day] = self.today["contacts"]
        daily["returns"][day] = self.today["returns"]
        self.today = {"contacts": 0, "returns": 0}

    def summary(self) -> dict[str, float]:
        return readouts(self.n, self.returns_value, len(self._pending["day"]), self.engine.quality)

    def records(self) -> dict[str, dict[str, np.ndarray]]:
        if not self._rows:
            return self.empty_records()
        return {"service": {k: np.concatenate([r[k] for r in self._rows]).astype(t) for k, t in RECORD_DTYPES.items()}}

    @classmethod
    def empty_records(cls) -> dict[str, dict[str, np.ndarray]]:
        return {"service": {k: np.empty(0, t) for k, t in RECORD_DTYPES.items()}}


#: This module's model (``simulation.operations.MODULES``).
OPERATION = ServiceOperation
