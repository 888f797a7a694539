"""bench/ota's PostgreSQL: a throwaway cluster of Debian's postgresql package (initdb in a
temporary directory, 127.0.0.1 on a given port, its socket in that directory), as the server's
tests start one. As root its programs run as the `postgres` user (PostgreSQL refuses root).
fsync stays on; synchronous_commit is the caller's choice (see docs/SCALING.md)."""
import glob, os, shutil, subprocess, tempfile

USER, PASSWORD = "mote", "mote-bench-password"


def binaries():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    return os.path.dirname(found[-1]) if found else None


def _as_server(cmd):
    return (["runuser", "-u", "postgres", "--"] + cmd) if os.geteuid() == 0 else cmd


class Cluster:
    def __init__(self, work, port, synchronous_commit="off"):
        self.bin = binaries()
        if not self.bin:
            raise SystemExit("bench/ota: PostgreSQL is not installed (bash scripts/setup.sh installs it)")
        # its own directory: the postgres user cannot enter the run's (root's, mode 0700)
        self.dir, self.port = tempfile.mkdtemp(prefix="mote-bench-pg."), port
        self.data = os.path.join(self.dir, "data")
        pw = os.path.join(self.dir, "pw")
        with open(pw, "w") as f:
            f.write(PASSWORD + "\n")
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            shutil.chown(pw, "postgres", "postgres")
        subprocess.run(_as_server([self.bin + "/initdb", "-D", self.data, "-U", USER, "--pwfile=" + pw,
                                   "-A", "scram-sha-256", "--locale=C", "-E", "UTF8"]),
                       check=True, stdout=subprocess.DEVNULL)
        self.options = ("-c listen_addresses=127.0.0.1 -p %d -c unix_socket_directories=%s -c max_connections=200"
                        " -c synchronous_commit=%s -c shared_buffers=256MB" % (port, self.dir, synchronous_commit))
        self.synchronous_commit = synchronous_commit
        self.start()

    def start(self):
        subprocess.run(_as_server([self.bin + "/pg_ctl", "-D", self.data, "-l", os.path.join(self.dir, "log"),
                                   "-w", "-t", "60", "-o", self.options, "start"]),
                       check=True, stdout=subprocess.DEVNULL)

    def stop(self):
        subprocess.run(_as_server([self.bin + "/pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop"]),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def close(self):
        """Stops the server and removes the cluster."""
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, db, password=False):
        return "postgresql://%s%s@127.0.0.1:%d/%s" % (USER, ":" + PASSWORD if password else "", self.port, db)

    def sql(self, db, query):
        """One query through psql; its rows as lists of strings."""
        out = subprocess.run([self.bin + "/psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, "-d", db,
                              "-At", "-F", "\t", "-c", query], env=dict(os.environ, PGPASSWORD=PASSWORD),
                             check=True, capture_output=True, text=True).stdout
        return [line.split("\t") for line in out.splitlines() if line]

    def create(self, db):
        self.sql("postgres", "CREATE DATABASE %s" % db)
        return self.url(db)

    def stats(self, db):
        """Commits, rows inserted/updated/deleted, and size of database db since the cluster started."""
        r = self.sql("postgres", "SELECT xact_commit, tup_inserted, tup_updated, tup_deleted, pg_database_size(datname)"
                                 " FROM pg_stat_database WHERE datname = '%s'" % db)[0]
        return dict(zip(("commits", "inserted", "updated", "deleted", "bytes"), map(int, r)))

    def pids(self):
        """The postmaster and its children (backends, WAL writer, checkpointer, ...)."""
        with open(os.path.join(self.data, "postmaster.pid")) as f:
            master = int(f.readline())
        kids = [int(p) for p in subprocess.run(["pgrep", "-P", str(master)], capture_output=True,
                                                 text=True).stdout.split()]
        return [master] + kids


def cpu_snapshot(pids):
    """utime + stime of each process, by pid (a process gone meanwhile is left out)."""
    out = {}
    for pid in pids:
        try:
            f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
            out[pid] = (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError):
            pass
    return out


def cpu_delta(before, after):
    """CPU spent between two snapshots: a process born meanwhile counts whole."""
    return sum(c - before.get(pid, 0.0) for pid, c in after.items())
