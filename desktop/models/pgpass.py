"""Remember a team-mode password in PostgreSQL's own password file (~/.pgpass, or the file
PGPASSFILE names), which libpq reads by itself when connecting; so the app's settings hold the
URL without its password. The file stays readable by its owner only (libpq ignores it otherwise).
"""

from __future__ import annotations

import os
from pathlib import Path

from desktop.models.files import write_text_atomically
from desktop.models.server import ServerAddress


def pgpass_path() -> Path:
    """Where libpq looks: PGPASSFILE, else %APPDATA%\\postgresql\\pgpass.conf on Windows, else
    ~/.pgpass."""
    if os.environ.get("PGPASSFILE"):
        return Path(os.environ["PGPASSFILE"])
    if os.name == "nt":
        return Path(os.environ.get("APPDATA", Path.home())) / "postgresql" / "pgpass.conf"
    return Path.home() / ".pgpass"


def _escape(field: str) -> str:
    return field.replace("\\", "\\\\").replace(":", "\\:")


def _key(address: ServerAddress) -> str:
    return ":".join(_escape(part) for part in (address.host, str(address.port),
                                                address.database, address.user))


def remember_password(address: ServerAddress) -> Path:
    """Store (or replace) the password of this host, port, database and user; other lines stay."""
    path = pgpass_path()
    key = _key(address)
    lines = [line for line in _read_lines(path) if not line.startswith(key + ":")]
    lines.append(f"{key}:{_escape(address.password)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomically(path, "\n".join(lines) + "\n")  # a new file is made 0600
    path.chmod(0o600)
    return path


def forget_password(address: ServerAddress) -> None:
    """Remove this server, database and user's line, if any."""
    path = pgpass_path()
    key = _key(address)
    lines = _read_lines(path)
    kept = [line for line in lines if not line.startswith(key + ":")]
    if kept != lines:
        write_text_atomically(path, "".join(f"{line}\n" for line in kept))
        path.chmod(0o600)


def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
