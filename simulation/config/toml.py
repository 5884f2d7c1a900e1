"""Reading TOML config files: UTF-8 (a byte-order mark accepted), errors as one line naming the file."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

BOM = "\ufeff"


class ConfigFileError(ValueError):
    """A config file cannot be read or is not valid TOML; the message names the file (and line)."""


def read_toml_bytes(data: bytes, where: str | Path) -> dict:
    """Parse TOML from raw bytes; ``where`` names the file in messages."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ConfigFileError(f"{where}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    return read_toml_text(text, where)


def read_toml_text(text: str, where: str | Path) -> dict:
    """Parse TOML text (a leading byte-order mark is dropped); ``where`` names the file in messages."""
    text = text.removeprefix(BOM)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ConfigFileError(f"{where}:{line}: NUL byte in the file (not a text file?)")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        msg = str(e)
        m = re.search(r"\(at line (\d+), column (\d+)\)$", msg)
        if m:
            raise ConfigFileError(f"{where}:{m.group(1)}: invalid TOML: {msg[:m.start()].strip()} "
                                  f"(column {m.group(2)})") from None
        raise ConfigFileError(f"{where}: invalid TOML: {msg}") from None


def unreadable(path: str | Path, error: OSError, what: str) -> str:
    """One line saying why ``path`` (expected to be ``what``, e.g. "a TOML file") could not be read."""
    if isinstance(error, FileNotFoundError):
        return f"{path}: no such file"
    if isinstance(error, IsADirectoryError):
        return f"{path}: is a directory, not {what}"
    return f"{path}: cannot read ({error.strerror or error})"


def read_toml(path: str | Path) -> dict:
    """Read and parse a TOML file; errors name the file (and line)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ConfigFileError(unreadable(path, e, "a TOML file")) from None
    return read_toml_bytes(data, path)


def has_table(path: str | Path, name: str) -> bool:
    """True when ``path`` is a readable TOML file with a top-level ``name`` key (e.g. ``[optimize]``).

    Unreadable or malformed files answer False, so the caller's own loader reports them.
    """
    try:
        return name in read_toml(path)
    except (ConfigFileError, OSError):
        return False
