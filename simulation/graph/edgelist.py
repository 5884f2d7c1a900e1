"""Edge-list files: ``source target [weight]`` per line, read into a ``CSRGraph``.

Format
------
* Delimiter by extension: ``.csv`` comma, ``.tsv`` tab, anything else runs of spaces or
  tabs. A CSV/TSV field may be wrapped in double quotes (as R's ``write.csv`` does),
  but a label cannot contain the delimiter or a quote.
* ``#`` starts a comment (whole line or the rest of a line); blank lines are skipped.
* An optional header line is recognised and skipped: ``source,target``, ``from,to``,
  ``src,dst`` or ``u,v``, each with an optional third ``weight`` (any case); or declare
  ``header=True`` (any first line is skipped) / ``header=False`` (never skipped). A first
  line of words above integer labels that is none of these is refused as an unknown header.
* A UTF-8 byte-order mark is accepted; a gzip file, NUL bytes and other control
  characters are refused with the line.
* Two fields per line, or three with a float weight (stored as ``edge_attrs["weight"]``);
  every line has the same number of fields.
* Node labels are ints when every label is an integer, otherwise strings; node ids
  follow the order of first appearance (as NetworkX's ``read_edgelist``).

A 10^7-line file is tokenised by two Numba passes over the raw bytes; labels are
interned and weights parsed by pyarrow. Only when a weight fails to parse does a short
search locate the offending line. Every error names the file and the 1-based line.
"""
from __future__ import annotations

import os

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numba import njit

from simulation.graph.arcs import csr_from_edges
from simulation.graph.csr import CSRGraph

WHITESPACE = -1  # delimiter code: split on runs of spaces / tabs

_OK, _BAD_COUNT, _EMPTY_FIELD, _INCONSISTENT = 0, 1, 2, 3
_MAX_INT_DIGITS = 18  # always fits in int64


@njit(cache=True)
def _blank(c):
    return c == 32 or c == 9 or c == 11 or c == 12 or c == 13


@njit(cache=True)
def _next_line(buf, pos):
    """Return (end, cut) of the line starting at pos: end at the newline (or EOF), cut at
    the first '#' (or end)."""
    n = len(buf)
    end = pos
    cut = -1
    while end < n and buf[end] != 10:
        if cut < 0 and buf[end] == 35:
            cut = end
        end += 1
    return end, (end if cut < 0 else cut)


@njit(cache=True)
def _split(buf, s, e, delim, fs, fe):
    """Split buf[s:e] into fields; spans of the first 3 go to fs/fe.

    Returns (field count, index of the first empty field or -1); count 0 means a blank line.
    """
    if delim == WHITESPACE:
        nf = 0
        i = s
        while i < e:
            while i < e and _blank(buf[i]):
                i += 1
            if i >= e:
                break
            j = i
            while j < e and not _blank(buf[j]):
                j += 1
            if nf < 3:
                fs[nf] = i
                fe[nf] = j
            nf += 1
            i = j
        return nf, -1
    allblank = True
    for i in range(s, e):
        if not _blank(buf[i]):
            allblank = False
            break
    if allblank:
        return 0, -1
    nf = 0
    empty = -1
    i = s
    while True:
        j = i
        while j < e and buf[j] != delim:
            j += 1
        a = i
        b = j
        # trim surrounding blanks (never the delimiter itself)
        while a < b and _blank(buf[a]) and buf[a] != delim:
            a += 1
        while b > a and _blank(buf[b - 1]) and buf[b - 1] != delim:
            b -= 1
        if b - a >= 2 and buf[a] == 34 and buf[b - 1] == 34:  # "quoted" field, as R writes
            a += 1
            b -= 1
        if a == b and empty < 0:
            empty = nf
        if nf < 3:
            fs[nf] = a
            fe[nf] = b
        nf += 1
        if j >= e:
            break
        i = j + 1
    return nf, empty


@njit(cache=True)
def _is_int(buf, a, b):
    """True when buf[a:b] is [+-]?digits with at most 18 digits."""
    if a < b and (buf[a] == 43 or buf[a] == 45):
        a += 1
    if b - a < 1 or b - a > _MAX_INT_DIGITS:
        return False
    for i in range(a, b):
        if buf[i] < 48 or buf[i] > 57:
            return False
    return True


@njit(cache=True)
def _parse_int(buf, a, b):
    neg = False
    if buf[a] == 43 or buf[a] == 45:
        neg = buf[a] == 45
        a += 1
    x = np.int64(0)
    for i in range(a, b):
        x = x * 10 + (buf[i] - 48)
    return -x if neg else x


