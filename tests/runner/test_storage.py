"""Output directories: atomic parts, tidy-up after a kill, merge independent of chunking, refusals."""
from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from simulation.config.experiment import load_experiment
from simulation.runner.manifest import build_manifest
from simulation.runner.plan import chunk_runs, plan_runs
from simulation.runner.storage import OutputDir, OutputDirError
from simulation.runner.task import Chunk, execute_chunk
from tests.runner.small import small_base, write

TOY = "tests.runner.fake_models:toy"


@pytest.fixture
def exp(tmp_path):
    text = "# storage\n" + small_base(n=300, days=6) + (
        "[sweep]\nreplications = 3\nseed = 9\n[sweep.parameters]\n'product.price' = [50.0, 2000.0, 80.0]\n"
    )
    return load_experiment(write(tmp_path / "e.toml", text))


def store_chunks(exp, out, size, order=1):
    specs = plan_runs([p.name for p in exp.design.points], exp.replications, exp.seed, exp.crn)
    store = OutputDir(out)
    store.prepare("fresh")
    for c in chunk_runs(specs, size)[::order]:
        chunk = Chunk(c, {p: exp.scenarios[p] for p in {s.point for s in c}}, model=TOY)
        store.write_part(execute_chunk(chunk))
    return store


@pytest.mark.parametrize("size,order", [(4, -1), (1, 1), (9, -1)])
def test_merge_does_not_depend_on_chunking_or_completion_order(tmp_path, exp, size, order):
    ref_runs, ref_ts = store_chunks(exp, tmp_path / "ref", 2).merge(exp.design, exp.n_runs)
    runs, ts = store_chunks(exp, tmp_path / "x", size, order).merge(exp.design, exp.n_runs)
    assert runs.drop(["wall_s"]).to_pandas().equals(ref_runs.drop(["wall_s"]).to_pandas())
    assert ts.to_pandas().equals(ref_ts.to_pandas())
    assert runs.column_names[:7] == ["run", "point", "point_name", "replication", "seed_entropy", "spawn_key",
                                     "product.price"]
    assert runs.column_names[10:] == ["buyers", "roi", "t50"]  # the model's order
    # Point 1 (price 2000) failed: rows kept with status "error" and NaN metrics, no days.
    df = runs.to_pandas()
    assert list(df.status) == ["ok"] * 3 + ["error"] * 3 + ["ok"] * 3
    assert df.loc[df.point == 1, "error"].str.startswith("ValueError: price too high").all()
    assert df.loc[df.point == 1, "buyers"].isna().all()
    assert sorted(set(ts.column("run").to_pylist())) == [0, 1, 2, 6, 7, 8]


def test_tidy_removes_temporaries_and_half_written_chunks(tmp_path, exp):
    store = store_chunks(exp, tmp_path / "out", 3)
    (store.parts / ".tmp-runs-00000009.parquet").write_bytes(b"partial")
    (store.parts / "timeseries-00000042.parquet").write_bytes(b"orphan")  # its runs part never came
    (store.path / ".tmp-runs.parquet").write_bytes(b"partial")
    assert store.completed_runs() == set(range(9))
    store.prepare("resume")
    names = sorted(p.name for p in store.parts.iterdir())
    assert names == sorted(
        [f"{k}-{i:08d}.parquet" for k in ("runs", "timeseries") for i in (0, 3, 6)] + [f"sums-{i:08d}.json" for i in (0, 3, 6)]
    )
    assert not list(store.path.glob(".tmp-*"))


