"""The scenario: one TOML document validated by pydantic (unknown keys and bad values rejected).

Top-level keys: ``name``, ``description``, ``days``, ``seed``, ``replications``,
``graph`` (``simulation.config.graph.GraphConfig``), ``population`` (segments, ties),
``product``, ``kol``, ``seeding``, ``funnel``, ``platforms`` (``[[platforms]]``,
``simulation.platforms``) and ``operations`` with one sub-table per
registered operation model (``simulation.operations.REGISTRY``: the block each model
declares, defined next to its runtime in ``simulation/operations/``), and ``counterfactual`` (pair each sweep run with its
no-marketing counterfactual, ``simulation.counterfactual``; default true). A market
(``simulation.market``): ``[[products]]`` (our other products), ``[rival]`` (a rival brand:
a partial scenario merged over ours, ``rival_scenario``) and ``[market]`` (how they
interact). Every error names the dotted field path.
"""
from __future__ import annotations

import copy
import typing
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import Any, Literal, get_origin

from pydantic import BaseModel, Field, PrivateAttr, create_model, model_validator

from ..homophily import check_homophily
from ..kol import KOLConfig
from ..operations import REGISTRY
from ..platforms import PlatformConfig, check_platforms
from ..population import PopulationConfig
from ..targeting import TargetConfig, check_targets
from .base import Label, Money, Probability, Strict
from .graph import GraphConfig
from .paths import set_path, split_path
from .toml import read_toml, read_toml_text


class VersionConfig(Strict):
    """A new version of the product from ``day`` on (phase 0): its quality and / or list price."""

    day: int = Field(ge=1)
    quality: Probability | None = None
    price: Money | None = None


class ProductConfig(Strict):
    """The product: list price, quality, service level, unit cost and repeat purchase.

    ``versions``: new versions on given days (quality, list price; ``simulation.engine`` phase 0).
    ``novelty``: share boost after launch, share propensity x ``1 + novelty * exp(-(t -
    launch_day) / novelty_days)``. ``launch_day``: first day on sale (L > 1: nothing happens
    before day L and the seeds buy on day L; 0 or 1: on sale from the start;
    ``simulation.engine``). ``appeal``: the category interest it appeals to (None: the
    more interest the better, as always; a level a: ``interest`` is replaced by ``1 - |interest - a|``).
    """

    price: Money = 99.0
    quality: Probability = 0.8
    service: Probability = 0.8
    unit_cost: Money = 40.0
    repeat_rate: Probability = 0.0
    versions: list[VersionConfig] = []
    novelty: float = Field(0.0, ge=0.0, le=100.0)
    novelty_days: float = Field(14.0, gt=0.0)
    launch_day: int = Field(0, ge=0)
    appeal: Probability | None = None

    @model_validator(mode="after")
    def _versions_in_order(self):
        days = [v.day for v in self.versions]
        if days != sorted(set(days)):
            raise ValueError(f"versions: days must be distinct and increasing, got {days}")
        return self


class SeedingConfig(Strict):
    """Initial buyers (day 0): ``count`` random people or explicit node labels ``nodes``.

    With ``nodes`` given, ``count`` must be left out or 0 (so ``--set seeding.count=0
    --set seeding.nodes=[1,2]`` switches a scenario from random to chosen seeds).
    """

    count: int = Field(10, ge=0)
    nodes: list[int | Label] | None = None
    free: bool = False
    #: who the ``count`` seeds are drawn among (segments, minimum interest; ``simulation.targeting``)
    target: TargetConfig = Field(default_factory=TargetConfig)

    @model_validator(mode="after")
    def _one(self):
        if self.nodes is not None and "count" in self.model_fields_set and self.count != 0:
            raise ValueError(f"give either count or nodes, not both (count = {self.count}; set it to 0 to use nodes)")
        if self.nodes is not None and self.target.restricts:
            raise ValueError("target: applies to seeds drawn by count, not to the nodes given")
        if self.target.cost_per_exposure > 0:
            raise ValueError("target.cost_per_exposure: seeds are not paid per exposure; leave it 0")
        return self


