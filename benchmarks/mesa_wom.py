"""The idiomatic Mesa 3 baseline of issue 12's target 1: word of mouth on a network.

People are ``CellAgent``s on the cells of a ``mesa.discrete_space.Network`` built from a
Barabási–Albert graph (m = 5). Each day ``model.agents.shuffle_do("step")``: everyone
who has not bought counts the friends who bought the day before (k) and buys with
probability 1 − (1 − p)^k. A few seed people buy on day 0. Written as a Mesa user
would write it: agent objects, the cell's neighbourhood, the model's random generator.
"""
from __future__ import annotations

import mesa
import networkx as nx
from mesa.discrete_space import CellAgent, Network


class Person(CellAgent):
    """One consumer: has bought or not, and on which day."""

    def __init__(self, model: "WordOfMouth", cell) -> None:
        super().__init__(model)
        self.cell = cell
        self.bought_day = -1

    def step(self) -> None:
        """Buy with probability 1 − (1 − p)^k, k = friends who bought yesterday."""
        if self.bought_day >= 0:
            return
        yesterday = self.model.day - 1
        k = sum(1 for friend in self.cell.neighborhood.agents if friend.bought_day == yesterday)
        if k and self.random.random() < 1.0 - (1.0 - self.model.p) ** k:
            self.bought_day = self.model.day


class WordOfMouth(mesa.Model):
    """n people on a Barabási–Albert graph (m links per newcomer); ``seeds`` buy on day 0.

    n: people; m: BA links per newcomer; p: per-friend daily conversion probability;
    seeds: people who buy on day 0; seed: random seed of graph and model.
    """

    def __init__(self, n: int = 10_000, m: int = 5, p: float = 0.05, seeds: int = 20, seed: int = 0) -> None:
        super().__init__(seed=seed)
        self.p = p
        self.day = 0
        graph = nx.barabasi_albert_graph(n, m, seed=seed)
        self.grid = Network(graph, capacity=1, random=self.random)
        for cell in self.grid.all_cells:
            Person(self, cell)
        for person in self.random.sample(list(self.agents), seeds):
            person.bought_day = 0

    def step(self) -> None:
        """One day."""
        self.day += 1
        self.agents.shuffle_do("step")

    @property
    def buyers(self) -> int:
        """People who have bought."""
        return sum(1 for a in self.agents if a.bought_day >= 0)
