"""The run's ledger: one convention for money (what is revenue, what is a discount, what is spend).

Convention (currency units of the scenario):

* ``revenue`` — what buyers paid. ``cogs`` = ``product.unit_cost`` x purchases.
* ``discount_cost`` — every price reduction, booked per purchase as list price
  (``product.price``, or a later version's price from its day) minus price paid: campaign discount, flash sale, group-buy price,
  bargain cuts, invitee discount, coupon, a free seed. ``revenue + discount_cost =
  product.price x purchases``. It is *not* spend: revenue is already net of discounts,
  so counting it again would subtract it twice from profit; it is reported beside
  spend as the revenue given up at list price.
* spend — cash paid for a lever, by series: ``incentive_spend`` (referral rewards,
  distribution commissions), ``kol_spend`` (KOL fees: flat per post, per thousand
  reached, commission per sale), ``content_spend`` (content production),
  ``partner_spend`` (partner fees), ``event_spend`` (set-up cost of each campaign,
  flash sale, coupon, group-buy and bargain programme, and the per-exposure fee of
  targeted campaign, flash-sale and coupon reach), then the lines operation models
  declare (``live_spend``: live-session fees and sales commissions; ``store_spend``: store
  operation per store and day, offline events, community posts, ``operations.store``;
  ``community_spend``: group leaders' commission and pick-up delivery,
  ``operations.community``). ``spend`` is their sum.
* returns (``simulation.operations.service``): a returned sale is reversed on the day
  the return is booked — its price paid is a ``refunds`` line that reduces that day's
  revenue, and, when the goods come back to stock, its unit cost is a ``cogs_recovered``
  line that reduces that day's cogs (written off otherwise). So ``revenue = paid -
  refunds`` and ``cogs = unit_cost x purchases - cogs_recovered``, per day and in total,
  ``revenue + refunds + discount_cost = product.price x purchases``; both lines are 0
  without returns.
* ``profit = revenue - cogs - spend``; ``roas = revenue / spend`` (NaN without
  spend); ``net_revenue_per_spend = (revenue - spend) / spend`` (the number earlier
  versions called ``roi``: it ignores the cost of goods and is not incremental, so it is
  not a return).

Discounts on one purchase apply in this order, and never take the price below 0:
price rules of the day (campaign, then flash sale: ``price_today``), the purchase path
(group-buy price or bargain cut replaces it), the price cuts (invitee discount,
currency), then the balances buyers hold, in registry order (coupon, points: currency,
each redeemed only up to what is left). ``paid = min(list, max(0, ...))``.

Payment kinds come from the engine (KOL fees) and from each operation model's declared
``payments`` (``simulation.operations.base``); each books to one spend line.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .operations import MARKET_PAYMENTS, REGISTRY

#: The ledger's spend lines, in the order ``spend`` sums them (an operation model may
#: book to one of these or declare a new line, appended after them).
SPEND_LINES = ("incentive_spend", "kol_spend", "content_spend", "partner_spend", "event_spend")

#: Payment kinds the engine itself makes (KOL fees: flat per post, per thousand reached, commission).
#: Platform ads (``simulation.platforms``) book to their own line, ``ads_spend``; a KOL audience's
#: targeting fee (``kol.target``) to ``kol_spend``.
ENGINE_PAYMENTS = {"kol_fee": "kol_spend", "kol_cpm": "kol_spend", "kol_commission": "kol_spend",
                   "kol_target": "kol_spend", "platform_ads": "ads_spend"}


def _payment_kinds() -> dict[str, str]:
    kinds = dict(ENGINE_PAYMENTS)
    for name, op in REGISTRY.items():
        for kind, line in op.payments.items():
            if kind in kinds:
                raise ValueError(f"operations.{name}: payment kind {kind!r} is already declared")
            kinds[kind] = line
    return kinds


#: Payment kinds (cash paid for a lever) and the spend series each one counts in; a
#: payment record's ``kind`` is the index of its name in this dict.
PAYMENT_KINDS = _payment_kinds()
#: a market's payments (``simulation.operations.MARKET_PAYMENTS``): last, so no kind id moves
PAYMENT_KINDS.update(MARKET_PAYMENTS)

#: The spend series; ``spend`` is their sum.
SPEND_SERIES = SPEND_LINES + tuple(dict.fromkeys(v for v in PAYMENT_KINDS.values() if v not in SPEND_LINES))

#: Reversals of earlier sales (returns): refunds reduce revenue, recovered goods reduce cogs.
RETURN_SERIES = ("refunds", "cogs_recovered")

#: Per-day money series of the daily table (``roas`` is derived).
MONEY_SERIES = ("revenue", "cogs", "discount_cost") + SPEND_SERIES + ("spend", "profit") + RETURN_SERIES


def price_paid(list_price: float, offer: np.ndarray, cut: np.ndarray | None,
               balances: Sequence[Callable[[np.ndarray], np.ndarray]] = ()) -> np.ndarray:
    """Return the price paid per purchase, applying discounts in the ledger's order.

    list_price : ``product.price`` (currency); offer : price after price rules and the
    purchase path (currency); cut : price cuts (invitee discount, currency; None: no cut, the
    same as zeros bit for bit, as x - 0.0 is x); balances : in order, functions of the price
    still to pay returning what each buyer redeems from a balance (coupon, points: currency,
    at most that price).
    """
    left = np.maximum(0.0, offer if cut is None else offer - cut)
    for redeem in balances:
        left = left - redeem(left)
    return np.minimum(list_price, left)


def book_returns(daily: dict[str, np.ndarray], day: int, refunds: float, cogs_recovered: float) -> None:
    """Book returns on ``day``: ``refunds`` (currency, the prices paid) and the unit costs of goods back in stock."""
    daily["refunds"][day] += refunds
    daily["cogs_recovered"][day] += cogs_recovered


def day_totals(daily: dict[str, np.ndarray], day: int, unit_cost: float, purchases: int, paid: np.ndarray,
               discount: np.ndarray, spend_rows: Sequence[np.ndarray] | None = None) -> None:
    """Book a day's sales into ``daily`` and close its ledger (spend series and returns must already hold the day's).

    spend_rows : ``daily``'s spend series in ``SPEND_SERIES`` order (looked up when None).
    """
    if spend_rows is None:
        spend_rows = [daily[k] for k in SPEND_SERIES]
    # in Python floats (the same IEEE doubles as numpy's scalars, without their call costs); subtracting a 0.0
    # return line leaves every value as it was without returns
    revenue = (float(np.add.reduce(paid)) if purchases else 0.0) - daily["refunds"].item(day)
    daily["revenue"][day] = revenue
    daily["discount_cost"][day] = float(np.add.reduce(discount)) if purchases else 0.0
    cogs = unit_cost * purchases - daily["cogs_recovered"].item(day)
    daily["cogs"][day] = cogs
    spend = 0  # summed in SPEND_SERIES order, from 0, as ``sum`` does
    for row in spend_rows:
        spend = spend + row.item(day)
    daily["spend"][day] = spend
    daily["profit"][day] = revenue - cogs - spend


def ratio(num: float, den: float) -> float:
    """num / den, NaN when den is 0 (a ratio over no spend is undefined)."""
    return num / den if den > 0 else float("nan")


def summarize(daily: dict[str, np.ndarray]) -> dict[str, float]:
    """Run totals of the money series (each the sum of its daily series) and the ratios."""
    s = {k: float(daily[k].sum()) for k in MONEY_SERIES}
    # totals are recomputed from totals so the identities hold exactly in floating point
    s["spend"] = sum(s[k] for k in SPEND_SERIES)
    s["profit"] = s["revenue"] - s["cogs"] - s["spend"]
    s["roas"] = ratio(s["revenue"], s["spend"])
    s["net_revenue_per_spend"] = ratio(s["revenue"] - s["spend"], s["spend"])
    return s
