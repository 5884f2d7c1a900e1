"""The social graph: build it from anything (``build_graph``) into CSR arrays (``CSRGraph``)."""
from simulation.graph.arcs import csr_from_edges
from simulation.graph.build import build_graph, from_networkx
from simulation.graph.csr import CSRGraph
from simulation.graph.edgelist import read_edgelist
from simulation.graph.generators import GENERATORS

__all__ = ["CSRGraph", "GENERATORS", "build_graph", "csr_from_edges", "from_networkx", "read_edgelist"]