class MarketProductConfig(Strict):
    """Another product of our brand (``[[products]]``, ``simulation.market``).

    ``relation`` to our product (``product``): a complement raises, a substitute lowers
    the purchase probability of one for people who bought the other by ``factor`` (0 =
    never); ``cross_sell``: probability a buyer of ours is shown this product next day on
    our own channels (strength ``cross_sell_strength``, ``market.cross_sell_cost`` each);
    ``bundle_rate``: probability a first-time buyer of ours takes the bundle of both at
    ``bundle_price`` (complements only). Sold through word of mouth, the platform,
    cross-sell and bundles, and its own ``kol`` and ``operations`` (the scenario's tables,
    none by default: our KOLs and operation models promote our product only; validated in
    our world by ``product_scenario``, errors name ``products.<i>.kol.<field>``). A
    substitute is in our product's category: it also substitutes the rival's product and
    our other substitutes, by ``market.substitution`` (``simulation.market.run``).
    """

    name: Label
    product: ProductConfig = Field(default_factory=ProductConfig)
    seeding: SeedingConfig = Field(default_factory=lambda: SeedingConfig(count=0))
    kol: KOLConfig = Field(default_factory=KOLConfig)
    operations: "OperationsConfig" = Field(default_factory=lambda: OperationsConfig())
    relation: Literal["complement", "substitute", "independent"] = "complement"
    factor: float = Field(1.0, ge=0.0, le=100.0)
    cross_sell: Probability = 0.0
    cross_sell_strength: Probability = 0.1
    bundle_rate: Probability = 0.0
    bundle_price: Money | None = None

    @model_validator(mode="after")
    def _coherent(self):
        if self.relation == "complement" and self.factor < 1:
            raise ValueError(f"factor: a complement's factor is >= 1, got {self.factor}")
        if self.relation == "substitute" and self.factor > 1:
            raise ValueError(f"factor: a substitute's factor is <= 1, got {self.factor}")
        if self.bundle_rate > 0 and (self.relation != "complement" or self.bundle_price is None):
            raise ValueError("bundle_rate: a bundle needs relation = \"complement\" and a bundle_price")
        return self


class MarketConfig(Strict):
    """How the products of a market interact (``simulation.market``).

    ``enabled``: run as a market (per-product and share readouts) even with one product;
    other products or a rival imply it. ``name``: our product's name
    in per-product outputs; ``rival_name`` the rival's.
    ``substitution``: the products of our product's category (ours, our substitutes, the
    rival's) are substitutes: buying one multiplies the purchase probability of another
    by it (0 = never); between ours and our substitute j, j's own ``factor`` instead.
    ``negative_switch``: every negative word heard about one brand's product multiplies
    the purchase probability of the other brand's by ``1 + negative_switch``.
    ``cross_sell_cost``: cost (currency) of one cross-sell message (content spend).
    """

    enabled: bool = False
    name: Label = "ours"
    rival_name: Label = "rival"
    substitution: Probability = 0.5
    negative_switch: float = Field(0.0, ge=0.0, le=10.0)
    cross_sell_cost: Money = 0.0


class FunnelConfig(Strict):
    """Global evaluation, sharing and satisfaction weights (see ``simulation.engine``).

    Every weight at its neutral value (0, or 1 for multipliers) makes its factor exactly 1.
    """

    trust_weight: float = Field(0.0, ge=-20.0, le=20.0)
    interest_weight: float = Field(0.0, ge=-20.0, le=20.0)
    social_proof_weight: float = Field(0.0, ge=0.0, le=50.0)
    quality_weight: float = Field(0.0, ge=0.0, le=20.0)
    reference_price: float = Field(100.0, gt=0.0)
    interest_ratio: float = Field(3.0, ge=1.0)
    interested_share_rate: Probability = 0.0
    negative_impact: Probability = 0.0
    negative_spread: Probability = 0.0
    quality_share: Probability = 0.7
    platform_rate: Probability = 0.0
    platform_strength: Probability = 0.05
    wom_days: int = Field(1, ge=0)  # days an adopter's share keeps reaching friends (0 = until stopped by decay)
    wom_decay: Probability = 0.0  # per-day probability a talking adopter stops, after the first day


#: The ``[operations]`` block: one sub-table per registered model (its declared ``config``),
#: each off unless ``enabled = true``; built from ``simulation.operations.REGISTRY``.
OperationsConfig = create_model(
    "OperationsConfig", __base__=Strict, __module__=__name__,
    __doc__="The registered operation models (``simulation.operations.REGISTRY``); each is off unless enabled.",
    **{name: (op.config, Field(default_factory=op.config)) for name, op in REGISTRY.items()})
MarketProductConfig.model_rebuild()


