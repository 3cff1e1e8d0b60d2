"""A throwaway PostgreSQL cluster for the tests: one per session, in a temporary folder, reached
through a unix socket in that folder only (no TCP port to clash with), started as the
`postgres` user when we run as root (initdb refuses root) and removed at the end.

Each test gets the session's migrated database emptied: every table but the schema version
DELETEd (foreign-key triggers off) and every sequence set back to 1. Measured on 2 cores, per
test: CREATE DATABASE … TEMPLATE a migrated template 0.45 s (WAL_LOG and FILE_COPY alike),
TRUNCATE … RESTART IDENTITY CASCADE 0.13 s, DELETE + setval about 1 ms. Tests that need a
database of their own (two databases at once) still get one from the template.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shlex
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

SUPERUSER = "postgres"
PASSWORD_ROLE = "team_member"  # a role that must give its password (scram), for the error tests
PASSWORD = "juist-wachtwoord"
PORT = 54329  # only names the socket file; nothing listens on TCP
TEMPLATE = "brugmeter_template"
SHARED = "brugmeter_test"  # the database the tests share, emptied before each
SERVER_SETTINGS = {  # a cluster thrown away after the run: durability is not needed
    "listen_addresses": "''",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "40",
    "shared_buffers": "32MB",
}
# Local socket: the password role (and its members) must give a password; the rest is trusted.
PG_HBA = f"""\
local all +{PASSWORD_ROLE} scram-sha-256
local all all trust
"""


class PostgresMissingError(RuntimeError):
    """PostgreSQL's server programs are not installed (or cannot be run here)."""


