"""Atomic file and directory writes (DESIGN section 7: files are written atomically).

Every writer here builds its output beside the target (same directory, hence the
same file system) and moves it into place with :func:`os.replace`, so a reader
sees either the old file or the complete new one, never a half-written file, and
a crash or an error leaves nothing behind but, at worst, a hidden temporary that
is removed on the way out.

:func:`atomic_output_dir` does the same for a whole output directory: the
caller fills a temporary sibling; on success it is renamed to the target (or,
when the target already exists, each new file is moved into it one by one with
``os.replace``, leaving the user's other files alone); on an exception the
temporary sibling and any parent directories it had to create are removed.
"""
from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = [
    "atomic_write_bytes",
    "atomic_write_text",
    "atomic_write_json",
    "atomic_output_dir",
    "to_jsonable",
]


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file beside it, then ``os.replace``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)
    return path


def atomic_write_text(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> Path:
    return atomic_write_bytes(path, text.encode(encoding))


def to_jsonable(obj: Any) -> Any:
    """Plain-JSON version of ``obj``: numpy scalars/arrays to Python, non-finite floats to ``None``."""
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, int):
        return int(obj)
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, os.PathLike):
        return os.fspath(obj)
    # numpy / jax scalars and arrays, pandas objects, pydantic models
    if hasattr(obj, "model_dump"):
        return to_jsonable(obj.model_dump())
    if hasattr(obj, "tolist"):
        return to_jsonable(obj.tolist())
    if hasattr(obj, "item"):
        return to_jsonable(obj.item())
    if hasattr(obj, "to_dict"):
        return to_jsonable(obj.to_dict())
    return str(obj)


def atomic_write_json(path: str | os.PathLike, obj: Any, indent: int = 2) -> Path:
    text = json.dumps(to_jsonable(obj), indent=indent, allow_nan=False) + "\n"
    return atomic_write_text(path, text)


def _missing_parents(path: Path) -> list[Path]:
    """Ancestors of ``path`` that do not exist yet, deepest first."""
    out = []
    p = path.parent
    while not p.exists():
        out.append(p)
        if p.parent == p:
            break
        p = p.parent
    return out


@contextlib.contextmanager
def atomic_output_dir(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary sibling directory to fill; publish it as ``target`` on success.

    * ``target`` missing: the temporary directory is renamed to ``target`` (one atomic step).
    * ``target`` an existing directory: each new file is moved into it with ``os.replace``
      (each file atomic; other files already in ``target`` are left alone).
    * ``target`` an existing non-directory: ``FileExistsError`` before anything is written.
    * any exception inside the block: the temporary directory, and the parent directories
      this call created, are removed; ``target`` is untouched.
    """
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise FileExistsError(f"--out: {target} exists and is not a directory")
    created = _missing_parents(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name or 'out'}.", suffix=".tmp", dir=target.parent))
    try:
        yield tmp
        if not target.exists():
            try:
                os.chmod(tmp, 0o755)
                os.replace(tmp, target)
            except OSError:
                if not target.is_dir():
                    raise
                _merge_into(tmp, target)  # someone created target meanwhile
        else:
            _merge_into(tmp, target)
        _fsync_dir(target.parent)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        for p in created:  # deepest first; only directories that are still empty
            with contextlib.suppress(OSError):
                p.rmdir()
        raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _merge_into(src: Path, dst: Path) -> None:
    """Move every file of ``src`` into ``dst`` (same file system), file by file with ``os.replace``."""
    for root, dirs, files in os.walk(src):
        rel = Path(root).relative_to(src)
        (dst / rel).mkdir(parents=True, exist_ok=True)
        for d in dirs:
            (dst / rel / d).mkdir(exist_ok=True)
        for f in files:
            os.replace(Path(root) / f, dst / rel / f)
