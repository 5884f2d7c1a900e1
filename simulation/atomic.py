"""Atomic file writes: a whole new file or the old one, never half of either.

Every output socsim writes (manifests, Parquet parts and tables, reports, figures'
neighbours) goes through ``atomic_write``: the data lands in a uniquely named hidden
temporary file in the target's directory, is flushed to disk, given the ordinary
permissions a new file gets (``0o666`` less the umask, as ``open`` would; ``mkstemp``
alone gives ``0o600``), then renamed over the target. Two writers never share a
temporary name, and an error (disk full included) names the path and removes the
temporary.
"""
from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path
from typing import Callable

#: Hidden temporaries start with this prefix (a resumed sweep deletes leftovers by it).
TMP_PREFIX = ".tmp-"


def _umask() -> int:
    # os.umask can only be read by setting it; restore at once (single-threaded writers)
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: str | os.PathLike, data: bytes | str | Callable[[str], None]) -> Path:
    """Write ``data`` to ``path`` atomically and return the path.

    Parameters
    ----------
    path : the target file; its directory must exist.
    data : bytes, text (written as UTF-8), or a callable that writes the file whose
        path it is given (e.g. ``lambda p: pyarrow.parquet.write_table(table, p)``).
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f"{TMP_PREFIX}{path.name}.", suffix=".tmp")
    try:
        if callable(data):
            os.close(fd)
            fd = -1
            data(tmp)
        else:
            with os.fdopen(fd, "wb") as fh:
                fd = -1
                fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        _fsync(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException as exc:
        if fd >= 0:
            os.close(fd)
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise OSError(exc.errno, f"{path}: no space left on the device to write it") from exc
        raise
    return path


def _fsync(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
