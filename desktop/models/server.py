"""A PostgreSQL server address (team mode) as the settings dialog edits it and as a database URL
(`postgresql://user@host:port/name`), so the URL that is remembered never carries a password.

A host that starts with "/" is a folder holding the server's unix socket (as libpq reads it);
it travels in the URL's query (`?host=/run/postgresql`), where a path fits.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from desktop.models.errors import DatabaseOpenError

SCHEMES = ("postgresql", "postgres")
DEFAULT_PORT = 5432


@dataclass(frozen=True)
class ServerAddress:
    host: str
    port: int
    database: str
    user: str
    password: str = ""

    def url(self, *, with_password: bool = False) -> str:
        """The database URL; without the password unless asked (libpq finds it in ~/.pgpass)."""
        secret = f":{quote(self.password, safe='')}" if with_password and self.password else ""
        user = quote(self.user, safe="")
        path = quote(self.database, safe="")
        if self.host.startswith("/"):
            query = urlencode({"host": self.host, "port": self.port}, safe="/")
            return f"postgresql://{user}{secret}@/{path}?{query}"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"postgresql://{user}{secret}@{host}:{self.port}/{path}"

    def without_password(self) -> ServerAddress:
        return replace(self, password="")

    @property
    def server(self) -> str:
        """How the server is named in a message: host:port (a socket folder as itself)."""
        return self.host if self.host.startswith("/") else f"{self.host}:{self.port}"


def is_server_url(target: object) -> bool:
    return str(target).split("://", 1)[0].lower() in SCHEMES and "://" in str(target)


def parse_server_url(url: str) -> ServerAddress:
    """Read a postgresql:// URL; a malformed one is refused with the form it should have."""
    try:
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
        port = int(query.get("port") or parts.port or DEFAULT_PORT)
    except ValueError:
        raise DatabaseOpenError("error.server_url_invalid", url=hide_password(url)) from None
    database = unquote(parts.path.lstrip("/"))
    user = unquote(parts.username or "")
    host = query.get("host") or parts.hostname or "localhost"
    if parts.scheme.lower() not in SCHEMES or not database or not user or not 0 < port < 65536:
        raise DatabaseOpenError("error.server_url_invalid", url=hide_password(url))
    return ServerAddress(host, port, database, user, unquote(parts.password or ""))


def url_without_password(url: str) -> str:
    """The URL to remember in the settings: the same server, database and user, no secret."""
    return parse_server_url(url).without_password().url()


def hide_password(url: str) -> str:
    """The URL as a message or the log may show it: any password replaced by ***."""
    head, at, tail = url.rpartition("@")
    if not at or ":" not in head.split("://", 1)[-1]:
        return url
    scheme, _, credentials = head.partition("://")
    return f"{scheme}://{credentials.split(':', 1)[0]}:***@{tail}"
