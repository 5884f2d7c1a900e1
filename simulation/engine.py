"""The social-commerce engine: one run of a scenario, day by day (``simulate`` and ``Engine``).

This docstring is the specification of a day; ``simulation.reference`` re-implements
it with one Mesa agent per consumer.

Set-up (day 0)
--------------
From the run's ``SeedSequence`` ``ss``: the graph is built from ``substream(ss,
"graph")`` (unless given); consumers are drawn from ``generator(ss, "population")``
(``simulation.population``; with ``population.homophily.mixing > 0`` their segments
follow the graph's communities, drawn from ``generator(ss, "homophily")``:
``simulation.homophily``), then their demographic profiles from ``generator(ss,
"profile")`` (``simulation.profiles``; read out per value, no effect on behaviour);
tie strength per arc from ``generator(ss, "ties")``
(``simulation.ties``); KOLs and their audiences from ``generator(ss, "kol")``
(``simulation.kol``); the partner audience from ``generator(ss, "partner")``; every
other draw is ``uniform(key, STREAM, a, b)`` with ``key = kernel_key(ss)``.
Platforms (``simulation.platforms``): the population is the n people of the scenario
graph, which also carries social proof, negative word of mouth and the operation models'
friend mechanics. Without ``[[platforms]]`` there is one platform: the scenario graph with
its tie strengths, everyone a member, the funnel's ``platform_rate`` / ``platform_strength``
as its feed, no ads. With ``[[platforms]]`` each declared platform p = 0, 1, ... is a layer
(its graph restricted to its members, share rate and strength, feed, ads) built at set-up
from ``platform_seed(ss, p, ...)``; KOLs live on ``kol.platform`` (default p = 0).
A person has one state (bought, trust, coupons, pending, ...) across platforms.
Seeds: ``seeding.nodes`` (labels) or ``seeding.count`` distinct people drawn by Floyd's
algorithm from ``uniform(key, SEED_PICK, i, 0)`` (``kernels.cascade.pick_seeds``, the
same sample as ``classic.independent_cascade(seeds=count)``); with a restricting
``seeding.target`` (segments, minimum interest) the sample is of positions in the
eligible ids in increasing order (``targeting.pick_eligible``). Seeds buy on day 0 (channel
"seed", price ``product.price``, or 0 when ``seeding.free`` — then the whole list price
is ``discount_cost``) and then go through the satisfaction and sharing phases of day 0
exactly like buyers of any day.
Launch: a product with ``product.launch_day`` L > 1 is not on sale before day L. Days
0..L-1 do nothing (no seeds, exposures, KOL posts, operation-model hooks or payments;
every daily series is 0 there). The seeds (the same people) buy on day L, at that day's
list price (0 when free): they are not evaluated on day L (no exposure converts them
again) and their purchases are booked first among the day's, through phases 2-5 like
any purchase (not routed, as on day 0); their words reach friends on day L+1. L = 0 or 1
is the model above draw for draw (seeds on day 0, on sale from day 1).

Per-person factors (fixed for the run)
--------------------------------------
``static_i = exp(trust_weight * (trust_i - 0.5) + interest_weight * (interest_i - 0.5))`` (with
``product.appeal`` = a set, ``interest_i`` is replaced by ``1 - |interest_i - a|``: the product
appeals to a level of category interest),
``quality_factor = exp(quality_weight * (product.quality - 0.5))``,
``indeg_i`` = number of arcs into i.

Day t = 1..days (synchronous: every probability below uses the state at the end of
day t-1; today's purchases change social proof, negative word of mouth and shares
only from day t+1)
-------------------------------------------------------------------------------------
0. **Prices.** A version of ``product.versions`` with ``day = t`` first takes effect:
   its quality (``set_quality``, with the current service) and its price, which becomes
   the *list price* (``set_price``; ``product.price`` until then) used below and by the
   ledger. ``price_today = list price * prod(op.price_multiplier(t))``
   (campaign, then flash sale while stock lasts).
1. **Exposure and evaluation.** Exposure batches are evaluated in this order. The order
   decides which exposure converts a person who would convert on several, and with it
   everything that exposure carries: the credited channel, the price paid (a group-buy
   invitation, a bargain cut or a friend share with an invitee discount are cheaper than
   an ad), the path (group-buy, bargain) and who is paid for the referral:
   a. *friend shares*, platform by platform (p = 0, 1, ...): every sharer of day t-1
      (phase 4) with share index k (0 for their first share) who is a member of p and
      shares there (no draw at ``share.rate`` 1, else ``uniform(key, PLATFORM, i,
      layer_b(p, KIND_SHARE, t)) < share.rate``) exposes the head of each out-arc e of
      p's graph with strength ``w_e`` (tie strength x ``share.strength``, at most 1) and
      draw ``uniform(key, TRANSMIT, arc0_p + e, k)`` (arc0_p = arcs of the platforms
      before p, 0 for the first); sharers in increasing id order, arcs in CSR order;
   b. *KOL posts*: on posting days — floor(t * posts_per_week / 7) > floor((t - 1) *
      posts_per_week / 7) inside the KOL window, so the first post is on day
      ceil(7 / posts_per_week) (days 4, 7, 11, 14, ... at 2 a week) — follower slot s of
      KOL k is reached iff ``uniform(key, KOL_REACH, s, t) < engagement_k``; strength
      ``credibility_k`` (x ``fit_k`` when the follower's interest >= ``kol.fit_interest``);
      draw ``uniform(key, EVALUATE, s, 16 t + 1)``; the exposure carries k (``simulation.kol``)
      and the KOLs' platform; with a restricting ``kol.target`` only eligible followers
      among the reached are kept, and ``kol.target.cost_per_exposure`` is paid per kept
      follower (``kol_target``);
   c. *platform feeds*, platform by platform: each member of p with probability
      ``feed.rate`` (geometric skipping over all n people on stream PLATFORM, b =
      ``layer_b(p, KIND_FEED, 2t)``, non-members dropped; personalised: skipping at the largest
      per-person probability q_max, then kept iff ``uniform(key, PLATFORM, i, layer_b(p,
      KIND_THIN, 2t)) < q_i / q_max``); strength ``feed.strength``; draw ``uniform(key,
      EVALUATE, i, layer_b(p, KIND_FEED, 16 t + 8))``. Without ``[[platforms]]`` this is
      ``funnel.platform_rate`` with b = 2t and 16 t + 8;
   c'. *platform ads* (inside ``ads``' window), platform by platform: each eligible
      member with probability ``min(1, budget / (cost_per_exposure x eligible members))``
      (skipping on PLATFORM, b = ``layer_b(p, KIND_ADS, 2t)``); every impression is paid
      (``platform_ads``); channel "ads", strength ``ads.strength``, draw ``uniform(key,
      EVALUATE, i, layer_b(p, KIND_ADS, 16 t + 8))``;
   d. the enabled operation models' ``exposures``, in registry order
      (``simulation.operations.REGISTRY``; their module docstrings give their batches),
      on the platform each batch names (``Batch.platform``, default 0); a model's paid
      lever naming a platform (``operations.event.campaign.platform``, ...) keeps only
      that platform's members among the people it drew (``simulation.platforms``).
   Every exposure carries its platform: a person exposed, made interested or converted
   by it is marked so on that platform (per-platform readouts, ``simulation.metrics``).
   A model's batches are evaluated one at a time in the order it gives them, each
   before the model is asked for the next, so a model whose ``exposures`` is a
   generator sees the outcome of one batch (``cand_list``, ``cnt``) before it builds
   the next (the waves of a live session, ``simulation.operations.live``).
   For each exposure of person i with strength s and price c (the day's price, or the
   group / bargain price): nothing happens if i has bought before, is pending in a
   group-buy, has already converted today, or is offline today (``uniform(key, ONLINE,
   i, t) >= activity_i``; no draw when activity_i = 1). Otherwise i is *exposed* and

       P = min(1, s * static_i * quality_factor
                  * exp(social_proof_weight * bought_friends_i / indeg_i)
                  * exp(-price_sensitivity_i * max(0, c - off_i - d) / reference_price)
                  * (1 - negative_impact) ** negative_heard_i * f_i)

   where d is the sum of the models' ``friend_discount`` on friend shares (the
   relationship model's ``invitee_discount``; else 0), ``bought_friends_i`` the number of
   in-neighbours who have bought (0/0 := 0), ``off_i`` the sum of the models' per-person
   ``price_reduction`` rows (the value of a coupon i holds, the points i could redeem)
   and ``f_i`` the product of their ``purchase_factor`` rows (1 when no model has one).
   With u the exposure's draw: i converts
   iff u < P (the exposure's channel, price, ref and tag are kept), and is
   *interested* iff u < min(1, interest_ratio * P). Each factor is exactly 1 at its
   neutral setting — trust, interest, quality and social-proof weights 0, price 0 (or
   price sensitivity 0), no negative word of mouth heard — so P = s when every extra
   is off (this is how the model reduces to Independent Cascade draw for draw). The
   price factor is *not* neutral at the default price: price sensitivity 1 and price 99
   against reference price 100 give exp(-0.99) = 0.37.
2. **Purchase.** Today's converters, in the order they converted, then — if
   ``product.repeat_rate > 0`` — the repeat buyers in increasing id order. The *repeat
   pool* is every earlier buyer whose last purchase satisfied them, kept incrementally in
   the order of ``kernels.funnel.pool_update`` (a satisfying purchase appends the buyer if
   absent; a dissatisfying one removes them, the last member moving into the gap; buyers
   of a day in booking order). Member i buys again with probability ``p_i = min(1,
   repeat_rate * prod(op.repeat_factor(i)))``, decided by geometric skipping then
   thinning, so a day costs O(repeaters), not O(pool): with B the product of the models'
   declared ``repeat_factor_bound()`` (1 when none), candidates are the pool positions
   ``skip_sample(key, REPEAT_SKIP, t, pool size, q)`` with ``q = min(1, repeat_rate *
   B)`` (gap j drawn from ``uniform(key, REPEAT_SKIP, j, t)``), and — only when a model
   has a ``repeat_factor`` — candidate i is kept iff ``uniform(key, REPEAT, i, t) < p_i
   / q`` (p_i <= q since every factor is at most its bound, so each member repeats with
   exactly p_i, independently). A picked person pending in a group-buy does not repeat,
   and a picked person repeats only if online today (``uniform(key, ONLINE, i, t) <
   activity_i``, no draw when activity_i = 1); a repeat purchase is at price_today,
   credited to the channel of the first purchase — and, when that was a KOL post, to
   that KOL (its commission applies), otherwise with no referrer. All purchases pass
   through each operation's ``route`` (group-buy: join / open groups,
   resolve full or expired groups; flash-sale stock; community group-buy orders wait for their
   pick-up day), first and repeat purchases alike.
   Each purchase comes through a platform: the converting exposure's (a group-buy
   completion: the exposure that made the member join), a repeat purchase's first
   purchase's (like its channel), the seeds' the first platform's. A converter whose group-buy invitation
   lapsed (the group closed earlier today or before) places no order; they stay
   interested but, having converted, are not among today's interested sharers.
   Booking a purchase (``simulation.ledger``): the price paid is the routed price less
   the models' ``price_cut`` (the invitee discount on friend-share purchases) less what
   each model's ``redeem`` takes from a balance the buyer holds, in registry order, each
   up to what is left (coupon, points), never below 0 or above the list price;
   revenue += paid, ``discount_cost`` += list price (of the day) - paid, ``cogs`` +=
   ``product.unit_cost``; a KOL purchase pays that KOL's commission; each operation's
   ``on_purchases`` pays its incentives (referral reward, commission) and counts UGC; a
   first purchase makes the person a buyer, adds 1 to ``bought_friends`` of each
   out-neighbour and fixes the root of their cascade (a friend share inherits the
   sharer's root; any other exposure is its own root; people newly interested today
   get a root the same way, so interested sharers pass theirs on).
3. **Satisfaction** (known before the buyer decides what to say). Each purchase is
   satisfying iff ``uniform(key, SATISFY, i, j) < p`` (j = the person's purchase count
   before it), where p = ``quality_share * product.quality + (1 - quality_share) *
   product.service`` (the current quality and service: ``Engine.set_quality``) as
   changed by the operations' ``satisfaction`` hooks, in registry order (customer
   service puts the buyer's own service experience in place of ``product.service``).
   A dissatisfied buyer becomes *negative* and tells each out-neighbour (arc e)
   iff ``uniform(key, NEGATIVE, e, t) < negative_spread``: the head's
   ``negative_heard`` grows by 1. Dissatisfied buyers do not share.
4. **Sharing.** Each satisfied purchaser of today shares iff ``uniform(key, SHARE, i, t)
   < min(1, share_propensity_i * s_i * M)``, with M the product of the operations'
   ``share_multiplier`` (incentives) and of the novelty ``1 + product.novelty * exp(-max(0,
   t - product.launch_day) / product.novelty_days)`` (exactly 1 when novelty is 0), and s_i
   the product of their per-person ``share_factor`` (1 when none); each person whom one of today's exposures made
   interested (interest on earlier days does not matter) and who did not buy today
   and is not pending shares iff the same draw is below ``min(1, share_propensity_i * s_i
   * M * interested_share_rate)``. A share reaches friends on day t+1 (phase 1a) with that
   person's share index, which then grows by 1. Persistent word of mouth
   (``funnel.wom_days`` != 1 or ``wom_decay`` > 0): a buyer who shares on day t keeps
   talking — is a sharer again on days t+2 .. t+wom_days (0: no limit), each further
   day unless ``uniform(key, WOM, i, t') < wom_decay`` stops them for good, and never
   once negative; every talking day is a new share (new index, new draws). The
   defaults (1, 0) are one share per buyer, as Independent Cascade. The operations'
   ``after_sharing`` then see the day's sharers (sorted ids, one share each).
5. **End of day.** Operations' ``after_day`` (bargain starts among the newly interested;
   customer service takes the day's inquiries, answers its queue, books the returns of
   contacts ending today — ``refunds`` / ``cogs_recovered``, before the day's ledger is
   closed — and raises quality from the complaints resolved today); daily series
   recorded, each operation's declared series by its ``record_day``.

The hooks named above are the contract of ``simulation.operations.base``; only the
models that implement a hook are called for it, and the phase 2-3 hooks on a purchase
(``price_cut``, ``redeem``, ``on_purchases``, ``satisfaction``) only on a day with purchases.

Markets: ``simulation.market`` runs one engine per product (ours, our other products,
a rival brand's) in lockstep on one world: ``Engine(scenario, seed, shared=ours)`` uses
our graph, population and tie strengths (the same objects) and draws the rest from its
own seed; ``engine.activity`` (the
``activity_i`` read by the online test, phases 1-2) is set per day to our 0/1 online
draw; ``attach(obj)`` adds a coupling (an ``Operation`` outside the registry: its
``purchase_factor`` row, exposures — evaluated after the models' —, price cuts, routes).
A single ``simulate`` ignores ``products`` and ``rival`` (``simulation.market.simulate_market``
honours them; the runner dispatches there); every engine honours its ``launch_day``.

Threads: with more than one Numba thread, a run of at least 10^5 people evaluates its large batches,
builds its share and group-buy arcs and counts bought friends and negative messages on every thread
(``simulation.kernels.parallel``). A run of at least 10^5 people on one platform evaluates the friend shares
straight from the graph (``funnel.evaluate_shares``; on several threads ``parallel.evaluate_shares``: each
exposure's outcome decided on every thread, applied in batch order) instead of writing their arc table first.
A smaller run calls the serial kernels directly. Nothing above changes, and results are the same for any
thread count and either route.

Metrics: see ``simulation.metrics`` (the money convention: ``simulation.ledger``).
``simulate(..., counterfactual=True)`` also runs the same scenario with every marketing
lever off on the same graph and seed and adds the incremental metrics
(``simulation.counterfactual``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

import numpy as np

from . import counterfactual as cf
from . import ledger
from . import metrics as metrics_mod
from . import segments
from .config.scenario import Scenario
from .graph.csr import CSRGraph
from .kernels import funnel as F
from .kernels import parallel as threaded
from .kernels.random import EVALUATE, KOL_REACH, ONLINE, PLATFORM, REPEAT, REPEAT_SKIP, SHARE, TRANSMIT, WOM
from .kol import build_kols, posts_in_window, posts_on
from .kol_ledger import KOL_STATS, kol_slot_terms, kol_table
from .ledger import PAYMENT_KINDS
from .operations import CHANNELS, REGISTRY
from .operations.base import HOOKS, Batch, Operation, Purchases, filled, overrides
from .platforms import KIND_ADS, KIND_FEED, KIND_SHARE, KIND_THIN, build_layers, kol_layer, layer_b, restrict_audience
from .population import draw_population
from .profiles import draw_profiles
from .record_buffer import RecordBuffer
from .seeding import SeedLike, as_seed_sequence, generator, kernel_key, substream
from .targeting import eligible, keep, pick_eligible
from .ties import tie_strength

SLOT_KOL = 1
#: columns (and dtypes) of the run's purchase and payment records
PURCHASE_COLUMNS = {"day": np.int64, "buyer": np.int64, "channel": np.int8, "price": np.float64,
                    "discount": np.float64, "ref": np.int64, "kol": np.int64, "root_channel": np.int8,
                    "root_kol": np.int64, "platform": np.int8}
PAYMENT_COLUMNS = {"day": np.int64, "kind": np.int8, "payee": np.int64, "amount": np.float64}
_KIND_INDEX = {k: i for i, k in enumerate(PAYMENT_KINDS)}  # payment kind -> its index in the records
_F8, _I8 = np.dtype(np.float64), np.dtype(np.int64)
SLOT_PLATFORM = 8
CH_ADS = CHANNELS.index("ads")


@dataclass
class _Shares:
    """Phase 1a's friend shares on platform ``layer`` (``platforms.Layer``) as its ``sources`` (int64 sharers,
    increasing) and their share ``index``: the batch ``share_arcs`` would write, evaluated by
    ``funnel.evaluate_shares`` (or ``parallel.evaluate_shares``) without it (``Engine._shares_on``; at >=
    ``parallel.MIN_PEOPLE`` people only, so the default run never compiles it)."""

    sources: np.ndarray
    index: np.ndarray
    layer: object


@dataclass
class RunResult:
    """Outcome of one run.

    summary : flat dict of run metrics (floats; NaN where undefined).
    daily : dict of series, each shape (days + 1,), index = day (day 0 = seeding).
    graph : the CSRGraph used (reuse it via ``simulate(..., graph=...)``).
    state : with ``keep_state``, per-node arrays bought, shared, exposed, interested,
        is_kol, segment, negative.
    records : ``purchases`` (day, buyer, channel, price paid, discount, ref, kol — last
        touch, -1 if none —, root_channel, root_kol — the root of the buyer's cascade —,
        platform — index of the platform it came through, ``simulation.platforms``),
        ``payments`` (day, kind — index into ``ledger.PAYMENT_KINDS`` —, payee, amount),
        ``groups`` (open_day, close_day, members, status) and ``kols`` (the per-KOL
        table, ``simulation.kol_ledger``).
    """

    summary: dict[str, float]
    daily: dict[str, np.ndarray]
    graph: CSRGraph
    state: dict[str, np.ndarray] | None = None
    records: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)


class Engine:
    """The state of one run and its day step (shared by ``simulate`` and the Mesa model)."""

    def __init__(self, scenario: Scenario, seed: SeedLike, *, graph: CSRGraph | None = None,
                 shared: "Engine | None" = None, platform_graphs: dict[int, CSRGraph] | None = None,
                 like: "Engine | None" = None):
        """``shared``: another engine whose graph, population, tie strengths and platform layers this one
        uses (the same objects: a market's products, ``simulation.market``; everything else comes from
        ``seed``). ``platform_graphs``: the platforms' own graphs (index -> CSR on the population) of a
        paired run, reused. ``like``: an engine of the same seed, graph and population table (the paired
        counterfactual's run): its population and tie strengths are the same draws, reused, and so are its
        per-person static factors (same funnel weights and appeal), 1 / in-degree and seeds (same seeding)."""
        self.scenario = sc = scenario
        self.ss = ss = as_seed_sequence(seed)
        if shared is not None:
            graph = shared.graph
        if graph is None:
            graph = sc.graph.build(substream(ss, "graph"), base_dir=sc.base_dir)
        self.graph = g = graph
        self.n = n = g.n
        self.days = sc.days
        self.key = kernel_key(ss)
        # the platforms' own graphs (index -> CSR on the population), reusable by a paired run
        self.platform_graphs = {} if platform_graphs is None else platform_graphs
        same_draws = (like is not None and like.graph is g and like.scenario.population == sc.population
                      and (like.ss.entropy, like.ss.spawn_key) == (ss.entropy, ss.spawn_key))
        if shared is not None:
            self.pop = pop = shared.pop
            self.w = shared.w
            self.platform_graphs = shared.platform_graphs
            self.layers = shared.layers
        else:
            if same_draws:
                self.pop = pop = like.pop  # read-only after set-up, so sharing is safe
                self.w = like.w
            else:
                self.pop = pop = draw_population(sc.population, n, generator(ss, "population"), g,
                                                 generator(ss, "homophily"), sc.graph)
                pop.profile = draw_profiles([s.profile for s in sc.population.segments], pop.segment,
                                            generator(ss, "profile"))
                self.w = tie_strength(sc.population.ties, g, generator(ss, "ties"))
            self.layers = build_layers(sc, ss, g, self.w, pop, sc.base_dir, self.platform_graphs)
        # who is online today is read from here (a market sets it per day for its other products)
        self.activity = pop.activity
        fn = sc.funnel
        appeal = sc.product.appeal
        weights = (fn.trust_weight, fn.interest_weight, appeal)
        same_draws = same_draws and like.pop is pop  # (not so for a market's product sharing another world)
        if same_draws and weights == (like.scenario.funnel.trust_weight, like.scenario.funnel.interest_weight,
                                      like.scenario.product.appeal):
            self.static = like.static  # the same people and weights: the same factors (read-only)
        else:
            interest = pop.interest if appeal is None else 1.0 - np.abs(pop.interest - appeal)
            self.static = np.exp(fn.trust_weight * (pop.trust - 0.5) + fn.interest_weight * (interest - 0.5))
        if like is not None and like.graph is g:
            self.indeg_inv = like.indeg_inv
        else:
            indeg = g.in_degree
            self.indeg_inv = np.where(indeg > 0, 1.0 / np.maximum(indeg, 1), 0.0)
        self.kol_platform = kol_layer(sc)
        host = self.layers[self.kol_platform]
        self.kols = kols = build_kols(sc.kol, host.graph, pop.activity, pop.share_propensity, generator(ss, "kol"),
                                      posts=posts_in_window(sc.kol, self.days), base_dir=sc.base_dir)
        kols.indptr, kols.followers = restrict_audience(kols.indptr, kols.followers, host.member)
        self.kol_mask = eligible(sc.kol.target, pop.segment, pop.names, pop.interest)
        self.kol_of_slot = np.repeat(np.arange(kols.count, dtype=np.int64), np.diff(kols.indptr))
        self.slot_engagement, self.slot_strength = kol_slot_terms(kols, self.kol_of_slot, pop.interest,
                                                                  sc.kol.fit_interest)
        self.kol_stats = {k: np.zeros(kols.count) for k in KOL_STATS}
        # root of each person's cascade: the channel (and KOL) of the exposure that started it
        self.root_channel = np.full(n, -1, np.int8)
        self.root_kol = np.full(n, -1, np.int64)
        # State (per person).
        self.bought = np.zeros(n, bool)
        self.exposed = np.zeros(n, bool)
        self.interested = np.zeros(n, bool)
        self.shared = np.zeros(n, bool)
        # how many of each mark are set, kept as they are set (``mark``): no whole-population count per day
        self.marked = {"exposed": 0, "interested": 0, "bought": 0, "shared": 0}
        self.negative = np.zeros(n, bool)
        self.satisfied = np.zeros(n, bool)
        self.pending = np.full(n, -1, np.int64)
        self.bought_nbrs = np.zeros(n, np.int32)
        self.neg_heard = np.zeros(n, np.int32)
        self.share_count = np.zeros(n, np.int64)
        self.purchase_count = np.zeros(n, np.int64)
        self.first_day = np.full(n, -1, np.int32)
        self.first_channel = np.full(n, -1, np.int8)
        self.first_kol = np.full(n, -1, np.int64)  # the KOL a first purchase via a KOL post is credited to
        self.purchase_day = np.full(n, -1, np.int32)
        # the repeat pool (bought, last purchase satisfying), kept incrementally so that a
        # quiet day costs O(repeaters), not O(n): members pool[:pool_size], where[i] = position or -1
        self.pool = np.zeros(n, np.int32)
        self.pool_where = np.full(n, -1, np.int32)
        self.pool_size = 0
        # Per-day scratch, stamped with the day so it never needs clearing.
        self.cand_day = np.full(n, -1, np.int64)
        self.cand_channel = np.zeros(n, np.int8)
        self.cand_price = np.zeros(n)
        self.cand_ref = np.zeros(n, np.int64)
        self.cand_tag = np.zeros(n, np.int8)
        self.cand_list = np.zeros(n, np.int32)
        self.int_day = np.full(n, -1, np.int64)
        self.int_list = np.zeros(n, np.int32)
        # per platform (only with [[platforms]] declared): who was exposed / interested there, and through
        # which platform today's candidates and the first purchases came
        self.per_platform = bool(sc.platforms)
        # with one platform its marks are the population's (views): nothing to merge per batch
        self.several = len(self.layers) > 1
        if self.several:
            self.exposed_on = np.zeros((len(self.layers), n), bool)
            self.interested_on = np.zeros((len(self.layers), n), bool)
        else:
            self.exposed_on, self.interested_on = self.exposed[None, :], self.interested[None, :]
        self.cand_platform = np.zeros(n, np.int8)
        self.first_platform = np.full(n, -1, np.int8)
        self.ads_spent = np.zeros(len(self.layers))
        self.cnt = np.zeros(F.C_SIZE, np.int64)
        # below ``parallel.MIN_PEOPLE`` every threaded wrapper calls the serial kernel: call it directly
        self._serial = n < threaded.MIN_PEOPLE
        self._kol_slots: np.ndarray | None = None  # 0 .. follower slots - 1 (made on the first KOL post)
        self.fp = np.zeros(F.FP_SIZE)
        self.fp[F.FP_SOCIAL_PROOF] = fn.social_proof_weight
        self.fp[F.FP_NEG_FACTOR] = 1.0 - fn.negative_impact
        self.fp[F.FP_INV_REF_PRICE] = 1.0 / fn.reference_price
        self.set_quality(sc.product.quality, sc.product.service)
        self.list_price = sc.product.price
        self.fp[F.FP_INTEREST_RATIO] = fn.interest_ratio
        self.sharers = np.empty(0, np.int64)
        self.sharer_k = np.empty(0, np.int64)
        self.talk_until = np.full(n, -1, np.int64)  # last day an adopter's word of mouth reaches friends
        self.price_today = sc.product.price
        self.returns_by_group: dict[str, float] = {}  # goods cost recovered per group (``simulation.segments``)
        self.daily = metrics_mod.new_daily(self.days, [la.name for la in self.layers] if self.per_platform else (),
                                           pop)
        # "kol" is a function of channel and ref: derived when the table is read (``result``), not booked each day
        self._purchases = RecordBuffer({k: t for k, t in PURCHASE_COLUMNS.items() if k != "kol"})
        self._payments = RecordBuffer(PAYMENT_COLUMNS)
        # the per-group daily series as (groups, days + 1) blocks per readout axis (``simulation.segments``)
        self._group_blocks = segments.bind_blocks(self.daily, pop)
        self._book_counts = np.zeros(3, np.int64)
        self.spend_rows = [self.daily[k] for k in ledger.SPEND_SERIES]  # the ledger closes each day from these
        self.attr_rows = [self.daily[k] for k in metrics_mod.ATTR_SERIES]  # by channel id (metrics.record_day)
        self.last_buyers = np.empty(0, np.int64)  # buyers of the last day booked (a market's couplings read them)
        self.ops = [cls(getattr(sc.operations, name), self) for name, cls in REGISTRY.items()
                    if getattr(sc.operations, name).enabled]
        # the contract (operations.base): each hook is called only for the models that implement it
        self.hooked = {h: [op for op in self.ops if overrides(op, h, Operation)] for h in HOOKS}
        self.fp[F.FP_FRIEND_DISCOUNT] = sum(op.friend_discount() for op in self.ops)
        self.share_mult = float(np.prod([op.share_multiplier() for op in self.ops])) if self.ops else 1.0
        # phase 4 in one kernel call in a run with models and in the paired run of one (whose kernel the run with
        # models has loaded already); a run without either (the default run) keeps the numpy steps (``_book``)
        self._fused_sharers = bool(self.ops) or (like is not None and bool(like.ops))
        # per-person evaluation terms: one row per model that asks (no row, no work in the kernel)
        self.price_off = np.zeros((len(self.hooked["price_reduction"]), n))
        self.buy_factor = np.ones((len(self.hooked["purchase_factor"]), n))
        for r, op in enumerate(self.hooked["price_reduction"]):
            op.price_reduction(self.price_off[r])
        for r, op in enumerate(self.hooked["purchase_factor"]):
            op.purchase_factor(self.buy_factor[r])
        self._versions = {v.day: v for v in sc.product.versions}
        self.day = 0
        # a product launched on day L > 1 does nothing before L; its seeds buy on day L (docstring: launch)
        self.launch = sc.product.launch_day if sc.product.launch_day > 1 else 0
        # the seeds are a function of the seeding table, the population and the run key: a paired run's are like's
        same_seeds = same_draws and like.scenario.seeding == sc.seeding
        self.seeds = like.seeds if same_seeds else self._pick_seeds()
        if not self.launch:
            self._seed()

    # -- helpers used by the operation modules -----------------------------------------
    def channel(self, name: str) -> int:
        """The id of attribution channel ``name`` (``simulation.operations.CHANNELS``)."""
        return CHANNELS.index(name)

    def op(self, name: str) -> Operation | None:
        """The enabled operation model ``name`` of this run, or None."""
        return next((op for op in self.ops if op.name == name), None)

    def rng(self, name: str) -> np.random.Generator:
        """The run's named numpy Generator (``simulation.seeding.generator``)."""
        return generator(self.ss, name)

    def pay(self, day: int, kind: str, payees: np.ndarray, amounts: np.ndarray) -> None:
        """Book payments (currency) of ``kind`` to ``payees`` (-1 = a third party) on ``day``."""
        series = PAYMENT_KINDS[kind]
        if type(payees) is int and type(amounts) in (float, int):
            # one payment (a fee, a day's cost): one row, as the general path books it
            self._payments.append_row(day, _KIND_INDEX[kind], payees, amounts)
            self.daily[series][day] += float(amounts)
            return
        if type(amounts) is not np.ndarray or amounts.dtype != _F8 or amounts.ndim != 1:
            amounts = np.atleast_1d(np.asarray(amounts, np.float64))
        if type(payees) is not np.ndarray or payees.dtype != _I8:
            payees = np.asarray(payees, np.int64)
        if payees.ndim > 1 or (payees.ndim == 1 and len(payees) not in (1, len(amounts))):
            raise ValueError(f"pay {kind}: {payees.shape} payees for {amounts.shape} amounts")
        k = len(amounts)  # one payee (scalar or length 1) is every amount's
        self._payments.append(k, day=day, kind=_KIND_INDEX[kind], payee=payees, amount=amounts)
        # one amount is its own sum (np.sum's pairwise rounding only matters for more); np.add.reduce is what
        # ndarray.sum calls, without its Python layers
        self.daily[series][day] += float(amounts[0]) if k == 1 else float(np.add.reduce(amounts))

    def refund(self, day: int, people: np.ndarray, refunds: np.ndarray, cogs_recovered: np.ndarray) -> None:
        """Book returns on ``day``: per returned purchase its buyer (``people``), the price paid back
        (``refunds``, currency) and the unit cost of goods back in stock (``cogs_recovered``, 0 if written off)."""
        ledger.book_returns(self.daily, day, float(np.sum(refunds)), float(np.sum(cogs_recovered)))
        segments.book_returns(self.daily, self.returns_by_group, day, self.pop, people, refunds, cogs_recovered)

    # -- the day -------------------------------------------------------------------------
    def _pick_seeds(self) -> np.ndarray:
        sc, g = self.scenario, self.graph
        if sc.seeding.nodes is not None:
            seeds = np.unique(g.ids(sc.seeding.nodes))
        else:
            # the same counter-based Floyd sample as classic.independent_cascade(seeds=count), among the eligible
            pop = self.pop
            seeds = pick_eligible(self.n, sc.seeding.count, self.key,
                                  eligible(sc.seeding.target, pop.segment, pop.names, pop.interest))
        return np.asarray(seeds, np.int64)

    def _seed_purchases(self) -> Purchases:
        """The seeds' purchases (channel "seed", at the list price of the day, or 0 when ``seeding.free``)."""
        seeds = self.seeds
        self.mark("exposed", seeds)
        self.mark("interested", seeds)
        price = 0.0 if self.scenario.seeding.free else self.list_price
        return {"buyer": seeds, "channel": np.full(len(seeds), F.CH_SEED, np.int8),
                "price": np.full(len(seeds), price), "ref": np.full(len(seeds), -1, np.int64),
                "tag": np.zeros(len(seeds), np.int8)}

    def _seed(self) -> None:
        self._book(0, self._seed_purchases(), np.empty(0, np.int64))

    def mark(self, flag: str, people: np.ndarray) -> None:
        """Set the per-person mark ``flag`` (exposed, interested or shared) of ``people`` (ids, repeats
        allowed), keeping its count in ``marked``. Every write of these marks goes through here (or
        through a kernel that counts what it sets)."""
        self.marked[flag] += F.mark(getattr(self, flag), np.asarray(people, np.int64))

    def attach(self, obj: Operation) -> None:
        """Add ``obj`` (an ``Operation`` outside the registry: a market coupling, ``simulation.market``)
        after the enabled models: its set-up hooks run now, its day hooks from the next step on."""
        for h in HOOKS:
            if overrides(obj, h, Operation):
                self.hooked[h].append(obj)
        # a new row means new arrays: every earlier holder is handed its row again (same values),
        # or it would keep writing into the old array and its factor would be lost
        if overrides(obj, "purchase_factor", Operation):
            self.buy_factor = np.vstack([self.buy_factor, np.ones((1, self.n))])
            for r, op in enumerate(self.hooked["purchase_factor"]):
                op.purchase_factor(self.buy_factor[r])
        if overrides(obj, "price_reduction", Operation):
            self.price_off = np.vstack([self.price_off, np.zeros((1, self.n))])
            for r, op in enumerate(self.hooked["price_reduction"]):
                op.price_reduction(self.price_off[r])

    def set_price(self, price: float) -> None:
        """Make ``price`` (currency) the list price from now on (a product version, phase 0)."""
        self.list_price = float(price)

    def novelty(self, day: int) -> float:
        """Share multiplier of novelty on ``day``: 1 + novelty * exp(-(day - launch_day) / novelty_days)."""
        pr = self.scenario.product
        if pr.novelty == 0:
            return 1.0
        return 1.0 + pr.novelty * np.exp(-max(0, day - pr.launch_day) / pr.novelty_days)

    def set_quality(self, quality: float, service: float) -> None:
        """Make ``quality`` and ``service`` (probabilities) the product's from now on: the evaluation factor
        ``quality_factor`` and the satisfaction probability of phase 3 follow them (versions, learning)."""
        fn = self.scenario.funnel
        self.quality, self.service = float(quality), float(service)
        self.fp[F.FP_QUALITY] = np.exp(fn.quality_weight * (self.quality - 0.5))
        self.p_satisfied = fn.quality_share * self.quality + (1 - fn.quality_share) * self.service

    def _evaluate(self, b: Batch | _Shares, day: int) -> None:
        if self._serial and not self.several:  # a small one-platform run: one kernel call, arguments gathered once
            if len(b.targets):
                F.evaluate(b.targets, b.strength, b.price, b.a, b.b, b.ref, b.stream, b.channel, b.tag, day, self.key,
                           *self._eval_flat)
            return
        if isinstance(b, _Shares):  # friend shares evaluated straight from the graph (one platform, large run)
            g = b.layer.graph
            # decided on every thread, applied in batch order, when there are many arcs (parallel.evaluate_shares)
            args = (b.sources, b.index, g.indptr, g.indices, b.layer.w, b.layer.arc0, self.price_today, TRANSMIT,
                    F.CH_FRIEND, F.TAG_PLAIN, day, self.key, *self._eval_args[0], self.exposed, self.interested,
                    *self._eval_args[1])
            threads = threaded.arc_threads(len(b.sources), g.indices, self.n)
            if threads > 1:
                threaded.evaluate_shares(*args, threads)
            else:
                F.evaluate_shares(*args)
            return
        if len(b.targets) == 0:
            return
        if self.several:
            exposed, interested = self.exposed_on[b.platform], self.interested_on[b.platform]
            c0, i0 = self.cnt[F.C_CAND], self.cnt[F.C_INTERESTED]
        else:
            exposed, interested = self.exposed, self.interested
        state, scratch = self._eval_args
        args = (b.targets, b.strength, b.price, b.a, b.b, b.ref, b.stream, b.channel, b.tag, day, self.key,
                *state, exposed, interested, *scratch)
        threads = threaded.threads_for(len(b.targets), self.n)
        if threads > 1:
            threaded.evaluate(*args, threads)
        else:
            F.evaluate(*args)
        if self.several:
            # the platform's marks join the population's (only this batch's targets can have changed)
            t = b.targets
            self.mark("exposed", t[exposed[t]])
            self.mark("interested", t[interested[t]])
            self.cand_platform[self.cand_list[c0: self.cnt[F.C_CAND]]] = b.platform
            self.cand_platform[self.int_list[i0: self.cnt[F.C_INTERESTED]]] = b.platform

    def _builtin_exposures(self, day: int) -> list[Batch]:
        sc = self.scenario
        out = []
        if len(self.sharers):
            for la in self.layers:
                out.extend(self._shares_on(la, day))
        k, kols = sc.kol, self.kols
        if kols.count and k.active(day) and posts_on(day, k.posts_per_week):
            if self._kol_slots is None:  # every follower slot (read only: keep_below returns the kept ones)
                self._kol_slots = np.arange(len(kols.followers), dtype=np.int64)
            slots = F.keep_below(self._kol_slots, self.slot_engagement, 1.0, self.key, KOL_REACH, day)
            if self.kol_mask is not None:
                slots = slots[self.kol_mask[kols.followers[slots]]]
            kol_of = self.kol_of_slot[slots]
            counts = np.bincount(kol_of, minlength=kols.count)  # followers reached per KOL
            if k.target.cost_per_exposure > 0 and len(slots):
                per_kol = counts * k.target.cost_per_exposure
                self.pay(day, "kol_target", np.flatnonzero(per_kol), per_kol[per_kol > 0])
                self.kol_stats["fees"] += per_kol
            reached = counts.astype(np.float64)
            flat, cpm = kols.terms["fee_per_post"], kols.terms["cpm"] * reached / 1000.0
            paid = flat > 0
            if paid.any():
                self.pay(day, "kol_fee", np.flatnonzero(paid), flat[paid])
            paid = cpm > 0
            if paid.any():
                self.pay(day, "kol_cpm", np.flatnonzero(paid), cpm[paid])
            self.kol_stats["posts"] += 1
            self.kol_stats["reached"] += reached
            self.kol_stats["fees"] += flat + cpm
            out.append(Batch(F.CH_KOL, EVALUATE, kols.followers[slots], self.slot_strength[slots],
                             filled(len(slots), self.price_today), slots,
                             filled(len(slots), 16 * day + SLOT_KOL, np.int64), kol_of, platform=self.kol_platform))
        for la in self.layers:
            if la.feed_rate > 0:
                out.append(self._feed_on(la, day))
        for la in self.layers:
            if la.ads is not None and la.ads_rate > 0 and la.ads.active(day):
                out.append(self._ads_on(la, day))
        return out

    def _shares_on(self, la, day: int) -> list[Batch | _Shares]:
        """Phase 1a on platform ``la``: yesterday's sharers who are members (and share there) reach its arcs (a
        large run on one platform: the sharers, evaluated from the graph without an arc table)."""
        s, k = self.sharers, self.sharer_k
        if la.member is not None:
            on = la.member[s]
            s, k = s[on], k[on]
        if la.share_rate < 1.0:
            on = F.draw_below(s, np.full(len(s), la.share_rate), self.key, PLATFORM, layer_b(la.index, KIND_SHARE, day))
            s, k = s[on], k[on]
        if not len(s):
            return []
        g = la.graph
        if self._serial:
            heads, strength, arcs, index, ref = F.share_arcs(s, k, g.indptr, g.indices, la.w, la.arc0)
            return [Batch(F.CH_FRIEND, TRANSMIT, heads, strength, filled(len(arcs), self.price_today), arcs, index,
                          ref, platform=la.index)]
        if not self.several and self.n >= threaded.MIN_PEOPLE:
            return [_Shares(s, k, la)]
        arcs_of = threaded.share_arcs if threaded.arc_threads(len(s), g.indices, self.n) > 1 else F.share_arcs
        heads, strength, arcs, index, ref = arcs_of(s, k, g.indptr, g.indices, la.w, la.arc0)
        return [Batch(F.CH_FRIEND, TRANSMIT, heads, strength, filled(len(arcs), self.price_today), arcs, index, ref,
                      platform=la.index)]

    def _feed_on(self, la, day: int) -> Batch:
        """Phase 1c on platform ``la``: its feed (uniform over members, or personalised by interest)."""
        rate = la.feed_rate if la.feed_p is None else float(la.feed_p.max())
        people = la.keep(F.skip_sample(self.key, PLATFORM, layer_b(la.index, KIND_FEED, 2 * day), self.n, rate))
        if la.feed_p is not None:
            people = people[F.draw_below(people, la.feed_p[people] / rate, self.key, PLATFORM,
                                         layer_b(la.index, KIND_THIN, 2 * day))]
        b = Batch.per_person(F.CH_PLATFORM, EVALUATE, people, la.feed_strength, self.price_today,
                             layer_b(la.index, KIND_FEED, 16 * day + SLOT_PLATFORM))
        b.platform = la.index
        return b

    def _ads_on(self, la, day: int) -> Batch:
        """Phase 1c' on platform ``la``: the day's paid impressions over the eligible members, paid per impression."""
        people = F.skip_sample(self.key, PLATFORM, layer_b(la.index, KIND_ADS, 2 * day), self.n, la.ads_rate)
        people = keep(people, la.ads_mask)
        cost = len(people) * la.ads.target.cost_per_exposure
        if cost > 0:
            self.pay(day, "platform_ads", -1, cost)
            self.ads_spent[la.index] += cost
            self.daily[f"platform_ads_spend__{la.name}"][day] += cost
        b = Batch.per_person(CH_ADS, EVALUATE, people, la.ads.strength, self.price_today,
                             layer_b(la.index, KIND_ADS, 16 * day + SLOT_PLATFORM))
        b.platform = la.index
        return b

    def step(self) -> None:
        """Advance one day (phases 0-5 of the module docstring)."""
        if self.day >= self.days:
            raise RuntimeError(f"the horizon of {self.days} days is over")
        self.day = day = self.day + 1
        sc = self.scenario
        if day < self.launch:
            return  # not on sale yet: nothing happens, every series stays 0
        if day == self.launch:
            self.cand_day[self.seeds] = day  # the seeds buy today: no exposure converts them again
        # 0. prices (a new version first)
        v = self._versions.get(day)
        if v is not None:
            self.set_quality(self.quality if v.quality is None else v.quality, self.service)
            if v.price is not None:
                self.set_price(v.price)
        mult = 1.0
        for op in self.hooked["price_multiplier"]:
            mult *= op.price_multiplier(day)
        self.price_today = self.list_price * mult
        # 1. exposure and evaluation
        self.cnt.fill(0)
        # the arrays every evaluation reads and writes, gathered once a day (a market sets ``activity`` per day)
        self._eval_args = ((self.activity, self.static, self.pop.price_sensitivity, self.price_off, self.buy_factor,
                            self.bought_nbrs, self.indeg_inv, self.neg_heard, self.bought, self.pending, self.fp),
                           (self.cand_day, self.cand_channel, self.cand_price, self.cand_ref, self.cand_tag,
                            self.cand_list, self.int_day, self.int_list, self.cnt))
        self._eval_flat = self._eval_args[0] + (self.exposed, self.interested) + self._eval_args[1]
        for b in self._builtin_exposures(day):
            self._evaluate(b, day)
        for op in self.hooked["exposures"]:
            for b in op.exposures(day):
                self._evaluate(b, day)
        cnt = self.cnt.tolist()  # the day's counters as Python ints (the later phases only read them)
        if not self.several:  # the kernel set the population's marks itself (else _evaluate counted them)
            self.marked["exposed"] += cnt[F.C_NEW_EXPOSED]
            self.marked["interested"] += cnt[F.C_NEW_INTERESTED]
        # 2. purchase
        c = self.cand_list[: cnt[F.C_CAND]].astype(np.int64)
        p: Purchases = {"buyer": c, "channel": self.cand_channel[c], "price": self.cand_price[c],
                        "ref": self.cand_ref[c], "tag": self.cand_tag[c]}
        if sc.product.repeat_rate > 0 and self.pool_size:  # an empty pool draws nothing
            r = self._repeats(day)
            if len(r["buyer"]):
                p = _concat(p, r)
        for op in self.hooked["route"]:
            p = op.route(day, p)
        if day == self.launch:
            p = _concat(self._seed_purchases(), p)
        interested_today = self.int_list[: cnt[F.C_INTERESTED]].astype(np.int64)
        self._book(day, p, interested_today)

    def _repeats(self, day: int) -> Purchases:
        """Today's repeat purchases (phase 2; a shared read-only empty table when nobody repeats)."""
        # today's converters have not bought before (bought people ignore exposures) and
        # pending group members are excluded, so nobody is both a converter and a repeater
        rate = self.scenario.product.repeat_rate
        hooked = self.hooked["repeat_factor"]
        # candidates at the bounding rate q by geometric skipping (O(repeaters), not O(pool)),
        # thinned to each person's own rate: exact, as every factor is at most its bound
        q = rate
        for op in hooked:  # multiplied in the order of the factors below, so rounding keeps p_i <= q
            q = q * op.repeat_factor_bound()
        q = min(1.0, q)
        pos = F.skip_sample(self.key, REPEAT_SKIP, day, self.pool_size, q)
        if not len(pos):
            return _NO_PURCHASES  # no candidate: nothing to thin or draw
        pool = self.pool[pos].astype(np.int64)  # positions < pool_size
        pool.sort()  # in place (np.sort's copy and Python layer are not needed)
        keep = np.empty(0)  # no thinning draw without per-person factors
        if hooked:
            p = np.full(len(pool), rate)
            for op in hooked:
                p = p * op.repeat_factor(pool)
            p = np.minimum(1.0, p)
            if (p > q).any():
                names = ", ".join(op.name for op in hooked)
                raise RuntimeError(f"operations {names}: a repeat_factor exceeds its repeat_factor_bound()")
            keep = p / q
        # pending members dropped, then the thinning and online draws, only for the (rare) candidates
        r = F.thin_online(pool, keep, self.key, REPEAT, day, self.activity, self.pending)
        if not len(r):
            return _NO_PURCHASES
        return {"buyer": r, "channel": self.first_channel[r], "price": filled(len(r), self.price_today),
                "ref": self.first_kol[r], "tag": np.zeros(len(r), np.int8)}

    def _book(self, day: int, p: Purchases, interested_today: np.ndarray) -> None:
        """Phases 2 (booking) to 5 for the purchases ``p`` of ``day``."""
        sc, g = self.scenario, self.graph
        self.last_buyers = buyers = p["buyer"]
        k = len(buyers)
        if k:
            plat = self._purchase_platform(day, buyers)
            # the price paid: price rules and purchase path (p["price"]), price cuts, balances redeemed
            cut = np.zeros(k) if self.hooked["price_cut"] else None  # None: no price cut (nothing to subtract)
            for op in self.hooked["price_cut"]:
                cut = cut + op.price_cut(p)
            paid = ledger.price_paid(self.list_price, p["price"], cut,
                                     [partial(op.redeem, day, p) for op in self.hooked["redeem"]])
            p = dict(p, price=paid, discount=self.list_price - paid)
            self._kol_purchases(day, p)
            for op in self.hooked["on_purchases"]:
                op.on_purchases(day, p)
        else:  # no purchase: the phase 2-3 hooks have nothing to see (operations.base)
            plat = np.zeros(0, np.int8)
            p = dict(p, discount=p["price"])
        channel = p["channel"].astype(np.int8)
        ref = p["ref"].astype(np.int64)
        is_new = np.empty(k, bool)
        counts = self._book_counts
        kernels = F if self._serial else threaded
        kernels.book_buyers(buyers, channel, ref, plat, interested_today, self.cand_channel, self.cand_ref, day,
                            g.indptr, g.indices, self.bought, self.bought_nbrs, self.root_channel, self.root_kol,
                            self.first_day, self.first_channel, self.first_kol, self.first_platform,
                            self.purchase_day, self.exposed, self.interested, is_new, counts)
        new_bought, new_exposed, new_interested = counts.tolist()
        self.marked["bought"] += new_bought
        self.marked["exposed"] += new_exposed
        self.marked["interested"] += new_interested
        n_new = int(np.count_nonzero(is_new))
        unhappy = 0
        sharers = np.empty(0, np.int64)
        mult = self.share_mult * self.novelty(day) if self.scenario.product.novelty else self.share_mult  # x 1.0
        if k:
            if self.several:
                self.exposed_on[plat, buyers] = True
                self.interested_on[plat, buyers] = True
            # day, buyer, channel, price, discount, ref, root_channel, root_kol, platform (the buffer's columns)
            self._purchases.append_columns(k, day, buyers, channel, p["price"], p["discount"], ref,
                                           self.root_channel[buyers], self.root_kol[buyers], plat)
            # 3. satisfaction: known before the buyer decides what to say
            p_sat = filled(k, self.p_satisfied)
            for op in self.hooked["satisfaction"]:
                p_sat = op.satisfaction(day, p, p_sat)
            sat = np.empty(k, bool)
            self.pool_size, unhappy = kernels.settle(buyers, p_sat, self.key, day, self.purchase_count,
                                                     self.satisfied, self.negative, self.pool, self.pool_where,
                                                     self.pool_size, g.indptr, g.indices,
                                                     sc.funnel.negative_spread, self.neg_heard, sat)
        else:
            sat = np.empty(0, bool)  # writable, as every array handed to a kernel (a read-only one is another type)
        # 4. sharing: satisfied purchasers share a positive review (dissatisfied ones only spread negative word),
        # and so do some of today's newly interested
        rate = sc.funnel.interested_share_rate
        # one kernel call where no model scales a person's share propensity; a run without models that is not
        # the paired run of one (the default run) keeps the numpy steps, so its cold start compiles no kernel more
        # (identical results either way)
        if self._fused_sharers and not self.hooked["share_factor"]:
            sharers = F.day_sharers(buyers, sat, self.pop.share_propensity, mult, interested_today, self.bought,
                                    self.pending, rate, self.key, day)
        else:
            if k:
                happy = buyers[sat] if unhappy else buyers
                if len(happy):
                    sharers = F.keep_below(happy, self._propensity(happy), mult, self.key, SHARE, day)
            if rate > 0 and len(interested_today):
                cand = interested_today[~self.bought[interested_today] & (self.pending[interested_today] < 0)]
                if len(cand):
                    more = F.keep_below(cand, self._propensity(cand) * mult, rate, self.key, SHARE, day)
                    sharers = np.concatenate([sharers, more]) if len(sharers) else more
            sharers = F.sorted_unique(sharers) if len(sharers) > 1 else sharers
        self._set_sharers(day, sharers)
        for op in self.hooked["after_sharing"]:
            op.after_sharing(day, self.sharers)
        # 5. end of day
        for op in self.hooked["after_day"]:
            op.after_day(day, interested_today)
        metrics_mod.record_day(self, day, p, n_new, unhappy, is_new)
        if self.per_platform:
            metrics_mod.record_platform_day(self.daily, day, [la.name for la in self.layers], plat, p["channel"],
                                            p["price"], self.first_platform[buyers[is_new]], self.exposed_on,
                                            self.interested_on)
        for op in self.hooked["record_day"]:
            op.record_day(day, self.daily)

    def _purchase_platform(self, day: int, buyers: np.ndarray) -> np.ndarray:
        """The platform (index, int8) each purchase comes through: the converting exposure's, a repeat's first
        purchase's (like its channel); seeds and every purchase without declared platforms: 0 (the first)."""
        if day == 0 or not self.several:
            return np.zeros(len(buyers), np.int8)
        return np.where(self.bought[buyers], self.first_platform[buyers], self.cand_platform[buyers]).astype(np.int8)

    def _propensity(self, people: np.ndarray) -> np.ndarray:
        """Share propensity of ``people`` times the models' per-person share factors."""
        q = self.pop.share_propensity[people]
        for op in self.hooked["share_factor"]:
            q = q * op.share_factor(people)
        return q

    def _kol_purchases(self, day: int, p: Purchases) -> None:
        """Pay KOL commissions on the purchases credited to a KOL (last touch) and count them per KOL."""
        if not self.kols.count:  # no KOL: no purchase is credited to one
            return
        mine = p["channel"] == F.CH_KOL
        if not mine.any():  # most days: no purchase through a KOL post
            return
        mine &= p["ref"] >= 0
        k = p["ref"][mine]
        fee = self.kols.terms["commission_rate"][k] * p["price"][mine]
        if (fee > 0).any():
            self.pay(day, "kol_commission", k[fee > 0], fee[fee > 0])
            np.add.at(self.kol_stats["fees"], k, fee)

    def _set_sharers(self, day: int, new: np.ndarray) -> None:
        """Make ``new`` (sorted ids) and the adopters still talking the sharers heard tomorrow (phase 1a)."""
        fn = self.scenario.funnel
        if fn.wom_days != 1 or fn.wom_decay > 0:
            adopters = new[self.bought[new]]
            self.talk_until[adopters] = day + fn.wom_days if fn.wom_days > 0 else np.iinfo(np.int64).max
            old = self.sharers[(self.talk_until[self.sharers] > day) & ~self.negative[self.sharers]]
            old = np.setdiff1d(old, new)
            if fn.wom_decay > 0:
                stop = F.draw_below(old, np.full(len(old), fn.wom_decay), self.key, WOM, day)
                self.talk_until[old[stop]] = -1
                old = old[~stop]
            new = np.union1d(new, old)
        self.sharers = new
        if len(new):
            # each sharer's next share (``new`` holds distinct ids); numpy, as a kernel cost 0.15 s of cold compile
            self.sharer_k = self.share_count[new]
            self.share_count[new] = self.sharer_k + 1
            self.marked["shared"] += F.mark(self.shared, new)
        else:
            self.sharer_k = np.empty(0, np.int64)

    def run(self) -> None:
        """Step to the horizon."""
        while self.day < self.days:
            self.step()

    def result(self, keep_state: bool = False) -> RunResult:
        """Summary, daily series and records of the run so far."""
        bought = self._purchases.table()
        bought["kol"] = np.where(bought["channel"] == F.CH_KOL, bought["ref"], -1)
        records = {"purchases": {k: bought[k] for k in PURCHASE_COLUMNS}, "payments": self._payments.table()}
        for name, cls in REGISTRY.items():
            op = self.op(name)
            records.update(op.records() if op is not None else cls.empty_records())
        summary = metrics_mod.summarize(self)
        summary["kol_count"] = float(self.kols.count)
        summary["kol_reached"] = float(self.kol_stats["reached"].sum())
        records["kols"] = kol_table(self.kols, self.kol_stats, records["purchases"], self.scenario.product.unit_cost,
                                    self.layers[self.kol_platform].name if self.per_platform else "")
        state = None
        if keep_state:
            is_kol = np.zeros(self.n, bool)
            is_kol[self.kols.nodes[self.kols.nodes >= 0]] = True
            state = {"bought": self.bought.copy(), "shared": self.shared.copy(), "exposed": self.exposed.copy(),
                     "interested": self.interested.copy(), "is_kol": is_kol, "segment": self.pop.segment.copy(),
                     "negative": self.negative.copy(), "first_day": self.first_day.copy(),
                     "first_channel": self.first_channel.copy()}
        daily = {k: v[: self.days + 1].copy() for k, v in self.daily.items()}
        daily["roas"] = metrics_mod.daily_roas(daily)
        return RunResult(summary, daily, self.graph, state, records)


def _read_only(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


#: an empty purchase table shared by the days without repeat purchases (read-only)
_NO_PURCHASES: Purchases = {"buyer": _read_only(np.empty(0, np.int64)), "channel": _read_only(np.empty(0, np.int8)),
                            "price": _read_only(np.empty(0)), "ref": _read_only(np.empty(0, np.int64)),
                            "tag": _read_only(np.empty(0, np.int8))}


def _concat(a: Purchases, b: Purchases) -> Purchases:
    return {k: np.concatenate([a[k], b[k].astype(a[k].dtype, copy=False)]) for k in a}


def simulate(scenario: Scenario, seed: SeedLike, *, keep_state: bool = False, graph: CSRGraph | None = None,
             counterfactual: bool = False) -> RunResult:
    """Run ``scenario`` once from ``seed`` (a run's SeedSequence or an int) and return its result.

    Parameters
    ----------
    scenario : a validated ``Scenario``.
    seed : the run's ``numpy.random.SeedSequence`` (e.g. ``seeding.run_seed(base, k)``) or int.
    keep_state : also return per-node state arrays.
    graph : a prebuilt CSRGraph to use instead of building ``scenario.graph``.
    counterfactual : also run the paired no-marketing counterfactual (same graph, seed and
        random numbers; ``simulation.counterfactual``) and add the incremental metrics.
    """
    eng = Engine(scenario, seed, graph=graph)
    eng.run()
    res = eng.result(keep_state)
    if counterfactual:
        base = Engine(cf.organic(scenario), seed, graph=eng.graph, platform_graphs=eng.platform_graphs, like=eng)
        base.run()
        b = base.result()
        res.summary, res.daily = cf.paired(res.summary, res.daily, b.summary, b.daily)
    return res
