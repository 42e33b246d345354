"""Which paths the kit reads and writes, checked before it touches them.

The kit reads only regular files and folders. Anything else on a path a learner types is refused
at once, by name: a FIFO (named pipe) would block the reader forever, a device such as
``/dev/zero`` never ends, a socket cannot be read at all. Outputs go to folders (the monitors'
files) or to one file (a scenario window, a model); a file where a folder is expected, or a folder
where a file is expected, is refused before any work is done, so a long computation never ends
in a traceback. Every refusal is a ``LabkitInputError`` naming the path; ``describe_os_error``
turns what the operating system said into the same one-line form.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from labkit.errors import LabkitInputError

__all__ = [
    "check_output_file",
    "check_output_folder",
    "describe_os_error",
    "os_error",
    "require_file",
    "require_file_or_folder",
    "write_text",
]

# What the operating system's refusals mean for someone who typed the path. Keyed by errno;
# anything else falls back to the system's own wording (``strerror``).
_REASONS = {
    errno.ENOENT: "no such file or directory",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EISDIR: "is a directory, expected a file",
    errno.ENOTDIR: "a part of this path is a file, not a folder",
    errno.EEXIST: "already exists and is not a folder",
    errno.ELOOP: "too many levels of symbolic links (a symlink loop?)",
    errno.ENAMETOOLONG: "file name too long for this file system",
    errno.ENOSPC: "no space left on device",
    errno.EROFS: "read-only file system",
    errno.EDQUOT: "disk quota exceeded",
    errno.EFBIG: "file too large",
    errno.EMFILE: "too many open files",
    errno.EIO: "input/output error",
    errno.EPIPE: "the reader closed the pipe before the output ended (broken pipe)",
}


def describe_os_error(exc: OSError) -> str:
    """The reason an OSError gives, in lower case and without the errno number."""
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    text = exc.strerror or str(exc) or type(exc).__name__
    return text[0].lower() + text[1:]


def os_error(exc: OSError, path: str | Path | None = None) -> LabkitInputError:
    """``exc`` as the kit's one-line error, naming ``path`` (or the file the system named)."""
    named = path if path is not None else exc.filename
    reason = describe_os_error(exc)
    if exc.filename2 is not None:
        reason = f"{reason} ({exc.filename2})"
    return LabkitInputError(reason, path=None if named is None else os.fsdecode(named))


def require_file(path: str | Path, what: str = "a file") -> Path:
    """``path`` if it is a regular file (symbolic links followed); else raise naming it.

    ``what`` says what was expected ("a CSV file") when something else is found.
    """
    return _require(path, what, missing="file not found", folders=False)


def require_file_or_folder(path: str | Path, what: str = "a file or a folder") -> Path:
    """``path`` if it is a regular file or a folder; else raise naming it."""
    return _require(path, what, missing="no such file or directory", folders=True)


def _require(path: str | Path, what: str, *, missing: str, folders: bool) -> Path:
    path = Path(path)
    mode = _mode(path, missing=missing)
    if stat.S_ISREG(mode) or (folders and stat.S_ISDIR(mode)):
        return path
    if stat.S_ISDIR(mode):
        raise LabkitInputError(f"expected {what}, found a directory", path=path)
    raise LabkitInputError(
        f"expected {what}, found {_kind(mode)}; the kit reads only regular files and folders",
        path=path,
    )


def check_output_folder(path: str | Path) -> Path:
    """Raise, naming what is in the way, unless ``path`` is (or can be made) a writable folder.

    Called before the work starts, so a bad ``--output`` fails in one line at once instead of
    after minutes of computing; nothing is created here (the writers create the folder).
    """
    path = Path(path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.islink(path):
            raise LabkitInputError(
                "a symbolic link to nothing (its target is missing)", path=path
            ) from None
        mode = None
    except OSError as exc:  # ELOOP, ENAMETOOLONG, EACCES on a parent, ENOTDIR under a file
        raise _output_error(exc, path) from None
    if mode is not None and not stat.S_ISDIR(mode):
        raise LabkitInputError(
            f"expected a folder for the output files, found {_kind(mode)}", path=path
        )
    existing = path if mode is not None else _nearest_existing(path)
    if not os.access(existing, os.W_OK | os.X_OK):
        where = "this folder" if existing == path else f"{existing}"
        raise LabkitInputError(f"permission denied: cannot write into {where}", path=path)
    return path


def check_output_file(path: str | Path) -> Path:
    """Raise unless ``path`` can be written as one file: a folder there, or a file in the way
    of its parent folders, is refused. An existing file is replaced; a device such as
    ``/dev/stdout`` is written to.
    """
    path = Path(path)
    if path.is_dir():
        raise LabkitInputError("expected a file name to write, found a directory", path=path)
    parent = path.parent
    if os.path.lexists(parent) and not parent.is_dir():
        raise LabkitInputError(f"{parent} is {_kind_of(parent)}, not a folder", path=path)
    check_output_folder(parent)
    return path


def write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` as UTF-8 to ``path`` (parent folders created); any OSError names the path."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except OSError as exc:  # ENOSPC on /dev/full surfaces at close, without a file name
        raise _output_error(exc, path) from None
    return path


def _output_error(exc: OSError, path: Path) -> LabkitInputError:
    """An OSError met while writing under ``path``; a file in the way of a folder is named."""
    if exc.errno in (errno.ENOTDIR, errno.EEXIST):
        for parent in reversed(path.parents):
            if os.path.lexists(parent) and not parent.is_dir():
                return LabkitInputError(f"{parent} is {_kind_of(parent)}, not a folder", path=path)
    return os_error(exc, path)


def _nearest_existing(path: Path) -> Path:
    for parent in path.absolute().parents:
        if os.path.isdir(parent):
            return parent
    return Path(path.anchor or ".")


def _mode(path: Path, *, missing: str) -> int:
    try:
        return os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.islink(path):
            raise LabkitInputError(
                "a symbolic link to nothing (its target is missing)", path=path
            ) from None
        raise LabkitInputError(missing, path=path) from None
    except OSError as exc:
        raise os_error(exc, path) from None


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISREG(mode):
        return "a file"
    return "a special file"


def _kind_of(path: Path) -> str:
    try:
        return _kind(os.stat(path).st_mode)
    except OSError:
        return "a broken symbolic link"
