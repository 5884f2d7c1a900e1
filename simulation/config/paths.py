"""Dotted paths into nested config data (``kol.count``, ``population.segments.0.share``).

The one implementation of reading, setting and parsing dotted paths that ``--set``
overrides, inline experiment tables and sweep parameters all go through. Checking a
path against a schema is the caller's job (``simulation.config.scenario``).
"""
from __future__ import annotations

import copy
import tomllib
from typing import Any


class PathError(ValueError):
    """A dotted path or ``--set`` item is malformed, or walks through a value."""


def split_path(path: str) -> list[str]:
    """Return the segments of a dotted path, rejecting empty segments."""
    parts = path.split(".")
    if not path or any(not p.strip() for p in parts):
        raise PathError(f"{path!r}: not a dotted path (empty segment)")
    return parts


def get_path(data: dict, path: str, default: Any = None) -> Any:
    """Return the value at dotted ``path`` in nested dicts (list items by index), or ``default``."""
    node: Any = data
    for seg in split_path(path):
        if isinstance(node, list) and seg.isdigit() and int(seg) < len(node):
            node = node[int(seg)]
        elif isinstance(node, dict) and seg in node:
            node = node[seg]
        else:
            return default
    return node


def set_path(data: dict, segments: list[str], value: Any, what: str) -> None:
    """Set ``value`` at ``segments`` in nested dicts/lists in place, creating missing tables.

    what: how to name the path in messages (e.g. ``override 'kol.count'``).
    """
    node: Any = data
    for seg in segments[:-1]:
        if isinstance(node, list):
            if not seg.isdigit() or int(seg) >= len(node):
                raise PathError(f"{what}: {seg!r} is not an index of the list")
            node = node[int(seg)]
        else:
            nxt = node.get(seg)
            if nxt is None:
                nxt = node[seg] = {}
            elif not isinstance(nxt, (dict, list)):
                raise PathError(f"{what}: {seg!r} is a value, not a table")
            node = nxt
    last = segments[-1]
    if isinstance(node, list):
        if not last.isdigit() or int(last) >= len(node):
            raise PathError(f"{what}: {last!r} is not an index of the list")
        node[int(last)] = value
    else:
        node[last] = value


def flatten_paths(table: dict, keep=lambda d: False, prefix: str = "") -> dict[str, Any]:
    """Flatten nested tables into ``{"a.b.c": value}``; a table for which ``keep`` is true stays whole."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value and not keep(value):
            out.update(flatten_paths(value, keep, path + "."))
        else:
            out[path] = value
    return out


def deep_merge(base: dict, extra: dict) -> dict:
    """Return ``base`` updated by ``extra`` (tables merged key by key, lists of tables of the same
    length merged item by item, other values replaced)."""
    out = copy.deepcopy(base)
    for key, value in extra.items():
        old = out.get(key)
        if isinstance(value, dict) and isinstance(old, dict):
            out[key] = deep_merge(old, value)
        elif (isinstance(value, list) and isinstance(old, list) and len(value) == len(old)
              and all(isinstance(v, dict) and isinstance(o, dict) for v, o in zip(value, old))):
            out[key] = [deep_merge(o, v) for o, v in zip(old, value)]
        else:
            out[key] = copy.deepcopy(value)
    return out


def parse_override(text: str) -> tuple[list[str], Any]:
    """Parse one ``--set dotted.path=value`` into ``(path segments, value)`` (key and value as TOML).

    The key follows TOML's dotted-key rules (quote a segment holding dots:
    ``sweep.parameters."kol.count"=[1,2]``); the value is a TOML literal, and a bare word
    (``kol.strategy=pagerank``) is taken as a string. Booleans are only ``true``/``false``.
    """
    key, sep, value = text.partition("=")
    key, value = key.strip(), value.strip()
    if not sep or not key:
        raise PathError(f"--set {text!r}: expected dotted.path=value")
    if any(not c.isprintable() for c in text):
        raise PathError(f"--set {text!r}: control characters are not allowed")
    try:
        node = tomllib.loads(f"{key} = 0")
    except tomllib.TOMLDecodeError:
        raise PathError(f"--set {text!r}: {key!r} is not a dotted key") from None
    try:
        parsed = tomllib.loads(f"v = {value}")["v"]
    except tomllib.TOMLDecodeError:
        if not value or any(c in value for c in "[]{}\"'=#"):
            raise PathError(f"--set {text!r}: {value!r} is not a TOML value") from None
        parsed = value
    segments = []
    while isinstance(node, dict):
        (k, node), = node.items()
        segments.append(k)
    return segments, parsed
