package dev.mote.ota.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.sqlite.SQLiteConfig;

/**
 * The OTA server's database: SQLite (one file, the default) or PostgreSQL (shared by several
 * server instances). Every access is a transaction ({@link #tx}) on a connection of its own.
 *
 * <p>SQLite: one connection, so one transaction at a time. SQLite takes one writer at a time
 * anyway, so the server serializes all access here instead of juggling a pool. WAL journal with
 * synchronous=NORMAL by default: a commit is in the WAL, in the OS's page cache, when {@link #tx}
 * returns, so killing the server (kill -9, a JVM crash) loses nothing. Only an OS crash or power
 * cut can lose the last commits (never corrupt the file). FULL would add an fsync to every commit:
 * a state report per device and chunk window on a 1,000-device rollout makes that the bottleneck.
 * {@code fullSync} turns it on for those who want it.
 *
 * <p>PostgreSQL: a few connections ({@link #POOL}), one per transaction in progress. Other
 * instances change the same rows at the same time, so no decision may rest on this process
 * being alone: the store's changes of state are conditional updates, and what must happen once
 * locks its row ({@link Dialect#forUpdate}). A transaction that lost a deadlock runs again.
 *
 * <p>A failed commit keeps nothing of it; the next transaction works as soon as the cause is gone
 * (room on the disk, the PostgreSQL server back), on a fresh connection if the old one is broken,
 * and {@link #problem} says meanwhile why the store fails (GET /api/health).
 */
public final class Database implements AutoCloseable {
    /** Reads a row. Work inside {@link #tx} throws {@link StoreException}, unchecked. */
    @FunctionalInterface
    public interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** Opens a connection, in autocommit off. */
    @FunctionalInterface
    private interface Connector {
        Connection open() throws SQLException;
    }

    /** PostgreSQL connections per process: the link's event thread, the engine, REST, the lease. */
    public static final int POOL = 4;
    private static final int RETRIES = 3;
    private static final long PROBE_EVERY_NANOS = 1_000_000_000L;
    /** Less free space than this where the database is, and GET /api/health says so. */
    public static final long MIN_FREE = 1 << 20;

    /** A connection and its prepared statements. */
    private static final class Conn {
        final Connection c;
        final java.util.Map<String, PreparedStatement> statements = new java.util.HashMap<>();
        boolean broken;

        Conn(Connection c) {
            this.c = c;
        }

        void close() {
            for (PreparedStatement ps : statements.values()) {
                try {
                    ps.close();
                } catch (SQLException ignored) {
                    // the connection goes anyway
                }
            }
            statements.clear();
            try {
                c.close();
            } catch (SQLException ignored) {
                // it is being replaced
            }
        }
    }

    /** The transaction in progress on a thread. */
    private static final class Tx {
        Conn conn;
        int depth = 1;
        /** The transaction changed something (a commit of it shows the store can write). */
        boolean wrote;
        final List<Runnable> afterCommit = new ArrayList<>();
    }

    private final Dialect dialect;
    private final Connector connector;
    /** The file (SQLite) or the URL without its password: for messages. */
    private final String where;
    private final Path file;
    private final Semaphore permits;
    private final Deque<Conn> idle = new ArrayDeque<>();
    /** Commits and what follows them happen in one order in this process (messages to devices among them). */
    private final ReentrantLock commitOrder = new ReentrantLock();
    private final ThreadLocal<Tx> current = new ThreadLocal<>();
    /** Why the last write failed, until a write commits again; null while all is well. */
    private volatile String problem;
    private final AtomicLong lastProbe = new AtomicLong();
    private final java.util.concurrent.atomic.LongAdder commits = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder writeCommits = new java.util.concurrent.atomic.LongAdder();
    private volatile boolean closed;

    private Database(Dialect dialect, Connector connector, String where, Path file, int pool) {
        this.dialect = dialect;
        this.connector = connector;
        this.where = where;
        this.file = file;
        this.permits = new Semaphore(pool);
    }

