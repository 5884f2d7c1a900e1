"""Live-stream selling for the per-agent reference (rules: ``simulation.operations.live``)."""
from __future__ import annotations

from .reference_base import Exposure, ReferenceOperation


class LiveReference(ReferenceOperation):
    """The host's followers attend, arrive in waves and buy at the session price, pulled by the count sold so far."""

    def __init__(self, cfg, model):
        from . import live as rules  # the engine module's definitions (it imports this class)

        super().__init__(cfg, model)
        rules.check_host(cfg.kol, len(model.influencers))
        self.rules = rules
        self.channel = model.channel("live")
        self.session_of = [-1] * model.n
        self.rows: list[dict] = []
        self.today = (0, 0)

    def exposures(self, day: int) -> None:
        c, m = self.cfg, self.model
        self.today = (0, 0)
        if not self.rules.session_on(c, day):
            return
        host = m.influencers[c.kol]
        row = {"day": day, "kol": c.kol, "attendees": 0, "viewers": 0, "buyers": 0, "revenue": 0.0,
               "fee": c.fee_per_session, "commission": 0.0}
        self.rows.append(row)
        if c.fee_per_session > 0:
            m.pay(day, "live_fee", c.fee_per_session)
        waves = [[] for _ in range(c.waves)]
        for person in host.followers:
            if m.random.random() < c.attendance:
                waves[m.random.randrange(c.waves)].append(person)
                row["attendees"] += 1
        t, fit_interest = host.terms, m.scenario.kol.fit_interest
        price = m.price_today * (1.0 - c.discount)
        for wave in waves:
            factor = self.rules.proof_factor(row["buyers"], c.proof_weight)
            for person in wave:
                # a viewer is an attendee whose exposure is evaluated (the engine counts the same people)
                if person.bought or person.group is not None or person.offer_day == day or not person.is_online(day):
                    continue
                row["viewers"] += 1
                fit = t["fit"] if person.interest >= fit_interest else 1.0
                strength = min(1.0, t["credibility"] * fit) * c.persuasion * factor
                person.expose(Exposure(self.channel, strength, price, referrer=c.kol, platform=m.kol_platform), day)
                if person.offer_day == day:
                    row["buyers"] += 1
                    self.session_of[person.index] = len(self.rows) - 1
        self.today = (row["viewers"], row["buyers"])

    def on_purchase(self, day: int, order) -> None:
        if order.channel != self.channel or order.referrer < 0:
            return
        row = self.rows[self.session_of[order.buyer.index]]
        fee = self.cfg.commission_rate * order.price
        row["revenue"] += order.price
        row["commission"] += fee
        if fee > 0:
            self.model.pay(day, "live_commission", fee)

    def record_day(self, day: int, daily: dict) -> None:
        daily["live_viewers"][day], daily["live_buyers"][day] = self.today

    def records(self) -> dict:
        return {"live_sessions": self.rules.session_table(self.rows)}

    def summary(self) -> dict[str, float]:
        return self.rules.session_summary(self.rules.session_table(self.rows))