def test_check_refuses_to_lose_or_mix_results(tmp_path, exp):
    manifest = build_manifest(exp, backend="local", workers=1)
    out = tmp_path / "out"
    store = OutputDir(out)
    assert store.check(manifest, resume=False, overwrite=False) == "fresh"
    assert store.check(manifest, resume=True, overwrite=False) == "fresh"
    out.mkdir()
    assert store.check(manifest, resume=False, overwrite=False) == "fresh"  # empty is fine
    (out / "notes.txt").write_text("mine")
    with pytest.raises(OutputDirError, match="not empty"):
        store.check(manifest, resume=False, overwrite=False)
    with pytest.raises(OutputDirError, match="no manifest.json"):
        store.check(manifest, resume=True, overwrite=False)
    with pytest.raises(OutputDirError, match="exclude"):
        store.check(manifest, resume=True, overwrite=True)
    store.write_manifest(manifest)
    assert store.check(manifest, resume=True, overwrite=False) == "resume"
    other = dict(manifest, replications=5)
    with pytest.raises(OutputDirError, match="replications"):
        store.check(other, resume=True, overwrite=False)
    # --overwrite removes only what the runner wrote.
    store.parts.mkdir()
    assert store.check(other, resume=False, overwrite=True) == "overwrite"
    store.prepare("overwrite")
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt", "parts"]
    assert (out / "notes.txt").read_text() == "mine"


def test_merge_refuses_missing_runs(tmp_path, exp):
    store = store_chunks(exp, tmp_path / "out", 3)
    (store.parts / "runs-00000003.parquet").unlink()
    store.prepare("resume")
    assert store.completed_runs() == {0, 1, 2, 6, 7, 8}
    with pytest.raises(OutputDirError, match=r"missing.*\[3, 4, 5\]"):
        store.merge(exp.design, exp.n_runs)


def test_parts_are_plain_parquet(tmp_path, exp):
    store = store_chunks(exp, tmp_path / "out", 5)
    part = pq.read_table(store.parts / "runs-00000005.parquet")
    assert part.column("run").to_pylist() == [5, 6, 7, 8]


def test_merging_parts_kept_in_memory_writes_the_same_bytes_as_reading_them_back(tmp_path, monkeypatch):
    import simulation.runner.storage as storage
    from simulation.runner.storage import _parquet_bytes

    # the real model: KOL tables, swept columns, several series; chunks of 2 in reverse completion order
    text = "# kept\n" + small_base(n=300, days=6) + (
        "[kol]\ncount = 2\n[sweep]\nreplications = 3\nseed = 4\n"
        "[sweep.parameters]\n'kol.count' = [0, 2]\n'product.price' = [50.0, 80.0]\n")
    exp = load_experiment(write(tmp_path / "k.toml", text))
    specs = plan_runs([p.name for p in exp.design.points], exp.replications, exp.seed, exp.crn)
    kept = OutputDir(tmp_path / "out")
    kept.prepare("fresh")
    for c in chunk_runs(specs, 2)[::-1]:
        kept.write_part(execute_chunk(Chunk(c, {p: exp.scenarios[p] for p in {s.point for s in c}})))
    assert set(kept._kept) == set(kept.parts.glob("*.parquet"))  # every part written (KOLs where a chunk has some)
    fresh = OutputDir(tmp_path / "out")  # knows only the files
    got = [*kept.merge(exp.design, exp.n_runs), kept._merged_kols()]
    want = [*fresh.merge(exp.design, exp.n_runs), fresh._merged_kols()]
    assert got[2] is not None and got[2].num_rows > 0
    assert [_parquet_bytes(t) for t in got] == [_parquet_bytes(t) for t in want]
    # beyond the memory bound, parts are read back
    monkeypatch.setattr(storage, "KEEP_BYTES", 0)
    small = OutputDir(tmp_path / "out")
    small.write_part(execute_chunk(Chunk(specs[:2], {specs[0].point: exp.scenarios[specs[0].point]})))
    assert small._kept == {} and small._kept_bytes == 0


def test_a_part_found_corrupted_is_forgotten_in_memory_too(tmp_path, exp):
    store = store_chunks(exp, tmp_path / "out", 3)
    assert len(store._kept) == 6
    runs = store.parts / "runs-00000003.parquet"
    runs.write_bytes(runs.read_bytes()[:-9] + b"corrupted")
    assert store.verify_parts() == [runs]
    assert runs not in store._kept and store.parts / "timeseries-00000003.parquet" not in store._kept
    assert len(store._kept) == 4
    store.clear_parts()
    assert store._kept == {} and store._kept_bytes == 0
