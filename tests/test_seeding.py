"""Run seeds: run k is the k-th spawned child, named sub-streams are fixed and distinct."""
import numpy as np
import pytest

from simulation import seeding


def test_run_seed_equals_spawned_child():
    root = np.random.SeedSequence(123)
    children = root.spawn(5)
    for k in range(5):
        a = seeding.run_seed(123, k)
        assert a.entropy == children[k].entropy and a.spawn_key == children[k].spawn_key
        np.testing.assert_array_equal(a.generate_state(4), children[k].generate_state(4))


def test_run_seeds_do_not_depend_on_count():
    assert [s.spawn_key for s in seeding.run_seeds(9, 3)] == [s.spawn_key for s in seeding.run_seeds(9, 10)[:3]]
    assert seeding.kernel_key(seeding.run_seed(9, 2)) == seeding.kernel_key(seeding.run_seeds(9, 10)[2])


def test_substreams_are_distinct_and_stable():
    ss = seeding.run_seed(5, 0)
    keys = {name: seeding.substream(ss, name).generate_state(2).tobytes() for name in seeding.STREAMS}
    assert len(set(keys.values())) == len(keys)
    assert seeding.generator(ss, "graph").random() == seeding.generator(seeding.run_seed(5, 0), "graph").random()
    with pytest.raises(ValueError, match="unknown random stream 'nope'"):
        seeding.substream(ss, "nope")


@pytest.mark.parametrize("bad", [-1, 1.5, "7"])
def test_bad_seed_rejected(bad):
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        seeding.as_seed_sequence(bad)


def test_describe_reproduces():
    ss = seeding.run_seed(77, 4)
    d = seeding.describe(ss)
    again = np.random.SeedSequence(d["entropy"], spawn_key=tuple(d["spawn_key"]))
    np.testing.assert_array_equal(again.generate_state(3), ss.generate_state(3))


def test_classic_run_keys_equal_kernel_keys_of_run_seeds():
    from simulation.classic import run_keys

    np.testing.assert_array_equal(run_keys(31, 4), [seeding.kernel_key(ss) for ss in seeding.run_seeds(31, 4)])
