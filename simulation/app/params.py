"""The app's levers: each maps onto one dotted-path override of the embedded default scenario.

``AppModel`` is ``SocialCommerceModel`` built from those levers, so the app runs exactly
the model that ``socsim run`` runs (run 0 of the scenario's seed).
"""
from __future__ import annotations

from simulation.config.scenario import Scenario, default_scenario
from simulation.kol import STRATEGIES
from simulation.model import SocialCommerceModel
from simulation.operations import switches
from simulation.seeding import run_seed

#: Population sizes the app allows (people); the view and the layout stay interactive below this.
N_MIN, N_MAX = 500, 5_000
#: Bargain price floor as a fraction of the list price (the default scenario's 49 of 99).
BARGAIN_FLOOR_SHARE = 0.5
#: People the default scenario's KOL fee (per post) is priced for: a KOL's fee follows its
#: audience, so in a smaller market the app scales the fee down with the population.
FEE_REFERENCE_PEOPLE = 20_000

#: The operation models' on/off switches (name -> label), in registry order: a newly
#: registered model appears in the app without an edit here.
OPERATIONS: dict[str, str] = dict(switches())

#: Each app parameter and the scenario field it sets (a dotted override path).
SCENARIO_PATHS: dict[str, str] = {
    "n": "graph.n",
    "days": "days",
    **{name: f"operations.{name}.enabled" for name in OPERATIONS},
    "kol_count": "kol.count",
    "kol_strategy": "kol.strategy",
    "referral_reward": "operations.relationship.referral_reward",
    "price": "product.price",
    "seed_buyers": "seeding.count",
    "seed": "seed",
    "platforms": "platforms",
}


def platform_mix(n: int) -> list[dict]:
    """The app's three platforms over n people (``simulation.platforms``; as ``experiments/channel_mix.toml``):
    private messaging over the social graph (strong shares, the default scenario's discovery rate
    as its feed), short video with its own follower graph (the young join, weak shares, a
    personalised feed; it hosts the KOLs) and a marketplace (no sharing, an interest-weighted feed)."""
    return [{"name": "messaging", "members": 0.95, "share": {"rate": 1.0, "strength": 1.2},
             "feed": {"rate": 0.0005, "strength": 0.05}},
            {"name": "video", "graph": {"generator": "barabasi_albert", "n": int(n), "m": 3}, "members": 0.4,
             "members_by_segment": {"young_social": 0.9}, "share": {"rate": 0.4, "strength": 0.5},
             "feed": {"rate": 0.004, "strength": 0.03, "interest_weight": 2.0}},
            {"name": "marketplace", "members": 0.7, "share": {"rate": 0.0},
             "feed": {"rate": 0.002, "strength": 0.06, "interest_weight": 3.0}}]


def scenario_overrides(*, n: int = 5000, days: int = 90, kol_count: int = 5,
                       kol_strategy: str = "top_degree", referral_reward: float = 5.0, price: float = 99.0,
                       seed_buyers: int = 20, seed: int = 1, platforms: bool = False,
                       **operations: bool) -> dict[str, object]:
    """The dotted-path overrides of the default scenario for the app's parameters.

    Parameters
    ----------
    n : population size (people, ``N_MIN``..``N_MAX``; graph generator powerlaw_cluster).
    days : horizon (days).
    **operations : ``name=True`` switches a registered operation model on (``OPERATIONS``;
        the others stay off).
    kol_count : number of KOLs; kol_strategy : how they are chosen (``simulation.kol.STRATEGIES``).
    referral_reward : reward per referred purchase paid to the sharer (currency; acts only
        with the relationship model on).
    price : list price (currency); the bargain floor follows it (``BARGAIN_FLOOR_SHARE``).
    seed_buyers : people who buy on day 0.
    seed : the scenario seed (run 0 of it is simulated).
    platforms : three platforms (``platform_mix``) instead of the default's single one; the
        KOLs then live on short video and the page shows per-platform readouts.
    """
    if not N_MIN <= n <= N_MAX:
        raise ValueError(f"n: the app runs populations of {N_MIN}..{N_MAX} people, got {n}")
    unknown = sorted(set(operations) - set(OPERATIONS))
    if unknown:
        raise ValueError(f"{unknown[0]}: not an operation model; models: {', '.join(OPERATIONS)}")
    values = dict(n=int(n), days=int(days), kol_count=int(kol_count),
                  kol_strategy=str(kol_strategy), referral_reward=float(referral_reward), price=float(price),
                  seed_buyers=int(seed_buyers), seed=int(seed), platforms=bool(platforms),
                  **{name: bool(operations.get(name, False)) for name in OPERATIONS})
    out: dict[str, object] = {SCENARIO_PATHS[k]: v for k, v in values.items()}
    out["graph.generator"] = "powerlaw_cluster"
    out["platforms"] = platform_mix(int(n)) if platforms else []
    if platforms:  # discovery moves onto the platforms' feeds
        out["funnel.platform_rate"] = 0.0
        out["kol.platform"] = "video"
    out["operations.event.bargain.floor"] = round(BARGAIN_FLOOR_SHARE * float(price), 2)
    base_fee = default_scenario().kol.fee_per_post
    out["kol.fee_per_post"] = round(base_fee * int(n) / FEE_REFERENCE_PEOPLE, 2)
    return out