class Scenario(Strict):
    """A complete, validated scenario."""

    name: Label = "scenario"
    description: str = ""
    days: int = Field(90, ge=1, le=100_000)
    seed: int = Field(0, ge=0)
    replications: int = Field(1, ge=1)
    graph: GraphConfig
    population: PopulationConfig = Field(default_factory=PopulationConfig)
    product: ProductConfig = Field(default_factory=ProductConfig)
    kol: KOLConfig = Field(default_factory=KOLConfig)
    seeding: SeedingConfig = Field(default_factory=SeedingConfig)
    funnel: FunnelConfig = Field(default_factory=FunnelConfig)
    operations: OperationsConfig = Field(default_factory=OperationsConfig)
    #: the brand's other products and the rival brand (``simulation.market``); none by default
    products: list[MarketProductConfig] = []
    rival: dict[str, Any] | None = None
    market: MarketConfig = Field(default_factory=MarketConfig)
    #: pair every sweep run with its no-marketing counterfactual (``simulation.counterfactual``)
    counterfactual: bool = True
    #: platforms as layers over the population (``simulation.platforms``); none: today's single platform
    platforms: list[PlatformConfig] = Field(default_factory=list)

    @model_validator(mode="after")
    def _platforms(self):
        check_platforms(self.platforms, [s.name for s in self.population.segments], self.kol.platform,
                        self.funnel.platform_rate, self.operations)
        return self

    @model_validator(mode="after")
    def _targets_and_homophily(self):
        check_targets(self, [seg.name for seg in self.population.segments])
        check_homophily(self.population.homophily, self.graph)
        return self

    _base_dir: Path | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _market(self):
        names = [p.name for p in self.products] + ([self.market.rival_name] if self.rival is not None else [])
        if self.market.name in names or len(set(names)) != len(names):
            raise ValueError(f"products: product names must be distinct (ours is {self.market.name!r}), got {names}")
        if self.rival is not None:
            rival_scenario(self)  # validated now so its errors name rival.<field>
        for i in range(len(self.products)):
            product_scenario(self, i)  # validated now so its errors name products.<i>.<field>
        return self

    @property
    def base_dir(self) -> Path | None:
        """Directory relative graph files are resolved against (the TOML file's folder)."""
        return self._base_dir


#: Keys of the scenario a rival brand cannot set (the world is shared: one graph, one population).
RIVAL_FIXED = ("graph", "population", "days", "seed", "replications", "funnel", "products", "rival", "market",
               "counterfactual", "name", "description")


def rival_scenario(scenario: "Scenario") -> "Scenario":
    """The rival brand's scenario: ``scenario.rival`` (partial) merged over ours, validated.

    The rival shares our world (graph, population, days, funnel) and brings its own
    ``product``, ``kol``, ``seeding`` and ``operations``: what it leaves out is ours (a rival
    table ``{}`` is a copy of our brand; ``{kol = {count = 0}, seeding = {count = 0}}`` is a
    rival that never sells). Errors name ``rival.<field>``.
    """
    raw = scenario.rival or {}
    fixed = sorted(set(raw) & set(RIVAL_FIXED))
    if fixed:
        raise ValueError(f"rival.{fixed[0]}: the rival shares our {fixed[0]}; it sets only "
                         "product, kol, seeding and operations")
    base = scenario.model_dump(mode="python", exclude={"products", "rival", "market"}, exclude_unset=True)
    return _validated(_merge(base, raw), "rival", scenario.base_dir)


def _validated(raw: dict, prefix: str, base_dir: Path | None) -> "Scenario":
    """``raw`` validated as a Scenario whose errors name ``<prefix>.<field>`` (a rival's, a product's)."""
    from pydantic import ValidationError

    try:
        out = Scenario.model_validate(raw)
    except ValidationError as e:
        err = e.errors()[0]
        where = ".".join(str(x) for x in err["loc"])
        raise ValueError(f"{prefix}.{where}: {err['msg']}") from None
    out._base_dir = base_dir
    return out


#: What a product of ours brings to its own scenario (the rest is our world, our levers off).
PRODUCT_OWN = ("product", "seeding", "kol", "operations")


def product_scenario(scenario: "Scenario", i: int) -> "Scenario":
    """The scenario of our other product ``scenario.products[i]``: our world (graph, population,
    funnel, platforms without paid ads) with its own ``product``, ``seeding``, ``kol`` and
    ``operations`` (none of ours), validated; errors name ``products.<i>.<field>``."""
    entry = scenario.products[i]
    base = scenario.model_dump(mode="python", exclude={"products", "rival", "market", *PRODUCT_OWN},
                               exclude_unset=True)
    for platform in base.get("platforms", []):  # paid ads promote our product (a lever of ours)
        platform.setdefault("ads", {})["budget"] = 0.0
    own = entry.model_dump(mode="python", include=set(PRODUCT_OWN), exclude_unset=True)
    own.setdefault("seeding", {"count": 0})  # a product's default seeding is none (ours: 10)
    base.update(own)
    return _validated(base, f"products.{i}", scenario.base_dir)


