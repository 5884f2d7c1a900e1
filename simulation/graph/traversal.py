"""Breadth-first traversal of a CSR graph, stopped as soon as enough nodes are reached."""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def bfs_balls(indptr, indices, centres, size):
    """Breadth-first balls around successive centres until ``size`` nodes are collected.

    Each centre not yet taken starts a fresh breadth-first search (out-arcs in CSR order,
    as ``scipy.sparse.csgraph.breadth_first_order`` with ``directed=True``); its nodes are
    appended in visiting order, and the search stops once ``size`` nodes are collected
    (nothing after them is read). A search that ends first marks its whole ball taken.
    On a directed graph a later ball may reach nodes of an earlier one; they are listed
    again, as the concatenated scipy orders would list them.

    Parameters
    ----------
    indptr : int64 array, shape (n + 1,); indices : int32 array, shape (m,), CSR arcs.
    centres : int64 array, the candidate centres in the order they are tried.
    size : int, number of nodes to collect.

    Returns
    -------
    out : int64 array, shape (size,); the first ``got`` entries are the nodes collected.
    got : int, min(size, nodes reachable from all the centres tried).
    """
    n = len(indptr) - 1
    out = np.empty(size, np.int64)
    seen = np.full(n, -1, np.int64)  # seen[x] == c: x was reached by search c
    taken = np.zeros(n, np.bool_)
    got = 0
    for c in range(len(centres)):
        if got >= size:
            break
        centre = centres[c]
        if taken[centre]:
            continue
        first = got
        seen[centre] = c
        out[got] = centre
        got += 1
        head = first
        while head < got and got < size:  # out[first:got] is this search's queue
            x = out[head]
            head += 1
            for k in range(indptr[x], indptr[x + 1]):
                y = indices[k]
                if seen[y] != c:
                    seen[y] = c
                    out[got] = y
                    got += 1
                    if got == size:
                        break
        for k in range(first, got):
            taken[out[k]] = True
    return out, got
