"""The bad-input corpus: every malformed or hostile input is refused before anything is written.

Each case runs ``socsim`` in-process on files written to a fresh folder and asserts: the
exit status, that stderr is exactly one line naming the field or file[:line] (no
traceback), and that nothing in the folder was created or changed (no output folder).
Cases cover scenario TOML, experiment TOML, edge lists, ``--set``, command-line flags
and output folders (including one held by another writer's lock).
"""
from __future__ import annotations

import gzip
import json
import os

import pytest

from simulation.cli import EXIT_USAGE, main
from simulation.runner.lock import FolderLock

GRAPH = '[graph]\ngenerator = "powerlaw_cluster"\nn = 300\nm = 3\np = 0.3\n'


def scenario(top: str = "", tables: str = "", graph: str = GRAPH) -> str:
    """A small scenario on the default one: ``top`` keys first, then the graph and ``tables``."""
    return f'scenario = "default"\ndays = 3\nreplications = 1\n{top}\n{graph}\n{tables}'


def on_file(name: str, extra: str = "") -> str:
    """A small scenario whose graph is the edge-list file ``name``."""
    return scenario("", "[kol]\ncount = 0\n[seeding]\ncount = 1\n",
                    graph=f'[graph]\nfile = "{name}"\n{extra}')


def experiment(sweep: str, top: str = "") -> str:
    """A small experiment: the small scenario plus a ``[sweep]`` table."""
    return "# A question.\n" + scenario(top) + "\n[sweep]\n" + sweep


RUN = ["run", "{tmp}/s.toml", "--out", "{tmp}/out", "--workers", "1"]
SWEEP = ["sweep", "{tmp}/e.toml", "--out", "{tmp}/out", "--workers", "1"]
EDGES_OK = "1,2\n2,3\n3,1\n"