def _merge(base: dict, over: dict) -> dict:
    """``over`` merged into a copy of ``base``, tables recursively."""
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _check_path(model: type[BaseModel], parts: list[str], raw: Any, path: str) -> None:
    """Raise ValueError if the dotted ``path`` names no field of ``model``."""
    cls: Any = model
    node = raw
    for depth, part in enumerate(parts):
        if isinstance(cls, type) and issubclass(cls, BaseModel):
            if cls is GraphConfig or cls.__name__ == "GraphConfig":
                return  # generator parameters are checked by GraphConfig itself
            fields = cls.model_fields
            if part not in fields:
                where = ".".join(parts[:depth]) or "the scenario"
                raise ValueError(f"override {path!r}: {part!r} is not a key of {where}; valid: {sorted(fields)}")
            ann = fields[part].annotation
            node = node.get(part) if isinstance(node, dict) else None
            # a list of tables (``platforms``): the next part is an index into it
            cls = ("list", ann) if get_origin(ann) is list and isinstance(node, list) else _model_of(ann)
            if cls is None and dict in {typing.get_origin(a) for a in (ann, *typing.get_args(ann))}:
                return  # a free table (``rival``): checked when it is validated (``rival_scenario``)
            if cls is None and depth < len(parts) - 1:
                if isinstance(node, list):
                    cls = ("list", ann)
                    continue
                raise ValueError(f"override {path!r}: {'.'.join(parts[:depth + 1])!r} has no sub-keys")
        elif isinstance(cls, tuple):  # inside a list: the part is an index
            if not part.isdigit() or node is None or int(part) >= len(node):
                raise ValueError(f"override {path!r}: {part!r} is not an index of {'.'.join(parts[:depth])}")
            node = node[int(part)]
            cls = _model_of(getattr(cls[1], "__args__", (None,))[0])
        else:
            return


def _model_of(ann: Any) -> type[BaseModel] | None:
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    for arg in getattr(ann, "__args__", ()) or ():
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def apply_overrides(raw: dict, overrides: dict[str, object]) -> dict:
    """Return a copy of the raw scenario dict with each dotted path set (paths checked against the schema)."""
    out = copy.deepcopy(raw)
    for path, value in overrides.items():
        try:
            parts = split_path(path)
        except ValueError:
            raise ValueError(f"override {path!r}: empty key in dotted path") from None
        _check_path(Scenario, parts, out, path)
        set_path(out, parts, value, f"override {path!r}")
    return out


def load_scenario(
    path_or_dict: str | PathLike | dict, overrides: dict[str, object] | None = None, *, preflight: bool = False
) -> Scenario:
    """Load and validate a scenario from a TOML file or a dict, after applying dotted-path overrides.

    preflight: also check it against its graph and this machine without building the graph
        (``simulation.config.preflight.check_scenarios`` with ``read_files=False``: sizes
        against a generator's n, memory, an edge-list file's existence). Off by default:
        ``simulate(scenario, graph=g)`` may run it on another graph than its own.
        ``load_experiment`` (validate, run, sweep) always checks, edge lists read in full.
    Raises ``ValueError`` (pydantic's ``ValidationError`` is one) naming the bad field
    path, or the file and what is wrong with it.
    """
    base_dir = None
    if isinstance(path_or_dict, dict):
        raw = path_or_dict
    else:
        p = Path(path_or_dict)
        raw = read_toml(p)
        base_dir = p.resolve().parent
    if overrides:
        raw = apply_overrides(raw, overrides)
    scenario = Scenario.model_validate(raw)
    scenario._base_dir = base_dir
    if preflight:
        from .preflight import check_scenarios

        check_scenarios([scenario.model_dump(mode="json")], base_dir, read_files=False)
    return scenario


def default_scenario_dict() -> dict:
    """The embedded default scenario (``simulation/data/default.toml``) as a raw dict."""
    text = resources.files("simulation").joinpath("data/default.toml").read_text(encoding="utf-8")
    return read_toml_text(text, "default.toml")


def default_scenario(overrides: dict[str, object] | None = None) -> Scenario:
    """The embedded default scenario, validated (optionally with dotted-path overrides)."""
    return load_scenario(default_scenario_dict(), overrides)