def build_scenario(**params) -> Scenario:
    """The validated scenario for the app's parameters (see ``scenario_overrides``)."""
    return default_scenario({"name": "app", "replications": 1, **scenario_overrides(**params)})


class AppModel(SocialCommerceModel):
    """``SocialCommerceModel`` built from the app's parameters (keyword arguments).

    Parameters are those of ``scenario_overrides`` plus ``replication`` (default 0): the
    run simulated is ``simulation.seeding.run_seed(seed, replication)``, the same run
    ``socsim run`` makes as that replication of the scenario.
    """

    def __init__(self, n: int = 5000, days: int = 90, kol_count: int = 5,
                 kol_strategy: str = "top_degree", referral_reward: float = 5.0, price: float = 99.0,
                 seed_buyers: int = 20, seed: int = 1, platforms: bool = False, replication: int = 0, graph=None,
                 **operations: bool):
        self.params = dict(n=n, days=days, **{name: bool(operations.get(name, False)) for name in OPERATIONS},
                           kol_count=kol_count, kol_strategy=kol_strategy,
                           referral_reward=referral_reward, price=price, seed_buyers=seed_buyers, seed=seed,
                           platforms=bool(platforms))
        scenario = build_scenario(**self.params)
        super().__init__(scenario, seed=run_seed(scenario.seed, replication), graph=graph)
        self._view = None


def make_model(**params) -> AppModel:
    """The model the page starts with and rebuilds on *Reset* (parameters as ``scenario_overrides``)."""
    return AppModel(**params)


def _slider(label: str, value, lo, hi, step) -> dict:
    kind = "SliderFloat" if isinstance(value, float) else "SliderInt"
    return {"type": kind, "label": label, "value": value, "min": lo, "max": hi, "step": step}


#: The sidebar controls; names are ``AppModel``'s keyword arguments.
MODEL_PARAMS: dict[str, dict] = {
    "n": _slider("Population (people)", 5000, N_MIN, N_MAX, 100),
    "days": _slider("Days", 90, 30, 180, 10),
    **{name: {"type": "Checkbox", "value": False, "label": label[:1].upper() + label[1:]}
       for name, label in OPERATIONS.items()},
    "kol_count": _slider("KOLs", 5, 0, 20, 1),
    "kol_strategy": {"type": "Select", "value": "top_degree", "values": list(STRATEGIES), "label": "KOL strategy"},
    "referral_reward": _slider("Referral reward (currency)", 5.0, 0.0, 30.0, 1.0),
    "price": _slider("Price (currency)", 99.0, 19.0, 299.0, 5.0),
    "seed_buyers": _slider("Day-0 buyers", 20, 1, 50, 1),
    "seed": _slider("Random seed", 1, 0, 99, 1),
    "platforms": {"type": "Checkbox", "value": False, "label": "Three platforms (messaging, short video, marketplace)"},
}


def default_params() -> dict[str, object]:
    """The value each sidebar control starts at."""
    return {k: v["value"] for k, v in MODEL_PARAMS.items()}


def params_from_query(query: dict[str, str], base: dict[str, object] | None = None) -> dict[str, object]:
    """Parameters from a page address's query (``?n=5000&relationship=1``) over ``base``.

    Unknown keys are ignored; a value that does not parse raises ``ValueError`` naming it.
    """
    out = dict(base or default_params())
    for key, text in query.items():
        if key not in MODEL_PARAMS:
            continue
        kind = MODEL_PARAMS[key]["type"]
        try:
            if kind == "Checkbox":
                if text.lower() not in ("1", "0", "true", "false"):
                    raise ValueError(text)
                out[key] = text.lower() in ("1", "true")
            elif kind == "SliderInt":
                out[key] = int(text)
            elif kind == "SliderFloat":
                out[key] = float(text)
            else:
                out[key] = text
        except ValueError:
            raise ValueError(f"{key}: cannot read {text!r} from the page address") from None
    return out
