"""Key files made on first use, safely when several processes start at once.

`nara serve --workers N` on a fresh machine starts N processes that each find no key and make one. The
first file written must win and every process must use it: a worker that failed on the file another had
just created (O_EXCL) died at start-up, and the server ran on fewer workers until the supervisor noticed.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def read_or_create(path: Path, make: Callable[[], bytes]) -> bytes:
    """The bytes in ``path``; when there is no file yet, ``make()`` is written there (mode 0600) first.

    The new file is written whole beside ``path`` and then linked into place, so a reader never sees it
    half-written; whoever links second reads the winner's bytes and drops its own.

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> read_or_create(folder / "k.pem", lambda: b"first"), read_or_create(folder / "k.pem", lambda: b"second")
    (b'first', b'first')
    >>> oct((folder / "k.pem").stat().st_mode & 0o777)
    '0o600'
    """
    with contextlib.suppress(FileNotFoundError):
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    content = make()
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return path.read_bytes()
        return content
    finally:
        os.unlink(temporary)