@njit(cache=True)
def _scan(buf, delim):
    """First pass: validate field counts and size the outputs.

    Returns int64 array ``st``: [0] data rows, [1] fields in the first row, [2] its line,
    [3] label bytes and [4] weight bytes of rows after the first, [5] error code,
    [6] error line, [7] error detail, [8] all labels after the first row are ints,
    [9] the first row's labels are ints, [10:13] first-row field starts, [13:16] ends.
    """
    st = np.zeros(16, np.int64)
    st[8] = 1
    fs = np.zeros(3, np.int64)
    fe = np.zeros(3, np.int64)
    pos = 0
    line = 0
    rows = 0
    n = len(buf)
    while pos < n:
        end, cut = _next_line(buf, pos)
        line += 1
        nf, empty = _split(buf, pos, cut, delim, fs, fe)
        pos = end + 1
        if nf == 0:
            continue
        if nf < 2 or nf > 3:
            st[5] = _BAD_COUNT
            st[6] = line
            st[7] = nf
            return st
        if empty >= 0:
            st[5] = _EMPTY_FIELD
            st[6] = line
            st[7] = empty + 1
            return st
        if rows == 0:
            st[1] = nf
            st[2] = line
            st[9] = 1 if (_is_int(buf, fs[0], fe[0]) and _is_int(buf, fs[1], fe[1])) else 0
            for f in range(3):
                st[10 + f] = fs[f] if f < nf else 0
                st[13 + f] = fe[f] if f < nf else 0
        else:
            if nf != st[1]:
                st[5] = _INCONSISTENT
                st[6] = line
                st[7] = nf
                return st
            st[3] += (fe[0] - fs[0]) + (fe[1] - fs[1])
            if nf == 3:
                st[4] += fe[2] - fs[2]
            if st[8] == 1 and not (_is_int(buf, fs[0], fe[0]) and _is_int(buf, fs[1], fe[1])):
                st[8] = 0
        rows += 1
    st[0] = rows
    return st


@njit(cache=True)
def _fill(buf, delim, skip_first, rows, nf, as_int, label_bytes, weight_bytes):
    """Second pass: copy labels (interleaved source, target) and weight tokens.

    Returns (int labels int64 (2 rows,) or empty, label bytes uint8, label offsets int64
    (2 rows + 1,), weight bytes uint8, weight offsets int64 (rows + 1,)).
    """
    ints = np.empty(2 * rows if as_int else 0, np.int64)
    lab = np.empty(0 if as_int else label_bytes, np.uint8)
    lab_off = np.zeros(1 if as_int else 2 * rows + 1, np.int64)
    wts = np.empty(weight_bytes if nf == 3 else 0, np.uint8)
    w_off = np.zeros(rows + 1 if nf == 3 else 1, np.int64)
    fs = np.zeros(3, np.int64)
    fe = np.zeros(3, np.int64)
    pos = 0
    r = 0
    skipping = skip_first
    n = len(buf)
    lb = 0
    wb = 0
    while pos < n and r < rows:
        end, cut = _next_line(buf, pos)
        k, _ = _split(buf, pos, cut, delim, fs, fe)
        pos = end + 1
        if k == 0:
            continue
        if skipping:
            skipping = False
            continue
        for f in range(2):
            if as_int:
                ints[2 * r + f] = _parse_int(buf, fs[f], fe[f])
            else:
                for i in range(fs[f], fe[f]):
                    lab[lb] = buf[i]
                    lb += 1
                lab_off[2 * r + f + 1] = lb
        if nf == 3:
            for i in range(fs[2], fe[2]):
                wts[wb] = buf[i]
                wb += 1
            w_off[r + 1] = wb
        r += 1
    return ints, lab, lab_off, wts, w_off


@njit(cache=True)
def _line_of_row(buf, delim, row):
    """1-based line number of data row ``row`` (0-based, header counted as a row)."""
    fs = np.zeros(3, np.int64)
    fe = np.zeros(3, np.int64)
    pos = 0
    line = 0
    r = 0
    while pos < len(buf):
        end, cut = _next_line(buf, pos)
        line += 1
        k, _ = _split(buf, pos, cut, delim, fs, fe)
        pos = end + 1
        if k == 0:
            continue
        if r == row:
            return line
        r += 1
    return -1


def _delimiter(path: str, delimiter: str | None) -> int:
    if delimiter is not None:
        if len(delimiter) != 1 or not delimiter.isascii() or delimiter == "#":
            raise ValueError(f"delimiter must be one ASCII character other than '#', got {delimiter!r}")
        return WHITESPACE if delimiter.isspace() and delimiter != "\t" else ord(delimiter)
    ext = os.path.splitext(path)[1].lower()
    return {".csv": ord(","), ".tsv": ord("\t")}.get(ext, WHITESPACE)


def _text(buf: np.ndarray, a: int, b: int) -> str:
    return buf[a:b].tobytes().decode("utf-8", errors="replace")


def _strings(n: int, offsets: np.ndarray, data: np.ndarray) -> pa.LargeStringArray:
    return pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))


def _first_bad(tokens: pa.LargeStringArray, lo: int, hi: int) -> int:
    """Index in [lo, hi) of the first token pyarrow cannot cast to float (bisection)."""
    while hi - lo > 1:
        mid = (lo + hi) // 2
        try:
            pc.cast(tokens[lo:mid], pa.float64())
            lo = mid
        except pa.ArrowInvalid:
            hi = mid
    return lo


#: Recognised header lines (first two fields; a third must be ``weight``).
HEADERS = (("source", "target"), ("from", "to"), ("src", "dst"), ("u", "v"))


