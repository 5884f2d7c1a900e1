"""A market: our products and a rival brand's, each one ``Engine``, stepped in lockstep on one world.

``simulation.market.run`` holds the day loop and its order (the specification),
``coupling`` the objects that couple the engines (purchase factors, cross-sell, bundles),
``share`` the market readouts (shares of buyers, purchases and voice; per-product and
total ledgers), ``seeds`` how each product's random numbers are derived.
"""
from __future__ import annotations

from .run import Market, is_market, simulate_market

__all__ = ["Market", "is_market", "simulate_market"]
