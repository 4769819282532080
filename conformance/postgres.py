"""A throwaway PostgreSQL cluster for one conformance session.

Started like swdbt's own integration tests start theirs (Sources/SwdbtTestSupport/PostgresServer.swift):
`initdb` and `pg_ctl` as the `postgres` system user when running as root (both refuse root), a unix
socket only (no TCP port to clash with other sessions), and fsync off because nothing here is kept.
"""

import glob
import os
import shutil
import subprocess
import tempfile

SUPERUSER = "swdbt"
PORT = 5432


def _bindir():
    """Where initdb and pg_ctl are: Debian keeps them off PATH, in /usr/lib/postgresql/N/bin."""
    try:
        found = subprocess.run(
            ["pg_config", "--bindir"], capture_output=True, text=True, check=True
        ).stdout.strip()
        if os.access(os.path.join(found, "initdb"), os.X_OK):
            return found
    except (OSError, subprocess.CalledProcessError):
        pass
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.access(os.path.join(candidate, "initdb"), os.X_OK):
            return candidate
    raise RuntimeError("cannot find PostgreSQL's initdb (apt-get install postgresql)")


class Cluster:
    """One cluster in a fresh folder under /tmp; `start` then `stop` removes it."""

    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="swdbt-conf-", dir="/tmp")
        self.data = os.path.join(self.root, "data")
        # The socket folder stays short: a socket path may be at most 107 bytes.
        self.socket_dir = os.path.join(self.root, "s")
        self.log = os.path.join(self.root, "server.log")
        self.bindir = _bindir()

    def _as_server_user(self, argv):
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--"] + argv
        return argv

    def start(self):
        os.makedirs(self.socket_dir)
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            shutil.chown(self.socket_dir, "postgres", "postgres")
        subprocess.run(
            self._as_server_user(
                [os.path.join(self.bindir, "initdb"), "-D", self.data, "-U", SUPERUSER,
                 "-A", "trust", "-E", "UTF8", "--locale=C"]
            ),
            check=True, capture_output=True,
        )
        options = (
            f"-k {self.socket_dir} -p {PORT} -c listen_addresses='' -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        subprocess.run(
            self._as_server_user(
                [os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-l", self.log, "-w",
                 "-t", "60", "-o", options, "start"]
            ),
            check=True, capture_output=True,
        )

    def execute(self, sql):
        """Runs one statement as the superuser (setup only; the suite uses dbt-postgres)."""
        import psycopg2

        connection = psycopg2.connect(
            host=self.socket_dir, port=PORT, user=SUPERUSER, dbname="postgres"
        )
        connection.autocommit = True
        try:
            connection.cursor().execute(sql)
        finally:
            connection.close()

    def stop(self):
        subprocess.run(
            self._as_server_user(
                [os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-m", "immediate", "-w", "stop"]
            ),
            capture_output=True,
        )
        shutil.rmtree(self.root, ignore_errors=True)