def find_bin_dir() -> Path:
    """Debian puts the server programs outside PATH, under /usr/lib/postgresql/<major>/bin."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                        key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
                        reverse=True)
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).parent
    raise PostgresMissingError("initdb not found — install postgresql (apt-get install postgresql)")


@dataclass
class Cluster:
    """A running throwaway cluster; `url(name)` gives a database URL Brugmeter can open."""

    folder: Path
    bin_dir: Path
    run_as: str | None
    schema_names: list[str] = field(default_factory=list)  # the migrated tables and indexes
    schema_version: int = 0
    _names: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def socket_dir(self) -> str:
        return str(self.folder)

    def url(self, database: str, user: str = SUPERUSER, password: str | None = None) -> str:
        secret = f":{quote(password, safe='')}" if password is not None else ""
        return (f"postgresql://{user}{secret}@/{database}"
                f"?host={quote(self.socket_dir, safe='/')}&port={PORT}")

    def connect(self, database: str = "postgres"):
        import psycopg2

        connection = psycopg2.connect(host=self.socket_dir, port=PORT, user=SUPERUSER,
                                      dbname=database)
        connection.autocommit = True
        return connection

    def execute(self, *statements: str, database: str = "postgres") -> None:
        connection = self.connect(database)
        try:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        finally:
            connection.close()

    def new_database(self) -> str:
        """A fresh, migrated, empty Brugmeter database."""
        name = f"test_{next(self._names)}"
        self.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        return name

    def new_database_owned_by(self, role: str) -> str:
        """An empty database (no Brugmeter tables yet) that `role` owns."""
        name = f"team_{next(self._names)}"
        self.execute(f"CREATE DATABASE {name} OWNER {role}")
        return name

    def emptied(self, name: str = SHARED) -> str:
        """The shared database with no rows, its ids starting at 1 again and its schema version
        the current one; made anew from the template if a test changed its tables."""
        connection = self.connect(name)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '10s'")  # a leftover open transaction
                if _schema_names(cursor) != self.schema_names:
                    connection.close()
                    self.drop_database(name)
                    self.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
                    return name
                cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                tables = [row[0] for row in cursor.fetchall()]
                cursor.execute("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")
                sequences = [row[0] for row in cursor.fetchall()]
                cursor.execute(
                    "BEGIN; SET LOCAL session_replication_role = replica;"
                    + "".join(f'DELETE FROM "{table}";' for table in tables)
                    + "SELECT " + ", ".join(f"setval('\"{sequence}\"', 1, false)"
                                            for sequence in sequences)
                    + f"; INSERT INTO schema_version (version) VALUES ({self.schema_version})"
                    + "; COMMIT;")
        finally:
            connection.close()
        return name

    def drop_database(self, name: str) -> None:
        self.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        self._pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    def _pg_ctl(self, *arguments: str) -> None:
        _run(self.run_as, [str(self.bin_dir / "pg_ctl"), "-D", str(self.folder / "data"),
                           "-s", *arguments])


def start_cluster() -> Cluster:
    """initdb + start + the password role, the migrated template and the shared database
    (about 1.5 s)."""
    bin_dir = find_bin_dir()
    run_as = None
    folder = Path(tempfile.mkdtemp(prefix="brugmeter-pg-"))
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam(SUPERUSER)
        except KeyError:
            raise PostgresMissingError("no 'postgres' user to run initdb as") from None
        os.chown(folder, account.pw_uid, account.pw_gid)
        run_as = SUPERUSER
    data = folder / "data"
    _run(run_as, [str(bin_dir / "initdb"), "-D", str(data), "-U", SUPERUSER, "-A", "trust",
                  "-E", "UTF8", "--locale", "C.UTF-8", "--no-sync", "--no-instructions"])
    (data / "pg_hba.conf").write_text(PG_HBA)
    options = " ".join(f"-c {key}={value}" for key, value in SERVER_SETTINGS.items())
    cluster = Cluster(folder, bin_dir, run_as)
    cluster._pg_ctl("start", "-w", "-l", str(folder / "server.log"),
                    "-o", f"{options} -k {folder} -p {PORT}")
    _stop_when_gone(cluster, os.getpid())
    try:
        cluster.execute(
            f"CREATE ROLE {PASSWORD_ROLE} LOGIN PASSWORD '{PASSWORD}'",
            f"CREATE DATABASE {TEMPLATE}",
        )
        _migrate_template(cluster)
        cluster.execute(f"CREATE DATABASE {SHARED} TEMPLATE {TEMPLATE}")
    except BaseException:
        cluster.stop()
        raise
    return cluster


def _stop_when_gone(cluster: Cluster, owner: int) -> None:
    """A watcher in a session of its own: when the test run ends without its teardown (killed
    by a timeout, a crash) the cluster is still stopped and its folder removed."""
    stop = [str(cluster.bin_dir / "pg_ctl"), "-D", str(cluster.folder / "data"), "-s", "stop",
            "-m", "immediate"]
    if cluster.run_as is not None:
        stop = ["runuser", "-u", cluster.run_as, "--", *stop]
    script = (f"while kill -0 {owner} 2>/dev/null; do sleep 1; done; "
              f"{shlex.join(stop)} >/dev/null 2>&1; rm -rf {shlex.quote(str(cluster.folder))}")
    subprocess.Popen(["sh", "-c", script], start_new_session=True, stdin=subprocess.DEVNULL,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _migrate_template(cluster: Cluster) -> None:
    from desktop.models.database import close_database, open_database
    from desktop.models.schema import SchemaVersion

    open_database(cluster.url(TEMPLATE))
    cluster.schema_version = SchemaVersion.get().version
    close_database()
    connection = cluster.connect(TEMPLATE)
    try:
        with connection.cursor() as cursor:
            cluster.schema_names = _schema_names(cursor)
    finally:
        connection.close()
    cluster.execute(f"ALTER DATABASE {TEMPLATE} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false")


def _schema_names(cursor) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' UNION ALL "
                   "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")
    return sorted(row[0] for row in cursor.fetchall())


def _run(run_as: str | None, command: list[str]) -> None:
    if run_as is not None:
        command = ["runuser", "-u", run_as, "--", *command]
    result = subprocess.run(command, capture_output=True, text=True, cwd="/")
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {result.stderr.strip()}")
