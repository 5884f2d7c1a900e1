"""One writer per output folder: an exclusive ``fcntl`` lock held for the life of a sweep or report.

The lock file ``DIR/.socsim.lock`` holds the PID of its holder while held and is emptied
on release. ``flock`` locks die with their process (however it dies), so a lock file
still naming a PID after its process died is free: it is taken over with a note naming
the dead PID. A second writer is refused at once with
the holder's PID.
"""
from __future__ import annotations

import errno
import fcntl
import logging
import os
from pathlib import Path

LOCK_NAME = ".socsim.lock"
log = logging.getLogger(__name__)


class FolderLocked(ValueError):
    """Another live process holds the output folder's lock."""


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class FolderLock:
    """An exclusive lock on ``folder`` (created if missing) as a context manager.

    folder: the output directory; what: the command holding it, for messages.
    """

    def __init__(self, folder: str | os.PathLike, what: str = "socsim"):
        self.folder = Path(folder)
        self.path = self.folder / LOCK_NAME
        self.what = what
        self._fd: int | None = None
        self._created = False

    def acquire(self) -> None:
        """Take the lock or raise ``FolderLocked`` naming the holder's PID."""
        self.folder.mkdir(parents=True, exist_ok=True)
        created = not self.path.exists()
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            os.close(fd)
            if e.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
            holder = self._read_pid()
            who = f"process {holder}" if holder else "another process"
            raise FolderLocked(
                f"{self.folder}: in use by {who} (another socsim sweep or report); wait for it or use another --out"
            ) from None
        old = self._read_pid()
        if old and old != os.getpid() and not _pid_alive(old):
            log.warning("%s: taking over a stale lock left by process %d (no longer running)", self.folder, old)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()} {self.what}\n".encode())
        self._fd = fd
        self._created = created

    def _read_pid(self) -> int | None:
        try:
            return int(self.path.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def release(self, discard: bool = False) -> None:
        """Release the lock, emptying the lock file (an empty file is a lock released in good order).

        The file normally stays: removing it could let a process that opened the old file
        lock it while a newcomer locks a new one. ``discard`` removes a lock file this lock
        created (a command refused before writing anything leaves the folder as it was).
        """
        if self._fd is None:
            return
        if discard and self._created:
            self.path.unlink(missing_ok=True)
        else:
            os.ftruncate(self._fd, 0)
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> FolderLock:
        self.acquire()
        return self

    def __exit__(self, kind, value, tb) -> None:
        self.release(discard=kind is not None)
