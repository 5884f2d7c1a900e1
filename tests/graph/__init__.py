"""Tests of simulation.graph (mirrors the package layout)."""