def _control_line(buf: np.ndarray) -> int:
    """1-based line of the first control byte other than tab / CR / LF / VT / FF, or 0."""
    bad = (buf < 32) & (buf != 9) & (buf != 10) & (buf != 13) & (buf != 11) & (buf != 12) | (buf == 127)
    if not bad.any():
        return 0
    at = int(np.argmax(bad))
    return int(np.count_nonzero(buf[:at] == 10)) + 1


def read_edgelist(
    path, *, directed: bool = False, delimiter: str | None = None, header: bool | None = None
) -> CSRGraph:
    """Read an edge-list file into a ``CSRGraph`` (format in the module docstring).

    Parameters
    ----------
    path : str or os.PathLike; ``.csv`` / ``.tsv`` / other (whitespace-separated).
    directed : True reads ``source target`` as an arc source -> target; the default
        undirected graph stores both directions.
    delimiter : override the delimiter chosen from the extension (one character).
    header : None recognises a header line by its names (``HEADERS``); True always
        skips the first line; False never does.

    Raises ``ValueError`` naming the file and 1-based line for a malformed line, and
    ``ValueError("... graph is empty ...")`` for a file without edges.
    """
    path = os.fspath(path)
    delim = _delimiter(path, delimiter)
    buf = np.fromfile(path, dtype=np.uint8)
    if buf[:3].tobytes() == b"\xef\xbb\xbf":  # UTF-8 byte-order mark (Excel's CSV)
        buf = buf[3:]
    if buf[:2].tobytes() == b"\x1f\x8b":
        raise ValueError(f"{path}:1: gzip-compressed; decompress it first (gunzip)")
    bad_line = _control_line(buf)
    if bad_line:
        raise ValueError(f"{path}:{bad_line}: control character (NUL or similar) in the file; not a text edge list")
    st = _scan(buf, np.int64(delim))
    code, line, detail = int(st[5]), int(st[6]), int(st[7])
    if code == _BAD_COUNT:
        raise ValueError(f"{path}:{line}: expected 2 or 3 fields (source target [weight]), got {detail}")
    if code == _EMPTY_FIELD:
        raise ValueError(f"{path}:{line}: field {detail} is empty")
    if code == _INCONSISTENT:
        raise ValueError(
            f"{path}:{line}: expected {int(st[1])} fields like line {int(st[2])}, got {detail}"
        )
    rows, nf = int(st[0]), int(st[1])
    first = [_text(buf, int(st[10 + f]), int(st[13 + f])).strip().lower() for f in range(nf)]
    if header is None:
        header = rows > 0 and tuple(first[:2]) in HEADERS and first[2:] in ([], ["weight"])
        if not header and rows > 1 and bool(st[8]) and not bool(st[9]):
            raise ValueError(
                f"{path}:{int(st[2])}: {','.join(first)!r} looks like a header but is not one of "
                f"{', '.join(','.join(h) for h in HEADERS)}; rename it or declare header = true"
            )
    header = bool(header) and rows > 0
    label_bytes, weight_bytes = int(st[3]), int(st[4])
    as_int = bool(st[8]) and (header or bool(st[9]))
    if rows > 0 and not header:
        label_bytes += sum(int(st[13 + f] - st[10 + f]) for f in range(2))
        weight_bytes += int(st[15] - st[12]) if nf == 3 else 0
    data_rows = rows - header
    if data_rows == 0:
        raise ValueError(f"{path}: graph is empty: the file has no edges")
    ints, lab, lab_off, wts, w_off = _fill(
        buf, np.int64(delim), header, data_rows, nf, as_int, label_bytes, weight_bytes
    )
    if as_int:
        labels_in = pa.array(ints)
    else:
        labels_in = _strings(2 * data_rows, lab_off, lab)
        try:
            labels_in.validate(full=True)
        except pa.ArrowInvalid:
            raise ValueError(f"{path}: node labels are not valid UTF-8 text") from None
    encoded = pc.dictionary_encode(labels_in)
    ids = encoded.indices.to_numpy(zero_copy_only=False)
    labels = encoded.dictionary.to_numpy(zero_copy_only=False)
    if not as_int:
        labels = labels.astype(object)
    attrs = {}
    if nf == 3:
        tokens = _strings(data_rows, w_off, wts)
        try:
            weight = pc.cast(tokens, pa.float64()).to_numpy(zero_copy_only=False)
        except pa.ArrowInvalid:
            bad = _first_bad(tokens, 0, data_rows)
            bad_line = _line_of_row(buf, np.int64(delim), bad + header)
            raise ValueError(f"{path}:{bad_line}: weight {tokens[bad].as_py()!r} is not a number") from None
        finite = np.isfinite(weight)
        if not finite.all():
            bad = int(np.argmin(finite))
            bad_line = _line_of_row(buf, np.int64(delim), bad + header)
            raise ValueError(f"{path}:{bad_line}: weight {tokens[bad].as_py()!r} is not a finite number")
        attrs["weight"] = weight
    return csr_from_edges(
        len(labels), ids[0::2], ids[1::2], directed=directed, labels=labels, attrs=attrs, where=path
    )
