"""Experiment files: validation before anything runs, overrides, designs resolved from the file."""
from __future__ import annotations

import pytest

from simulation.cli import main
from simulation.config.experiment import (
    ExperimentError,
    load_experiment,
    opening_comment,
    parse_override,
)
from tests.runner.small import grid_file, small_base, write

BASE = small_base()

# (case id, experiment text, text the error message must contain: the field at fault)
MALFORMED = [
    ("unknown-scenario-key", "dayz = 3\n" + BASE + "[sweep]\nseed = 1\n", "dayz"),
    ("unknown-sweep-key", BASE + "[sweep]\ndesgin = 'grid'\n", "sweep.desgin"),
    ("unknown-design", BASE + "[sweep]\ndesign = 'factorial'\n", "sweep.design"),
    ("path-not-in-scenario", BASE + "[sweep.parameters]\n'kol.cont' = [1, 2]\n", "sweep.parameters.kol.cont"),
    ("path-into-a-value", BASE + "[sweep.parameters]\n'kol.count.x' = [1]\n", "kol.count.x"),
    ("unknown-top-table", BASE + "[sweep.parameters]\n'kols.count' = [1]\n", "kols.count"),
    ("range-low-above-high", BASE + "[sweep.parameters]\n'product.price' = {low = 10, high = 5, levels = 2}\n",
     "product.price"),
    ("grid-range-without-levels", BASE + "[sweep.parameters]\n'product.price' = {low = 5, high = 10}\n",
     "product.price"),
    ("negative-replications", BASE + "[sweep]\nreplications = -1\n", "sweep.replications"),
    ("zero-replications", BASE + "[sweep]\nreplications = 0\n", "sweep.replications"),
    ("negative-kol-count", BASE + "[sweep.parameters]\n'kol.count' = [-1, 2]\n", "kol.count"),
    ("negative-samples", BASE + "[sweep]\ndesign = 'lhs'\nsamples = -5\n"
     "[sweep.parameters]\n'product.price' = {low = 5, high = 10}\n", "sweep.samples"),
    ("lhs-with-a-list", BASE + "[sweep]\ndesign = 'lhs'\nsamples = 4\n[sweep.parameters]\n'kol.count' = [1, 2]\n",
     "kol.count"),
    ("sobol-samples-not-power-of-2", BASE + "[sweep]\ndesign = 'sobol'\nsamples = 6\n"
     "[sweep.parameters]\n'product.price' = {low = 5, high = 10}\n", "samples"),
    ("lhs-without-samples", BASE + "[sweep]\ndesign = 'lhs'\n[sweep.parameters]\n'product.price' = {low = 5, high = 10}\n",
     "samples"),
    ("empty-value-list", BASE + "[sweep.parameters]\n'kol.count' = []\n", "kol.count"),
    ("scenarios-without-variants", BASE + "[sweep]\ndesign = 'scenarios'\n", "scenarios"),
    ("duplicate-variant-names", BASE + "[sweep]\ndesign = 'scenarios'\n[[sweep.scenarios]]\nname = 'a'\n"
     "[[sweep.scenarios]]\nname = 'a'\n", "duplicate"),
    ("variant-unknown-path", BASE + "[sweep]\ndesign = 'scenarios'\n[[sweep.scenarios]]\nname = 'a'\n"
     "set = {'kol.cnt' = 1}\n", "kol.cnt"),
    ("variant-invalid-value", BASE + "[sweep]\ndesign = 'scenarios'\n[[sweep.scenarios]]\nname = 'hi'\n"
     "set = {'product.quality' = 2.0}\n", "product.quality"),
    ("variant-unknown-key", BASE + "[sweep]\ndesign = 'scenarios'\n[[sweep.scenarios]]\nname = 'a'\ncolour = 'red'\n",
     "colour"),
    ("range-bound-not-a-number", BASE + "[sweep.parameters]\n'product.price' = {low = 'a', high = 5, levels = 2}\n",
     "low"),
    ("invalid-toml", BASE + "[sweep\nseed = 1\n", "invalid TOML"),
    ("negative-seed", BASE + "[sweep]\nseed = -3\n", "sweep.seed"),
    ("missing-base-file", "scenario = 'no_such_scenario.toml'\n", "scenario"),
    ("parameters-with-scenarios-design", BASE + "[sweep]\ndesign = 'scenarios'\n[[sweep.scenarios]]\nname = 'a'\n"
     "[sweep.parameters]\n'kol.count' = [1]\n", "scenarios"),
    ("mixed-value-types", BASE + "[sweep.parameters]\n'kol.count' = ['a', 1]\n", "kol.count"),
    ("swept-range-leaves-schema", BASE + "[sweep.parameters]\n'product.quality' = {low = 0.5, high = 1.5, levels = 3}\n",
     "product.quality"),
    ("samples-on-a-grid", BASE + "[sweep]\nsamples = 8\n", "samples"),
    ("crn-not-a-bool", BASE + "[sweep]\ncrn = 'yes'\n", "sweep.crn"),
    ("unknown-kol-strategy", BASE + "[sweep.parameters]\n'kol.strategy' = ['top_degree', 'bogus']\n", "kol.strategy"),
    ("days-zero", BASE.replace("days = 15", "days = 0") + "[sweep]\nseed = 1\n", "days"),
    ("integer-range-too-many-levels", BASE + "[sweep.parameters]\n'kol.count' = {low = 0, high = 2, levels = 5}\n",
     "kol.count"),
    ("scenario-not-a-string", "scenario = 3\n", "scenario"),
    ("sweep-not-a-table", "sweep = 3\n" + BASE, "sweep"),
]


