"""The customer-service team for the per-agent reference (rules: ``simulation.operations.service``).

The queue is simulated as a queue here: contacts wait in a deque and the agents take up
to C = agents x capacity of them from its front at the end of each day; a contact's wait
is announced on arrival as (people already waiting) // C.
"""
from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

from .reference_base import ReferenceOperation


#: What the team counts over a run (both implementations).
COUNTS = ("complaints", "inquiries", "chats", "balked", "resolved", "contacts", "waited", "wait_days", "judged",
          "satisfied", "returns")


def _ratio(num: float, den: float) -> float:
    return num / den if den > 0 else math.nan


def readouts(n: dict, returns_value: float, still_open: int, quality: float) -> dict[str, float]:
    """The model's summary metrics from its counts ``n`` (keys ``COUNTS``), refunds, open contacts and final quality."""
    return {"service_complaints": float(n["complaints"]), "service_inquiries": float(n["inquiries"]),
            "service_chats": float(n["chats"]), "service_balked": float(n["balked"]),
            "service_wait": _ratio(n["wait_days"], n["waited"]),
            "service_resolution_rate": _ratio(n["resolved"], n["contacts"]),
            "service_satisfaction": _ratio(n["satisfied"], n["judged"]),
            "returns": float(n["returns"]), "returns_value": float(returns_value),
            "service_open": float(still_open), "service_quality": float(quality)}


@dataclass
class Contact:
    """One complaint or inquiry: who, which kind, its wait (days, -1 balked) and what becomes of it."""

    person: object
    complaint: bool
    day: int
    wait: int = 0
    resolved: bool = False
    returned: bool = False
    refund: float = 0.0


class ServiceReference(ReferenceOperation):
    """Complaints at booking, inquiries at the end of the day, a bot, a FIFO queue of agents, returns, learning."""

    def __init__(self, cfg, model):
        super().__init__(cfg, model)
        self.queue: deque[Contact] = deque()
        self.ending: list[Contact] = []  # contacts ending today without queueing (bot, balked, answered at once)
        self.boost: dict[int, float] = {}
        self.complaint_orders: list = []
        self.count = dict.fromkeys(COUNTS, 0)
        self.returns_value = 0.0
        self.contacts_today = 0
        self.returns_today = 0

    def _contact(self, day: int, contact: Contact) -> None:
        c, m = self.cfg, self.model
        self.count["contacts"] += 1
        self.contacts_today += 1
        if c.chatbot:
            self.count["chats"] += 1
            m.pay(day, "service_chatbot", c.cost_per_chat)
            if m.random.random() < c.chatbot_resolution:
                contact.resolved = True
                self._answered(contact)
                self.ending.append(contact)
                return
        capacity = c.agents * c.capacity
        wait = len(self.queue) // capacity if capacity > 0 else -1
        if wait < 0 or wait > c.max_wait:
            contact.wait = -1
            self.count["balked"] += 1
            self.ending.append(contact)
        else:
            contact.wait = wait
            contact.resolved = m.random.random() < c.resolution_rate
            self._answered(contact)
            self.queue.append(contact)
        if not contact.resolved and contact.complaint and m.random.random() < c.return_rate:
            contact.returned = True

    def _answered(self, contact: Contact) -> None:
        self.count["waited"] += 1
        self.count["wait_days"] += contact.wait
        self.count["resolved"] += contact.resolved

    def satisfaction(self, day: int, order, p: float) -> float:
        c, m = self.cfg, self.model
        if m.random.random() >= c.contact_rate:
            return p
        self.count["complaints"] += 1
        contact = Contact(order.buyer, True, day, refund=order.price)
        self._contact(day, contact)
        self.complaint_orders.append(order)
        s = math.exp(-contact.wait / c.patience) if contact.resolved else 0.0
        return min(1.0, max(0.0, p + (1.0 - m.scenario.funnel.quality_share) * (s - m.service)))

    def purchase_factor(self, person) -> float:
        return self.boost.get(person.index, 1.0)

    def after_day(self, day: int, interested_today: list) -> None:
        c, m = self.cfg, self.model
        self.count["judged"] += len(self.complaint_orders)
        self.count["satisfied"] += sum(o.buyer.satisfied for o in self.complaint_orders)
        self.complaint_orders = []
        if c.inquiry_rate > 0:
            for person in sorted(interested_today, key=lambda q: q.index):
                if not person.bought and person.group is None and m.random.random() < c.inquiry_rate:
                    self.count["inquiries"] += 1
                    self._contact(day, Contact(person, False, day))
        m.pay(day, "service_agents", c.agents * c.cost_per_agent_day)
        ending, self.ending = self.ending, []
        for _ in range(min(c.agents * c.capacity, len(self.queue))):
            ending.append(self.queue.popleft())
        returned = [x for x in ending if x.returned]
        if returned:
            value = sum(x.refund for x in returned)
            m.refund(day, [x.person for x in returned], [x.refund for x in returned],
                     [m.scenario.product.unit_cost if c.recover_goods else 0.0] * len(returned))
            self.returns_value += value
            self.count["returns"] += len(returned)
        self.returns_today = len(returned)
        learned = sum(x.resolved and x.complaint for x in ending)
        if c.learning_rate > 0 and learned:
            m.set_quality(min(1.0, m.quality + c.learning_rate * learned), m.service)
        for x in ending:
            if x.resolved and not x.complaint:
                self.boost[x.person.index] = c.inquiry_boost

    def record_day(self, day: int, daily: dict) -> None:
        daily["service_queue"][day] = len(self.queue)
        daily["service_contacts"][day] = self.contacts_today
        daily["returns"][day] = self.returns_today
        self.contacts_today = self.returns_today = 0

    def summary(self) -> dict[str, float]:
        return readouts(self.count, self.returns_value, len(self.queue), self.model.quality)
