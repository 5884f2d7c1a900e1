"""``socsim optimize`` glue: bad files refused with one line naming the field, exit 2, nothing written."""
from __future__ import annotations

import argparse

import pytest

from simulation.optimize import command

from .conftest import KOLS, LEVERS


def _parse(argv):
    parser = argparse.ArgumentParser(prog="socsim")
    sub = parser.add_subparsers(dest="command", required=True)
    command.add_parser(sub)
    return parser.parse_args(argv)


GOOD = LEVERS.format(trials=4)
BAD = {
    "unknown optimize key": (GOOD.replace("batch = 2", "batch = 2\nbatchh = 3"), "optimize.batchh"),
    "unknown metric": (GOOD.replace('["incremental_profit"]', '["profitt"]'), "optimize.objectives.0"),
    "three objectives": (GOOD.replace('["incremental_profit"]', '["profit", "buyers", "spend"]'),
                         "optimize.objectives"),
    "lever not in the scenario": (GOOD.replace('"kol.posts_per_week"', '"kol.posts_per_weak"'),
                                  "optimize.levers.kol.posts_per_weak"),
    "lever out of the schema's range": (GOOD.replace("high = 7, step = 2", "high = 9, step = 2"),
                                        "optimize.levers (kol.posts_per_week = 9): kol.posts_per_week"),
    "inverted range": (GOOD.replace("low = 0.0, high = 15.0", "low = 15.0, high = 0.0"),
                       "optimize.levers.operations.relationship.referral_reward"),
    "boolean replications": (GOOD.replace("replications = 3\n", "replications = true\n", 1),
                             "optimize.replications"),
    "string seed": (GOOD.replace("seed = 11", 'seed = "11"'), "optimize.seed"),
    "no question": ("\n".join(line for line in GOOD.splitlines() if not line.startswith("#")), "question"),
    "bad scenario value": (GOOD.replace("days = 30", "days = -3"), "days"),
    "kols without roster": (KOLS.split("[[kol.roster]]")[0] + "[optimize]\n[optimize.kols]\n", "kol.roster"),
    "sweep table": (GOOD + "\n[sweep]\nreplications = 2\n", "sweep"),
    "invalid toml": (GOOD.replace("trials = 4", "trials = = 4"), "opt.toml:"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_files_are_refused_with_one_line_and_nothing_written(case, write, tmp_path, capsys):
    text, field = BAD[case]
    out = tmp_path / "out"
    status = command.main(_parse(["optimize", str(write(text)), "--out", str(out)]))
    err = capsys.readouterr().err.strip()
    assert status == 2
    assert len(err.splitlines()) == 1 and err.startswith("socsim: error: ")
    assert field in err
    assert not out.exists()


def test_a_missing_file_and_a_used_folder_are_refused(write, tmp_path, capsys):
    assert command.main(_parse(["optimize", str(tmp_path / "nope.toml"), "--out", str(tmp_path / "o")])) == 2
    assert "nope.toml: no such file" in capsys.readouterr().err
    used = tmp_path / "used"
    used.mkdir()
    (used / "runs.parquet").write_bytes(b"keep me")
    assert command.main(_parse(["optimize", str(write(GOOD)), "--out", str(used)])) == 2
    assert "not empty" in capsys.readouterr().err
    assert (used / "runs.parquet").read_bytes() == b"keep me"
    assert command.main(_parse(["optimize", str(write(GOOD)), "--out", str(used), "--resume"])) == 2
    assert "nothing to resume" in capsys.readouterr().err


def test_main_runs_and_prints_the_comparison(write, tmp_path, capsys):
    text = GOOD + '\n[optimize.grid]\n"operations.relationship.referral_reward" = [0.0, 10.0]\n'
    status = command.main(_parse(["optimize", str(write(text)), "--out", str(tmp_path / "o"), "--workers", "2"]))
    printed = capsys.readouterr().out
    assert status == 0
    assert "plan - baseline" in printed and "plan - best grid point" in printed
    # Resuming a finished optimisation re-runs nothing.
    status = command.main(_parse(["optimize", str(write(text)), "--out", str(tmp_path / "o"), "--resume"]))
    assert status == 0 and "0 runs executed" in capsys.readouterr().out


def test_set_overrides_reach_the_optimize_table_and_the_scenario(write):
    from simulation.optimize import load_optimization

    opt = load_optimization(write(GOOD), ["optimize.trials=2", "days=20", 'optimize.levers."kol.posts_per_week".high=5'])
    assert opt.spec.trials == 2 and opt.base["days"] == 20
    assert opt.spec.levers["kol.posts_per_week"].high == 5


@pytest.mark.parametrize("name", ["optimize_kols", "optimize_incentives"])
def test_ready_examples_validate_and_open_with_their_question(name, capsys):
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "experiments" / f"{name}.toml"
    assert path.read_text().startswith("# ")
    assert command.validate(argparse.Namespace(file=str(path), overrides=[])) == 0
    out = capsys.readouterr().out
    assert "runs:" in out and "search:" in out


def test_validate_leaves_other_files_to_socsim_validate(write, capsys):
    assert command.validate(argparse.Namespace(file=str(write("days = 3\n", "plain.toml")), overrides=[])) is None
    bad = write(GOOD.replace("trials = 4", "trials = -1"))
    assert command.validate(argparse.Namespace(file=str(bad), overrides=[])) == 2
    assert "optimize.trials" in capsys.readouterr().err