def test_there_are_at_least_twenty_malformed_cases():
    assert len(MALFORMED) >= 20


@pytest.mark.parametrize("text,field", [(t, f) for _, t, f in MALFORMED], ids=[c for c, _, _ in MALFORMED])
def test_malformed_file_is_rejected_naming_the_field_and_nothing_is_written(tmp_path, capsys, text, field):
    path = write(tmp_path / "bad.toml", text)
    with pytest.raises(ExperimentError) as err:
        load_experiment(path)
    assert field in str(err.value)

    out = tmp_path / "out"
    status = main(["sweep", str(path), "--out", str(out), "--workers", "1", "--quiet"])
    stderr = capsys.readouterr().err
    assert status == 2
    assert field in stderr
    assert len(stderr.strip().splitlines()) == 1 and "Traceback" not in stderr
    assert not out.exists()


def test_valid_grid_resolves_points_seed_and_question(tmp_path):
    exp = load_experiment(grid_file(tmp_path, replications=3))
    assert exp.design.type == "grid"
    assert exp.design.columns == ("kol.count", "operations.relationship.referral_reward")
    # The last parameter varies fastest.
    assert [p.params for p in exp.design.points] == [
        {"kol.count": 0, "operations.relationship.referral_reward": 0.0},
        {"kol.count": 0, "operations.relationship.referral_reward": 10.0},
        {"kol.count": 3, "operations.relationship.referral_reward": 0.0},
        {"kol.count": 3, "operations.relationship.referral_reward": 10.0},
    ]
    assert exp.n_runs == 12 and exp.seed == 11 and exp.crn
    assert exp.question.startswith("Does a KOL campaign pay for itself")
    # Each point's scenario carries its values; the base scenario is untouched.
    assert exp.scenarios[3]["kol"]["count"] == 3
    assert exp.scenarios[3]["operations"]["relationship"]["referral_reward"] == 10.0
    assert exp.scenarios[0]["graph"]["params"]["n"] == 400 and exp.scenarios[0]["days"] == 15


def test_overrides_reach_scenario_and_sweep_keys(tmp_path):
    path = grid_file(tmp_path)
    exp = load_experiment(
        path,
        ["sweep.replications=5", "days=9", 'sweep.parameters."kol.count"=[1, 2, 4]', "kol.strategy=pagerank"],
    )
    assert exp.replications == 5
    assert exp.base.days == 9
    assert exp.design.columns[0] == "kol.count" and len(exp.design.points) == 6
    assert exp.scenarios[0]["kol"]["strategy"] == "pagerank"
    # An inline [graph] override of the default scenario keeps working with --set graph.n.
    assert load_experiment(path, ["graph.n=300"]).scenarios[0]["graph"]["params"]["n"] == 300