# (id, files, argv, needle expected in the one stderr line)
CASES = [
    # ---------------------------------------------------------------- scenario TOML: types
    ("days-bool", {"s.toml": scenario("days = true").replace("days = 3\n", "", 1)}, RUN, "days: must be a whole number"),
    ("days-zero", {"s.toml": scenario().replace("days = 3", "days = 0")}, RUN, "days"),
    ("days-float", {"s.toml": scenario().replace("days = 3", "days = 3.5")}, RUN, "days"),
    ("days-text", {"s.toml": scenario().replace("days = 3", 'days = "3"')}, RUN, "days"),
    ("days-huge", {"s.toml": scenario().replace("days = 3", "days = 1000000000")}, RUN, "days"),
    ("price-inf", {"s.toml": scenario(tables="[product]\nprice = inf\n")}, RUN, "product.price: must be a finite number"),
    ("price-negative", {"s.toml": scenario(tables="[product]\nprice = -1.0\n")}, RUN, "product.price"),
    ("price-bool", {"s.toml": scenario(tables="[product]\nprice = false\n")}, RUN, "product.price"),
    ("quality-nan", {"s.toml": scenario(tables="[product]\nquality = nan\n")}, RUN,
     "product.quality: must be a finite number"),
    ("quality-above-one", {"s.toml": scenario(tables="[product]\nquality = 1.5\n")}, RUN, "product.quality"),
    ("reference-price-inf", {"s.toml": scenario(tables="[funnel]\nreference_price = inf\n")}, RUN,
     "funnel.reference_price: must be a finite number"),
    ("trust-weight-range", {"s.toml": scenario(tables="[funnel]\ntrust_weight = 100.0\n")}, RUN, "funnel.trust_weight"),
    ("kol-count-negative", {"s.toml": scenario(tables="[kol]\ncount = -1\n")}, RUN, "kol.count"),
    ("kol-count-bool", {"s.toml": scenario(tables="[kol]\ncount = true\n")}, RUN, "kol.count: must be a whole number"),
    ("kol-strategy-unknown", {"s.toml": scenario(tables='[kol]\nstrategy = "magic"\n')}, RUN, "kol.strategy"),
    ("seed-negative", {"s.toml": scenario("seed = -1")}, RUN, "seed"),
    ("replications-zero", {"s.toml": scenario().replace("replications = 1", "replications = 0")}, RUN, "replications"),
    ("enabled-text", {"s.toml": scenario(tables='[operations.relationship]\nenabled = "yes"\n')}, RUN,
     "operations.relationship.enabled: must be true or false"),
    ("enabled-int", {"s.toml": scenario(tables="[operations.relationship]\nenabled = 1\n")}, RUN,
     "operations.relationship.enabled"),
    ("unknown-top-key", {"s.toml": scenario("colour = 1")}, RUN, "colour"),
    ("unknown-table-key", {"s.toml": scenario(tables="[product]\ncolour = 1\n")}, RUN, "product.colour"),
    ("name-nul", {"s.toml": scenario('name = "a\\u0000b"')}, RUN, "name: must not contain control characters"),
    ("name-newline", {"s.toml": scenario('name = "a\\nb"')}, RUN, "name"),
    ("name-number", {"s.toml": scenario("name = 5")}, RUN, "name"),
    ("description-table", {"s.toml": scenario("description = {a = 1}")}, RUN, "description"),
    ("seeding-both", {"s.toml": scenario(tables="[seeding]\ncount = 3\nnodes = [1, 2]\n")}, RUN, "seeding"),
    ("seeding-label-nul", {"s.toml": scenario(tables='[seeding]\ncount = 0\nnodes = ["a\\u0000"]\n')}, RUN,
     "seeding.nodes"),
    ("segment-name-control", {"s.toml": scenario(tables='[[population.segments]]\nname = "a\\u0001"\nshare = 1.0\n')},
     RUN, "population.segments.0.name: must not contain control characters"),
    ("description-nul", {"s.toml": scenario('description = "x\\u0000"')}, RUN, "description"),
    # ---------------------------------------------------------------- scenario TOML: against the graph
    ("kol-count-above-n", {"s.toml": scenario(tables="[kol]\ncount = 301\n")}, RUN, "kol.count: 301 KOLs"),
    ("seeding-count-above-n", {"s.toml": scenario(tables="[seeding]\ncount = 1000\n")}, RUN, "seeding.count"),
    ("seeding-node-missing", {"s.toml": scenario(tables="[seeding]\ncount = 0\nnodes = [5000]\n")}, RUN,
     "seeding.nodes: 5000 is not a node"),
    ("seeding-node-text-on-int-graph", {"s.toml": scenario(tables='[seeding]\ncount = 0\nnodes = ["x"]\n')},
     RUN, "seeding.nodes"),
    ("seeding-node-duplicate", {"s.toml": scenario(tables="[seeding]\ncount = 0\nnodes = [1, 1]\n")}, RUN,
     "seeding.nodes: 1 is listed twice"),
    ("partner-audience-empty", {"s.toml": scenario(
        tables="[operations.crossover]\nenabled = true\npartner_audience_share = 0.001\n")}, RUN,
     "operations.crossover.partner_audience_share"),
    ("n-1e12-memory", {"s.toml": scenario(graph=GRAPH.replace("n = 300", "n = 1000000000000"))}, RUN,
     "of memory"),
    # ---------------------------------------------------------------- scenario TOML: graph table
    ("graph-both", {"s.toml": scenario(graph=GRAPH + 'file = "e.csv"\n'), "e.csv": EDGES_OK}, RUN, "graph"),
    ("graph-neither", {"s.toml": scenario(graph="[graph]\n")}, RUN, "graph"),
    ("generator-unknown", {"s.toml": scenario(graph='[graph]\ngenerator = "magic"\nn = 10\n')}, RUN, "magic"),
    ("generator-param-unknown", {"s.toml": scenario(graph=GRAPH + "q = 1\n")}, RUN, "'q'"),
    ("generator-n-bool", {"s.toml": scenario(graph=GRAPH.replace("n = 300", "n = true"))}, RUN, "n"),
    ("generator-n-float", {"s.toml": scenario(graph=GRAPH.replace("n = 300", "n = 1.5"))}, RUN, "n"),
    ("generator-p-nan", {"s.toml": scenario(graph=GRAPH.replace("p = 0.3", "p = nan"))}, RUN, "p: must be a finite"),
    ("directed-text", {"s.toml": on_file("e.csv", 'directed = "yes"\n'), "e.csv": EDGES_OK}, RUN, "graph.directed"),
    ("directed-on-generator", {"s.toml": scenario(graph=GRAPH + "directed = true\n")}, RUN, "directed"),
    ("header-text", {"s.toml": on_file("e.csv", 'header = "yes"\n'), "e.csv": EDGES_OK}, RUN, "graph.header"),
    ("header-on-generator", {"s.toml": scenario(graph=GRAPH + "header = true\n")}, RUN, "header"),
    # ---------------------------------------------------------------- edge-list files
    ("edges-missing", {"s.toml": on_file("nope.csv")}, RUN, "nope.csv: no such file"),
    ("edges-one-column", {"s.toml": on_file("e.csv"), "e.csv": "1\n2\n3\n"}, RUN, "e.csv:1: expected 2 or 3 fields"),
    ("edges-four-columns", {"s.toml": on_file("e.csv"), "e.csv": "1,2\n2,3,1,1\n"}, RUN, "e.csv:2:"),
    ("edges-gzip", {"s.toml": on_file("e.csv"), "e.csv": gzip.compress(EDGES_OK.encode())}, RUN, "e.csv:1: gzip"),
    ("edges-nul", {"s.toml": on_file("e.csv"), "e.csv": b"1,2\n2,3\n3,\x001\n"}, RUN, "e.csv:3: control character"),
    ("edges-bell", {"s.toml": on_file("e.txt"), "e.txt": b"a b\nb\x07 c\n"}, RUN, "e.txt:2: control character"),
    ("edges-unknown-header", {"s.toml": on_file("e.csv"), "e.csv": "person,friend\n1,2\n2,3\n"}, RUN,
     "e.csv:1: 'person,friend' looks like a header"),
    ("edges-inconsistent", {"s.toml": on_file("e.csv"), "e.csv": "1,2,0.5\n2,3\n"}, RUN, "e.csv:2: expected 3 fields"),
    ("edges-empty-field", {"s.toml": on_file("e.csv"), "e.csv": "1,2\n,3\n"}, RUN, "e.csv:2: field 1 is empty"),
    ("edges-bad-weight", {"s.toml": on_file("e.csv"), "e.csv": "1,2,0.5\n2,3,heavy\n"}, RUN,
     "e.csv:2: weight 'heavy' is not a number"),
    ("edges-nan-weight", {"s.toml": on_file("e.csv"), "e.csv": "1,2,0.5\n2,3,nan\n"}, RUN, "e.csv:2: weight 'nan'"),
    ("edges-empty-file", {"s.toml": on_file("e.csv"), "e.csv": ""}, RUN, "e.csv: graph is empty"),
    ("edges-only-comments", {"s.toml": on_file("e.csv"), "e.csv": "# nothing\n\n"}, RUN, "graph is empty"),
    ("edges-only-header", {"s.toml": on_file("e.csv"), "e.csv": "source,target\n"}, RUN, "graph is empty"),
    ("edges-bad-utf8", {"s.toml": on_file("e.csv"), "e.csv": b"a,b\n\xff\xfe,c\n"}, RUN, "e.csv: node labels"),
    ("edges-directory", {"s.toml": on_file("d"), "d/x": "1,2\n"}, RUN, "d: not a regular file"),
    ("edges-seed-label-missing", {"s.toml": on_file("e.csv").replace("count = 1\n", 'count = 0\nnodes = ["z"]\n'),
                                  "e.csv": "a,b\nb,c\n"}, RUN, "seeding.nodes: 'z' is not a node"),
    ("edges-kol-above-n", {"s.toml": on_file("e.csv").replace("[kol]\ncount = 0", "[kol]\ncount = 4"),
                           "e.csv": EDGES_OK}, RUN, "kol.count: 4 KOLs, but the graph has only 3"),
    # ---------------------------------------------------------------- TOML files themselves
    ("toml-syntax", {"s.toml": scenario("days = = 3")}, RUN, "s.toml:4: invalid TOML"),
    ("toml-nul", {"s.toml": scenario().encode() + b"\x00"}, RUN, "s.toml:"),
    ("toml-latin1", {"s.toml": scenario('name = "caf\xe9"').encode("latin-1")}, RUN, "s.toml: not UTF-8"),
    ("toml-missing", {}, RUN, "s.toml: no such file"),
    ("toml-directory", {"s.toml/x": "1"}, RUN, "s.toml"),
    ("toml-duplicate-key", {"s.toml": scenario("days = 4")}, RUN, "s.toml:"),
    # ---------------------------------------------------------------- experiment TOML
    ("levels-1e12", {"e.toml": experiment('[sweep.parameters]\n"kol.count" = {low = 0, high = 9, levels = 1000000000000}\n')},
     SWEEP, "sweep: 1000000000000 points"),
    ("grid-2-million", {"e.toml": experiment(
        '[sweep.parameters]\n"kol.count" = {low = 0, high = 1999, levels = 2000}\n'
        '"product.price" = {low = 1.0, high = 100.0, levels = 1000}\n')}, SWEEP, "exceeds 1000000 runs"),
    ("lhs-samples-1e12", {"e.toml": experiment('design = "lhs"\nsamples = 1000000000000\n[sweep.parameters]\n'
                                               '"product.price" = {low = 1.0, high = 2.0}\n')}, SWEEP, "exceeds"),
    ("design-unknown", {"e.toml": experiment('design = "magic"\n')}, SWEEP, "sweep.design"),
    ("parameter-path-unknown", {"e.toml": experiment('[sweep.parameters]\n"kol.colour" = [1, 2]\n')}, SWEEP,
     "sweep.parameters.kol.colour"),
    ("parameter-empty-list", {"e.toml": experiment('[sweep.parameters]\n"kol.count" = []\n')}, SWEEP, "kol.count"),
    ("range-inverted", {"e.toml": experiment('[sweep.parameters]\n"kol.count" = {low = 5, high = 1, levels = 2}\n')},
     SWEEP, "low (5) > high (1)"),
    ("range-inf", {"e.toml": experiment('[sweep.parameters]\n"product.price" = {low = 1.0, high = inf, levels = 2}\n')},
     SWEEP, "sweep.parameters"),
    ("range-bool", {"e.toml": experiment('[sweep.parameters]\n"kol.count" = {low = false, high = 3, levels = 2}\n')},
     SWEEP, "sweep.parameters"),
    ("sweep-replications-bool", {"e.toml": experiment("replications = true\n")}, SWEEP, "sweep.replications"),
    ("sweep-seed-negative", {"e.toml": experiment("seed = -5\n")}, SWEEP, "sweep.seed"),
    ("sweep-crn-text", {"e.toml": experiment('crn = "yes"\n')}, SWEEP, "sweep.crn"),
    ("sobol-not-power-of-2", {"e.toml": experiment('design = "sobol"\nsamples = 6\n[sweep.parameters]\n'
                                                   '"product.price" = {low = 1.0, high = 2.0}\n')}, SWEEP,
     "power of 2"),
    ("variants-duplicate", {"e.toml": experiment('design = "scenarios"\n[[sweep.scenarios]]\nname = "a"\n'
                                                 '[[sweep.scenarios]]\nname = "a"\n')}, SWEEP, "duplicate"),
    ("variant-name-control", {"e.toml": experiment('design = "scenarios"\n[[sweep.scenarios]]\nname = "a\\u0007"\n')},
     SWEEP, "sweep.scenarios.0.name"),
    ("variant-set-unknown", {"e.toml": experiment('design = "scenarios"\n[[sweep.scenarios]]\nname = "a"\n'
                                                  'set = {"kol.colour" = 1}\n')}, SWEEP, "kol.colour"),
    ("point-invalid", {"e.toml": experiment('[sweep.parameters]\n"kol.count" = [1, -1]\n')}, SWEEP,
     "design point p1"),
    ("point-too-many-kols", {"e.toml": experiment('[sweep.parameters]\n"kol.count" = [1, 500]\n')}, SWEEP,
     "design point p1: kol.count: 500 KOLs"),
    ("values-mixed", {"e.toml": experiment('[sweep.parameters]\n"kol.count" = [1, "two"]\n')}, SWEEP, "mix"),
    ("scenario-ref-missing", {"e.toml": experiment("").replace('scenario = "default"', 'scenario = "nope.toml"')},
     SWEEP, "nope.toml"),
    ("scenario-ref-number", {"e.toml": experiment("").replace('scenario = "default"', "scenario = 5")}, SWEEP,
     "scenario: expected"),
    ("sweep-not-table", {"e.toml": scenario("sweep = 3")}, ["sweep", "{tmp}/e.toml", "--out", "{tmp}/out"],
     "sweep: expected a table"),
    ("sweep-missing", {"e.toml": scenario()}, SWEEP, "sweep: missing [sweep] table"),
    ("run-with-sweep", {"s.toml": experiment("replications = 1\n")}, RUN, "socsim sweep"),
    ("title-number", {"e.toml": experiment("title = 5\n")}, SWEEP, "sweep.title"),
    ("levels-on-lhs", {"e.toml": experiment('design = "lhs"\nsamples = 4\n[sweep.parameters]\n'
                                            '"product.price" = {low = 1.0, high = 2.0, levels = 3}\n')}, SWEEP,
     "levels"),
    # ---------------------------------------------------------------- --set
    ("set-days-bool", {"s.toml": scenario()}, RUN + ["--set", "days=true"], "days: must be a whole number"),
    ("set-enabled-yes", {"s.toml": scenario()}, RUN + ["--set", "operations.relationship.enabled=yes"],
     "operations.relationship.enabled: must be true or false"),
    ("set-no-equals", {"s.toml": scenario()}, RUN + ["--set", "kol.count"], "dotted.path=value"),
    ("set-empty-key", {"s.toml": scenario()}, RUN + ["--set", "=5"], "dotted.path=value"),
    ("set-empty-segment", {"s.toml": scenario()}, RUN + ["--set", "kol..count=1"], "kol..count"),
    ("set-unknown-key", {"s.toml": scenario()}, RUN + ["--set", "kol.colour=1"], "kol.colour"),
    ("set-through-value", {"s.toml": scenario()}, RUN + ["--set", "days.x=1"], "days"),
    ("set-price-inf", {"s.toml": scenario()}, RUN + ["--set", "product.price=inf"], "product.price: must be a finite"),
    ("set-quality-nan", {"s.toml": scenario()}, RUN + ["--set", "product.quality=nan"], "product.quality: must be a finite"),
    ("set-control-char", {"s.toml": scenario()}, RUN + ["--set", "name=a\x07b"], "control characters"),
    ("set-bad-toml-value", {"s.toml": scenario()}, RUN + ["--set", "kol.count=[1,"], "not a TOML value"),
    ("set-list-for-int", {"s.toml": scenario()}, RUN + ["--set", "kol.count=[1,2]"], "kol.count"),
    ("set-n-1e12", {"s.toml": scenario()}, RUN + ["--set", "graph.n=1000000000000"], "of memory"),
    ("set-sweep-replications", {"e.toml": experiment("replications = 1\n")}, SWEEP + ["--set", "sweep.replications=0"],
     "sweep.replications"),
    ("set-sweep-on-value", {"e.toml": experiment("replications = 1\n")}, SWEEP + ["--set", "sweep.seed.x=1"],
     "seed"),
    # ---------------------------------------------------------------- command-line flags
    ("workers-zero", {"s.toml": scenario()}, RUN + ["--workers", "0"], "workers"),
    ("workers-text", {"s.toml": scenario()}, RUN + ["--workers", "two"], "workers"),
    ("replications-flag-zero", {"s.toml": scenario()}, RUN + ["--replications", "0"], "--replications"),
    ("seed-flag-negative", {"s.toml": scenario()}, RUN + ["--seed", "-1"], "seed"),
    ("chunk-size-zero", {"s.toml": scenario()}, RUN + ["--chunk-size", "0"], "--chunk-size"),
    ("backend-unknown", {"s.toml": scenario()}, RUN + ["--backend", "mpi"], "--backend"),
    ("scheduler-without-dask", {"s.toml": scenario()}, RUN + ["--scheduler", "tcp://x:1"], "--backend dask"),
    ("resume-and-overwrite", {"s.toml": scenario()}, RUN + ["--resume", "--overwrite"], "exclude each other"),
    ("app-port-70000", {}, ["app", "--port", "70000"], "1-65535"),
    ("app-port-zero", {}, ["app", "--port", "0"], "port"),
    ("app-port-text", {}, ["app", "--port", "http"], "port"),
    ("app-host-blank", {}, ["app", "--host", "a b"], "--host"),
    ("command-unknown", {}, ["frobnicate"], "invalid choice"),
    ("run-no-file", {}, ["run"], "SCENARIO"),
    ("validate-missing", {}, ["validate", "{tmp}/nope.toml"], "nope.toml: no such file"),
    ("flag-unknown", {"s.toml": scenario()}, RUN + ["--fast"], "--fast"),
    # ---------------------------------------------------------------- output folders
    ("out-is-a-file", {"s.toml": scenario(), "out": "x"}, RUN, "out: exists and is not a directory"),
    ("out-not-empty", {"s.toml": scenario(), "out/notes.txt": "mine"}, RUN, "out: not empty"),
    ("resume-without-manifest", {"s.toml": scenario(), "out/notes.txt": "mine"}, RUN + ["--resume"],
     "no manifest.json"),
    ("resume-other-sweep", {"s.toml": scenario(), "out/manifest.json": json.dumps({"design": {}, "finished": None})},
     RUN + ["--resume"], "cannot resume"),
    ("resume-bad-manifest", {"s.toml": scenario(), "out/manifest.json": "{not json"}, RUN + ["--resume"],
     "manifest.json: unreadable manifest"),
    ("resume-manifest-list", {"s.toml": scenario(), "out/manifest.json": "[1, 2]"}, RUN + ["--resume"],
     "manifest.json: not a socsim manifest"),
    ("report-no-dir", {}, ["report", "{tmp}/nope"], "nope: no such directory"),
    ("report-no-manifest", {"r/notes.txt": "x"}, ["report", "{tmp}/r"], "no manifest.json"),
    ("report-bad-manifest", {"r/manifest.json": "{oops"}, ["report", "{tmp}/r"], "manifest.json"),
    ("out-locked", {"s.toml": scenario(), "out/.socsim.lock": ""}, RUN, "in use by process"),
    ("report-locked", {"r/manifest.json": "{}", "r/.socsim.lock": ""}, ["report", "{tmp}/r"], "in use by process"),
    ("platform-members-range", {"s.toml": scenario(tables='[[platforms]]\nname = "chat"\nmembers = 1.5\n')}, RUN,
     "platforms.0.members"),
    ("platform-graph-size", {"s.toml": scenario(tables='[funnel]\nplatform_rate = 0.0\n[[platforms]]\nname = "video"\n[platforms.graph]\n'
                                                      'generator = "erdos_renyi"\nn = 50\nmean_degree = 2.0\n')},
     RUN, "platforms.0.graph: the generator makes 50 nodes"),
    ("platform-graph-label", {"s.toml": scenario(tables='[funnel]\nplatform_rate = 0.0\n[[platforms]]\nname = "chat"\n[platforms.graph]\n'
                                                       'file = "chat.csv"\n'), "chat.csv": "1,2\n2,9999\n"},
     RUN, "platforms.0.graph.file: node 9999 is not a person"),
    ("rival-kol-negative", {"s.toml": scenario(tables="[rival]\nkol = { count = -1 }\n")}, RUN, "rival.kol.count"),
    ("rival-sets-graph", {"s.toml": scenario(tables="[rival.graph]\nn = 5\n")}, RUN, "rival.graph"),
    ("product-version-order", {"s.toml": scenario(tables="[product]\nversions = [{ day = 5 }, { day = 2 }]\n")},
     RUN, "product.versions"),
    ("products-bundle-substitute", {"s.toml": scenario(tables='[[products]]\nname = "b"\nrelation = "substitute"\n'
                                                              'factor = 0.5\nbundle_rate = 0.1\nbundle_price = 9.0\n')},
     RUN, "products.0"),
    ("live-waves-zero", {"s.toml": scenario(tables="[operations.live]\nenabled = true\nwaves = 0\n")}, RUN,
     "operations.live.waves"),
    ("live-host-missing", {"s.toml": scenario(tables="[kol]\ncount = 2\n[operations.live]\nenabled = true\nkol = 2\n")},
     RUN, "operations.live.kol: KOL 2 does not exist"),
    ("distribution-who-unknown", {"s.toml": scenario(
        tables='[operations.distribution]\nenabled = true\ndistributors = "friends"\n')}, RUN,
     "operations.distribution.distributors"),
    ("service-agents-float", {"s.toml": scenario(tables="[operations.service]\nenabled = true\nagents = 2.5\n")}, RUN,
     "operations.service.agents"),
    ("service-patience-zero", {"s.toml": scenario(tables="[operations.service]\npatience = 0.0\n")}, RUN,
     "operations.service.patience"),
    ("store-off-the-map", {"s.toml": scenario(tables="[operations.store]\nenabled = true\nstores = [[1.5, 0.2]]\n")},
     RUN, "operations.store.stores.0.0"),
    ("store-event-cost-text", {"s.toml": scenario(
        tables='[operations.store]\nenabled = true\n[[operations.store.events]]\ncost = "lots"\n')},
     RUN, "operations.store.events.0"),
    ("community-strategy", {"s.toml": scenario(
        tables='[operations.community]\nenabled = true\nstrategy = "loudest"\n')}, RUN, "operations.community.strategy"),
    ("store-count-above-n", {"s.toml": scenario(tables="[operations.store]\nenabled = true\nstore_count = 400\n")},
     RUN, "operations.store.store_count: 400 stores"),
    ("community-leaders-above-n", {"s.toml": scenario(tables="[operations.community]\nenabled = true\nleaders = 301\n")},
     RUN, "operations.community.leaders: 301 leaders"),
    # ---------------------------------------------------------------- targeting and homophily
    ("target-segment-unknown", {"s.toml": scenario(tables='[operations.event.campaign.target]\nsegments = ["vip"]\n')},
     RUN, "operations.event.campaign.target.segments: unknown segment(s) ['vip']"),
    ("seeding-target-interest-text", {"s.toml": scenario(tables='[seeding.target]\nmin_interest = "high"\n')}, RUN,
     "seeding.target.min_interest"),
    ("homophily-mixing-above-one", {"s.toml": scenario(tables="[population.homophily]\nmixing = 1.5\n")}, RUN,
     "population.homophily.mixing"),
    ("homophily-blocks-not-sbm",
     {"s.toml": scenario(tables='[population.homophily]\nmixing = 0.5\nmethod = "blocks"\n')}, RUN, "population.homophily.method: 'blocks' needs graph.generator"),
    ("profile-sum", {"s.toml": scenario(tables='[[population.segments]]\nname = "a"\nshare = 1.0\n'
                                              'profile = { age = { "18-24" = 0.5, "25+" = 0.4 } }\n')},
     RUN, "population.segments.0.profile.age: probabilities must sum to 1, got 0.9"),
    ("profile-empty-label", {"s.toml": scenario(tables='[[population.segments]]\nname = "a"\nshare = 1.0\n'
                                                      'profile = { region = { "" = 1.0 } }\n')},
     RUN, "population.segments.0.profile.region: labels must be non-empty text"),
    ("profile-probability", {"s.toml": scenario(tables='[[population.segments]]\nname = "a"\nshare = 1.0\n'
                                                      'profile = { income = { low = 1.5, high = -0.5 } }\n')},
     RUN, "population.segments.0.profile.income.low"),
    ("profile-missing-attribute", {"s.toml": scenario(tables=(
        '[[population.segments]]\nname = "a"\nshare = 0.5\nprofile = { age = { "18-24" = 1.0 } }\n'
        '[[population.segments]]\nname = "b"\nshare = 0.5\n'))},
     RUN, "segment 'b' has no profile.age"),
    ("lever-platform-unknown", {"s.toml": scenario(tables=(
        '[funnel]\nplatform_rate = 0.0\n[[platforms]]\nname = "chat"\n'
        '[operations.event.campaign]\nplatform = "video"\n'))},
     RUN, "operations.event.campaign.platform: unknown platform 'video'"),
    ("lever-platform-undeclared", {"s.toml": scenario(tables='[operations.content]\nplatform = "video"\n')},
     RUN, "operations.content.platform: 'video' names no platform"),
    ("product-kol-count-negative", {"s.toml": scenario(tables='[[products]]\nname = "case"\nkol = { count = -1 }\n')},
     RUN, "products.0.kol.count"),
    ("product-kol-target-segment-unknown",
     {"s.toml": scenario(tables='[[products]]\nname = "case"\nkol = { count = 1, target = { segments = ["vip"] } }\n')},
     RUN, "products.0.kol.target.segments: unknown segment(s) ['vip']"),
]


