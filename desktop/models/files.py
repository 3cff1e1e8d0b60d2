"""Writing output files safely: into a temporary file beside the target, renamed at the end, so
a failed or interrupted write never leaves a half file where the user expects a whole one."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from desktop.models.errors import StorageError

_REASONS = {getattr(errno, name): key for name, key in (
    ("ENOSPC", "error.file_disk_full"), ("EDQUOT", "error.file_disk_full"),
    ("EFBIG", "error.file_disk_full"), ("EACCES", "error.file_not_writable"),
    ("EPERM", "error.file_not_writable"), ("EROFS", "error.file_not_writable"),
    ("ENOENT", "error.file_folder_missing"), ("EBUSY", "error.file_locked"),
) if hasattr(errno, name)}  # not every platform names every one


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Call `write` with a temporary path in the target's folder, then rename it to `path`."""
    path = Path(path)
    temporary: Path | None = None
    try:
        descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                            suffix=".part")
        os.close(descriptor)
        temporary = Path(name)
        write(temporary)
        os.replace(temporary, path)
    except OSError as error:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        key = _REASONS.get(error.errno or 0, "error.file_write")
        raise StorageError(key, file=str(path), problem=error.strerror or str(error)) from None
    except BaseException:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise


def write_text_atomically(path: Path, text: str) -> None:
    write_atomically(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))