@pytest.mark.parametrize("bad,field", [
    ("kol.count", "dotted.path=value"),
    ("=3", "dotted.path=value"),
    ("kol.count=[1,", "not a TOML value"),
    ("kol.cont=3", "kol.cont"),
    ("sweep.replications=-2", "sweep.replications"),
])
def test_bad_override_is_rejected(tmp_path, bad, field):
    with pytest.raises(ExperimentError) as err:
        load_experiment(grid_file(tmp_path), [bad])
    assert field in str(err.value)


def test_parse_override_reads_toml_keys_and_values():
    assert parse_override("a.b=3") == (["a", "b"], 3)
    assert parse_override('sweep.parameters."kol.count" = [1, 2]') == (["sweep", "parameters", "kol.count"], [1, 2])
    assert parse_override("kol.strategy=pagerank") == (["kol", "strategy"], "pagerank")
    assert parse_override("x=true") == (["x"], True)
    assert parse_override("x=0.5") == (["x"], 0.5)


def test_unquoted_dotted_parameter_keys_and_integer_ranges(tmp_path):
    path = write(tmp_path / "e.toml", BASE + "[sweep]\ndesign = 'lhs'\nsamples = 16\nseed = 4\n"
                 "[sweep.parameters]\nkol.count = {low = 0, high = 4}\nproduct.price = {low = 50.0, high = 150.0}\n")
    exp = load_experiment(path)
    assert exp.design.columns == ("kol.count", "product.price")
    counts = [p.params["kol.count"] for p in exp.design.points]
    prices = [p.params["product.price"] for p in exp.design.points]
    assert all(type(c) is int and 0 <= c <= 4 for c in counts)
    assert all(isinstance(x, float) and 50.0 <= x <= 150.0 for x in prices)
    # Latin hypercube: each of the 16 equal strata of the price range holds exactly one point.
    assert sorted(int((x - 50.0) / 100.0 * 16) for x in prices) == list(range(16))


def test_scenario_file_without_sweep_is_one_point(tmp_path):
    path = write(tmp_path / "s.toml", "# one scenario\n" + BASE)
    exp = load_experiment(path, sweep_forbidden=True)
    assert len(exp.design.points) == 1 and exp.design.columns == ()
    assert exp.replications == exp.base.replications and exp.seed == exp.base.seed
    with pytest.raises(ExperimentError, match="sweep"):
        load_experiment(grid_file(tmp_path), sweep_forbidden=True)


def test_scenario_reference_is_relative_to_the_experiment_file(tmp_path):
    write(tmp_path / "base.toml", BASE.replace('scenario = "default"\n', "").replace("days = 15", "days = 7")
          .replace("[graph]", 'name = "town"\n[graph]'))
    path = write(tmp_path / "e.toml", "scenario = 'base.toml'\n[kol]\ncount = 2\n[sweep]\nseed = 1\n")
    exp = load_experiment(path)
    assert exp.base.name == "town" and exp.base.days == 7 and exp.base.kol.count == 2
    assert exp.base_dir == str(tmp_path.resolve())


def test_opening_comment_block():
    text = "\n# Question one?\n#\n#   indented detail\nname = 'x'\n# not part of it\n"
    assert opening_comment(text) == "Question one?\n\n  indented detail"
    assert opening_comment("name = 'x'\n# late\n") == ""


def test_scenarios_may_set_a_path_inside_a_list_of_tables_the_others_leave_at_its_default(tmp_path):
    # one variant targets the second platform's ads; the other variant takes the schema's default
    # (an empty segment list), not None
    text = (BASE + "[funnel]\nplatform_rate = 0.0\n"
            "[[platforms]]\nname = 'chat'\n[[platforms]]\nname = 'video'\n[sweep]\ndesign = 'scenarios'\n"
            "[[sweep.scenarios]]\nname = 'wide'\n[sweep.scenarios.set]\n'platforms.1.ads.budget' = 10.0\n"
            "'platforms.1.ads.target.cost_per_exposure' = 0.1\n"
            "[[sweep.scenarios]]\nname = 'aimed'\n[sweep.scenarios.set]\n'platforms.1.ads.budget' = 10.0\n"
            "'platforms.1.ads.target.cost_per_exposure' = 0.1\n'platforms.1.ads.target.min_interest' = 0.5\n")
    exp = load_experiment(write(tmp_path / "e.toml", text))
    wide, aimed = exp.design.points
    assert wide.params["platforms.1.ads.target.min_interest"] == 0.0
    assert aimed.params["platforms.1.ads.target.min_interest"] == 0.5