def _snapshot(root) -> dict:
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            st = os.lstat(p)
            out[os.path.relpath(p, root)] = (st.st_size, st.st_mtime_ns, st.st_mode)
    return out


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_in_one_line_and_writes_nothing(tmp_path, capsys, monkeypatch, case):
    name, files, argv, needle = case
    monkeypatch.chdir(tmp_path)
    for rel, content in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    argv = [a.format(tmp=tmp_path) for a in argv]
    locked = [d for d in ("out", "r") if (tmp_path / d / ".socsim.lock").exists()]
    holder = FolderLock(tmp_path / locked[0]) if locked else None
    before = None
    try:
        if holder:
            holder.acquire()  # another writer holds the folder (flock conflicts across open files)
        before = _snapshot(tmp_path)
        try:
            status = main(argv)
        except SystemExit as e:  # argparse usage errors
            status = e.code
        after = _snapshot(tmp_path)
    finally:
        if holder:
            holder.release()
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert status == EXIT_USAGE, err
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith("socsim") and "error:" in lines[0], err
    assert needle in lines[0], err
    assert after == before, f"{name}: the folder changed"
    assert not (tmp_path / "out" / "manifest.json").exists() or "out/manifest.json" in files


def test_corpus_size():
    assert len(CASES) >= 80 and len({c[0] for c in CASES}) == len(CASES)