    /** Opens (creating it if needed) the SQLite database {@code file} and brings its schema up to date. */
    public static Database open(Path file, boolean fullSync) throws IOException {
        return open(file, fullSync, Schema.MIGRATIONS);
    }

    /** {@link #open(Path, boolean)} with another list of migrations (tests: a newer or older server). */
    static Database open(Path file, boolean fullSync, List<List<String>> migrations) throws IOException {
        Path abs = file.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
        cfg.setSynchronous(fullSync ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
        cfg.enforceForeignKeys(true);
        cfg.setBusyTimeout(5000);
        Database db = new Database(Dialect.SQLITE, () -> {
            Connection c = cfg.createConnection("jdbc:sqlite:" + abs);
            c.setAutoCommit(false);
            return c;
        }, abs.toString(), abs, 1);
        return migrated(db, migrations);
    }

    /**
     * Connects to the PostgreSQL database {@code url} and brings its schema up to date (under a
     * lock: instances starting together migrate once). IOException naming the URL, never its
     * password, when it cannot.
     */
    public static Database open(PostgresUrl url) throws IOException {
        return open(url, Schema.MIGRATIONS);
    }

    /** {@link #open(PostgresUrl)} with another list of migrations (tests: a newer or older server). */
    static Database open(PostgresUrl url, List<List<String>> migrations) throws IOException {
        Database db = new Database(Dialect.POSTGRES, () -> {
            Connection c = DriverManager.getConnection(url.jdbcUrl(), url.properties());
            c.setAutoCommit(false);
            return c;
        }, url.toString(), null, POOL);
        return migrated(db, migrations);
    }

    private static Database migrated(Database db, List<List<String>> migrations) throws IOException {
        try {
            Schema.migrate(db, migrations);
            return db;
        } catch (RuntimeException e) {
            db.close();
            Throwable cause = e instanceof StoreException && e.getCause() != null ? e.getCause() : e;
            throw new IOException("database " + db.where + ": " + cause.getMessage(), e);
        }
    }

    public Dialect dialect() {
        return dialect;
    }

    /** Transactions committed since start, and those of them that wrote (GET /api/stats, bench/ota). */
    public long[] commits() {
        return new long[] {commits.sum(), writeCommits.sum()};
    }

    /** Whether {@code e}, thrown by a transaction, says the database could not be reached (it may come back). */
    public boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && dialect.connectionLost(s)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs {@code work} in a transaction on a connection of its own: commits when it returns,
     * rolls back when it throws. Nested calls join the outer transaction. A transaction that lost
     * a deadlock to another instance's runs again (up to three times), so {@code work} must not
     * act outside the database but through {@link #afterCommit}.
     *
     * <p>A failed commit or statement leaves the store clean for the next transaction: SQLite
     * rolls a transaction back by itself on some errors (SQLITE_FULL among them), after which the
     * driver's own rollback and its next BEGIN never happen and every later call failed with "no
     * transaction is active" until a restart; a PostgreSQL server that restarted closed the
     * connection. So after a failure whose rollback does not go through, the connection is closed
     * and the next transaction opens another. A failure of the disk, the file or the connection is
     * kept as {@link #problem} until a write commits again.
     */
    public <T> T tx(Supplier<T> work) {
        Tx outer = current.get();
        if (outer != null) {
            outer.depth++;
            try {
                return work.get();
            } finally {
                outer.depth--;
            }
        }
        for (int attempt = 1; ; attempt++) {
            acquire();
            Tx t = new Tx();
            current.set(t);
            try {
                t.conn = borrow();
                T result = work.get();
                commit(t);
                return result;
            } catch (SQLException e) {
                failed(t, e);
                if (attempt < RETRIES && dialect.retryable(e)) {
                    continue;
                }
                throw new StoreException("commit failed: " + e.getMessage(), e);
            } catch (RuntimeException | Error e) {
                SQLException s = e.getCause() instanceof SQLException x ? x : null;
                failed(t, s);
                if (s != null && attempt < RETRIES && dialect.retryable(s)) {
                    continue;
                }
                throw e;
            } finally {
                current.remove();
                giveBack(t.conn);
                permits.release();
            }
        }
    }

    private void acquire() {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for the database", e);
        }
    }

    private void commit(Tx t) throws SQLException {
        commitOrder.lock();
        try {
            t.conn.c.commit();
            commits.increment();
            if (t.wrote) {
                writeCommits.increment();
                problem = null;
            }
            // Still in commit order, so whatever these queue happens in that order.
            for (Runnable r : t.afterCommit) {
                r.run();
            }
        } finally {
            commitOrder.unlock();
        }
    }

    /** An idle connection, or a new one. */
    private Conn borrow() throws SQLException {
        synchronized (idle) {
            Conn c = idle.poll();
            if (c != null) {
                return c;
            }
        }
        if (closed) {
            throw new StoreException("the database is closed", null);
        }
        try {
            return new Conn(connector.open());
        } catch (SQLException e) {
            problem = (dialect == Dialect.SQLITE ? "cannot open the database: " : "cannot connect to " + where + ": ")
                    + e.getMessage();
            throw e;
        }
    }

    private void giveBack(Conn c) {
        if (c == null) {
            return;
        }
        if (c.broken || closed) {
            c.close();
            return;
        }
        synchronized (idle) {
            idle.push(c);
        }
    }

    /**
     * After a failed transaction: roll back, or when that does not go through (or the connection
     * is gone), mark the connection for replacement; note a disk, file or connection failure
     * ({@code e} null: the work itself threw).
     */
    private void failed(Tx t, SQLException e) {
        if (e != null && dialect.diskFailed(e)) {
            problem = e.getMessage();
        }
        if (e != null && dialect.connectionLost(e)) {
            problem = "the database " + where + " is unreachable: " + e.getMessage();
        }
        if (t.conn == null) {
            return;
        }
        try {
            t.conn.c.rollback();
        } catch (SQLException gone) {
            t.conn.broken = true;
            if (dialect.connectionLost(gone) && problem == null) {
                problem = "the database " + where + " is unreachable: " + gone.getMessage();
            }
        }
        if (e != null && dialect.connectionLost(e)) {
            t.conn.broken = true;
        }
    }

    /**
     * What is wrong with the store: null while the last write committed, else why the last one
     * failed (e.g. "[SQLITE_FULL] Insertion failed because database is full (database or disk is
     * full)", or that the PostgreSQL server cannot be reached), until a write commits again.
     */
    public String problem() {
        return problem;
    }

    /**
     * What GET /api/health reports: {@link #problem}, after trying a tiny write when the store
     * failed (at most once a second, so a store that works again says so without waiting for
     * other traffic), or else that the disk holding a SQLite database has less than
     * {@link #MIN_FREE} left (a small write may still fit in the WAL's space while a larger one
     * fails). Null while all is well.
     */
    public String probe() {
        String low = lowSpace();
        if (problem == null) {
            return low;
        }
        long now = System.nanoTime();
        long last = lastProbe.get();
        if ((last == 0 || now - last >= PROBE_EVERY_NANOS) && lastProbe.compareAndSet(last, now)) {
            try {
                run(() -> update("UPDATE schema_version SET version = version"));
            } catch (RuntimeException e) {
                // problem says why
            }
        }
        return problem != null ? problem : low;
    }

    /** "disk nearly full: ..." when a SQLite database's file system has less than MIN_FREE left, else null. */
    private String lowSpace() {
        if (file == null) {
            return null;
        }
        try {
            long free = Files.getFileStore(file.getParent()).getUsableSpace();
            return free >= MIN_FREE ? null : "disk nearly full: " + free + " bytes left where the database is ("
                    + file.getParent() + ")";
        } catch (IOException e) {
            return "cannot see the database's disk: " + e.getMessage();
        }
    }

    public void run(Runnable work) {
        tx(() -> {
            work.run();
            return null;
        });
    }

    /**
     * Runs {@code r} once the current transaction has committed (in commit order), and never if
     * it rolls back: the place for in-memory state and messages that must follow what the
     * database says.
     */
    public void afterCommit(Runnable r) {
        tx().afterCommit.add(r);
    }

    public boolean inTx() {
        return current.get() != null;
    }

    /** All rows of a query, read into a list (so the statement can be reused at once). */
    public <T> List<T> query(String sql, Row<T> row, Object... args) {
        try {
            PreparedStatement ps = prepare(sql, args);
            List<T> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row.map(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw fail(sql, e);
        }
    }

    /** The first row, or null. */
    public <T> T queryOne(String sql, Row<T> row, Object... args) {
        List<T> rows = query(sql, row, args);
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** A single number (a count), 0 when the query returns no row. */
    public long queryLong(String sql, Object... args) {
        Long v = queryOne(sql, rs -> rs.getLong(1), args);
        return v == null ? 0 : v;
    }

    /** Runs an INSERT/UPDATE/DELETE; returns the rows changed. */
    public int update(String sql, Object... args) {
        try {
            tx().wrote = true;
            return prepare(sql, args).executeUpdate();
        } catch (SQLException e) {
            throw fail(sql, e);
        }
    }

    /** Runs an INSERT into a table whose key is {@code id}; returns the new row's id. */
    public long insert(String sql, Object... args) {
        tx().wrote = true;
        return queryLong(sql + " RETURNING id", args);
    }

    /** A write whose result is rows (UPDATE ... RETURNING): the rows. */
    public <T> List<T> updateReturning(String sql, Row<T> row, Object... args) {
        tx().wrote = true;
        return query(sql, row, args);
    }

    /** Runs one statement for each argument list, as a JDBC batch. */
    public void batch(String sql, List<Object[]> rows) {
        try {
            tx().wrote = true;
            PreparedStatement ps = prepare(sql);
            for (Object[] args : rows) {
                bind(ps, args);
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw fail(sql, e);
        }
    }

    private PreparedStatement prepare(String sql, Object... args) throws SQLException {
        Conn c = tx().conn;
        PreparedStatement ps = c.statements.get(sql);
        if (ps == null) {
            ps = c.c.prepareStatement(sql);
            c.statements.put(sql, ps);
        }
        bind(ps, args);
        return ps;
    }

    private static void bind(PreparedStatement ps, Object[] args) throws SQLException {
        ps.clearParameters();
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a == null) {
                ps.setNull(i + 1, java.sql.Types.NULL);
            } else {
                ps.setObject(i + 1, a instanceof Boolean b ? (b ? 1 : 0) : a);
            }
        }
    }

    private Tx tx() {
        Tx t = current.get();
        if (t == null) {
            throw new IllegalStateException("database access outside Database.tx");
        }
        return t;
    }

    private StoreException fail(String sql, SQLException e) {
        if (dialect.connectionLost(e)) {
            problem = "the database " + where + " is unreachable: " + e.getMessage();
        }
        return new StoreException(e.getMessage() + " (in: " + (sql.length() > 200 ? sql.substring(0, 200) + "..."
                : sql) + ")", e);
    }

    @Override
    public void close() {
        closed = true;
        // wait for the transactions in progress
        int n = dialect == Dialect.SQLITE ? 1 : POOL;
        permits.acquireUninterruptibly(n);
        try {
            synchronized (idle) {
                for (Conn c : idle) {
                    try {
                        c.c.rollback();
                    } catch (SQLException ignored) {
                        // closing anyway
                    }
                    c.close();
                }
                idle.clear();
            }
        } finally {
            permits.release(n);
        }
    }
}
