"""The operation models' paid levers on a named platform (``simulation.platforms``): campaign,
flash sale, coupon, content and cross-over reach only that platform's members."""
from __future__ import annotations

import math

import numpy as np
import pytest

from simulation.config.scenario import apply_overrides, default_scenario_dict, load_scenario
from simulation.engine import Engine, simulate
from simulation.kernels.funnel import skip_sample
from simulation.kernels.random import EVENT
from simulation.ledger import PAYMENT_KINDS
from simulation.operations import CHANNELS

N, DAYS = 2000, 30
NAMES = ("chat", "video")


def _levers(**over) -> dict:
    """Two platforms (chat: everybody; video: its own graph, 40 % members); no feeds, ads or KOLs;
    the event campaign and coupons (no flash sale, group-buy or bargain), content and cross-over
    switched on (``over``: more overrides)."""
    base = {"graph.n": N, "days": DAYS, "kol.count": 0, "funnel.platform_rate": 0.0,
            "operations.event.enabled": True, "operations.event.flash_sale.enabled": False,
            "operations.event.groupbuy.enabled": False, "operations.event.bargain.enabled": False,
            "operations.event.campaign.enabled": True, "operations.event.campaign.reach": 0.03,
            "operations.event.campaign.start_day": 1, "operations.event.campaign.end_day": DAYS,
            "operations.event.coupon.enabled": True, "operations.event.coupon.reach": 0.01,
            "operations.event.coupon.start_day": 1, "operations.event.coupon.end_day": DAYS,
            "operations.content.enabled": True, "operations.content.recommend_rate": 0.01,
            "operations.crossover.enabled": True, "operations.crossover.partner_reach": 0.2,
            "operations.crossover.partner_audience": "random"}
    raw = apply_overrides(default_scenario_dict(), dict(base, **over))
    raw["platforms"] = [{"name": "chat"},
                        {"name": "video", "members": 0.4,
                         "graph": {"generator": "barabasi_albert", "n": N, "m": 3}}]
    return raw


ON_VIDEO = {"operations.event.campaign.platform": "video", "operations.event.coupon.platform": "video",
            "operations.content.platform": "video", "operations.crossover.platform": "video",
            "operations.event.flash_sale.platform": "video"}
#: a flash sale on days 5 and 10 (its ads on the platform ``ON_VIDEO`` names)
FLASH = {"operations.event.flash_sale.enabled": True, "operations.event.flash_sale.days": [5, 10],
         "operations.event.flash_sale.reach": 0.1}


def test_a_campaign_on_video_is_todays_draws_kept_to_video_members_exactly():
    """Day by day the campaign batch on "video" is exactly today's picks (stream EVENT, b = 4t) among
    video's members, and carries platform 1; on the default (first) platform it is today's picks."""
    eng = Engine(load_scenario(_levers(**{"operations.event.campaign.platform": "video",
                                          "operations.event.coupon.enabled": False})), 3)
    first = Engine(load_scenario(_levers(**{"operations.event.coupon.enabled": False})), 3)
    member = eng.layers[1].member
    assert member is not None and 0.3 < member.mean() < 0.5
    seen = 0
    for day in range(1, 6):
        picks = skip_sample(eng.key, EVENT, 4 * day, N, 0.03)
        eng.price_today = first.price_today = 100.0
        (video,) = [b for b in eng.op("event").exposures(day) if b.b[0] == 16 * day + 3] or [None]
        (plain,) = [b for b in first.op("event").exposures(day) if b.b[0] == 16 * day + 3]
        np.testing.assert_array_equal(plain.targets, picks)
        np.testing.assert_array_equal(video.targets, picks[member[picks]])
        assert video.platform == 1 and plain.platform == 0
        seen += len(video.targets)
    assert seen > 20


def test_levers_on_video_expose_and_sell_only_there_and_attribution_sums():
    res = Engine(load_scenario(_levers(**ON_VIDEO, **FLASH)), 4)
    res.run()
    member = res.layers[1].member
    # nobody outside video was exposed on video; nothing but seeds' friends' shares happen on chat ...
    assert not (res.exposed_on[1] & ~member).any()
    coupon = res.op("event").coupon
    assert not (coupon > 0)[~member].any()  # coupons held only by video members
    out = simulate(load_scenario(_levers(**ON_VIDEO, **FLASH)), 4)
    s, p = out.summary, out.records["purchases"]
    for ch in ("event", "partner"):
        assert s[f"attr_{ch}"] > 0
        assert s[f"platform_attr_{ch}__video"] == s[f"attr_{ch}"]  # every lever sale came through video
        assert s[f"platform_attr_{ch}__chat"] == 0
    # content recommendations are channel "platform": on video only
    assert s["platform_attr_platform__chat"] == 0 and s["platform_attr_platform__video"] == s["attr_platform"] > 0
    # every video purchase's buyer is a video member unless a friend share on chat or a repeat carried it
    assert member[p["buyer"][(p["platform"] == 1) & (p["channel"] != CHANNELS.index("friend"))]].all()
    for j, q in enumerate(NAMES):
        assert sum(s[f"platform_attr_{c}__{q}"] for c in CHANNELS) == s[f"platform_purchases__{q}"] \
            == np.count_nonzero(p["platform"] == j)
    for c in CHANNELS:
        assert sum(s[f"platform_attr_{c}__{q}"] for q in NAMES) == s[f"attr_{c}"]
    assert s["profit"] == pytest.approx(s["revenue"] - s["cogs"] - s["spend"], rel=1e-12)


def test_targeting_fees_are_paid_only_for_the_platforms_members():
    """Paired draws: the campaign's picks are the same on both platforms, so the per-ad fee on
    video is the fee on chat times the member share of the picks (binomial, standard error
    sqrt(f (1 - f) / picks)), and never more."""
    fee = {"operations.event.campaign.target.cost_per_exposure": 0.2, "operations.event.coupon.enabled": False,
           "operations.content.enabled": False, "operations.crossover.enabled": False}
    kind = list(PAYMENT_KINDS).index("event_targeting")
    ratios, f_members, picks = [], [], 0
    for seed in range(3):
        chat = simulate(load_scenario(_levers(**fee)), seed)
        video = simulate(load_scenario(_levers(**fee, **{"operations.event.campaign.platform": "video"})), seed)
        spend = [r.records["payments"]["amount"][r.records["payments"]["kind"] == kind].sum() for r in (chat, video)]
        assert 0 < spend[1] < spend[0]
        ratios.append(spend[1] / spend[0])
        picks += round(spend[0] / 0.2)
        eng = Engine(load_scenario(_levers(**fee, **{"operations.event.campaign.platform": "video"})), seed)
        f_members.append(eng.layers[1].member.mean())
    f = float(np.mean(f_members))
    se = math.sqrt(f * (1 - f) / picks)
    assert abs(float(np.mean(ratios)) - f) < 4 * se, (ratios, f, se)


def test_the_reference_sends_the_levers_through_their_platform():
    from simulation.reference import simulate_reference

    raw = _levers(**ON_VIDEO, **{"graph.n": 300, "days": 15, "operations.event.campaign.reach": 0.1,
                                 "operations.crossover.partner_reach": 0.5, "operations.content.recommend_rate": 0.05})
    raw["platforms"][1]["graph"]["n"] = 300
    s = simulate_reference(load_scenario(raw), 2).summary
    assert s["attr_event"] + s["attr_partner"] + s["attr_platform"] > 0
    for ch in ("event", "partner", "platform"):
        assert s[f"platform_attr_{ch}__chat"] == 0 and s[f"platform_attr_{ch}__video"] == s[f"attr_{ch}"]
