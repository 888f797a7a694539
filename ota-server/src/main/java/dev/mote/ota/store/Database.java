package dev.mote.ota.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.sqlite.SQLiteConfig;

/**
 * The OTA server's SQLite database: one file, one connection, one lock. SQLite takes one writer
 * at a time anyway, so the server serializes all access here instead of juggling a pool; the
 * lock is also what keeps the fleet logic's decisions (count, then offer) atomic.
 *
 * <p>WAL journal with synchronous=NORMAL by default: a commit is in the WAL, in the OS's page
 * cache, when {@link #tx} returns, so killing the server (kill -9, a JVM crash) loses nothing.
 * Only an OS crash or power cut can lose the last commits (never corrupt the file). FULL would
 * add an fsync to every commit: a state report per device and chunk window on a 1,000-device
 * rollout makes that the bottleneck. {@code fullSync} turns it on for those who want it.
 *
 * <p>A full disk fails a commit and nothing of it is kept; the next transaction works as soon as
 * there is room again, and {@link #problem} says meanwhile why writes fail (GET /api/health).
 */
public final class Database implements AutoCloseable {
    /** Reads a row. Work inside {@link #tx} throws {@link StoreException}, unchecked. */
    @FunctionalInterface
    public interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** SQLite's primary result codes that mean the file or the disk failed, not the statement. */
    private static final Set<Integer> DISK_ERRORS = Set.of(8 /* READONLY */, 10 /* IOERR */, 11 /* CORRUPT */,
            13 /* FULL */, 14 /* CANTOPEN */, 26 /* NOTADB */);
    private static final long PROBE_EVERY_NANOS = 1_000_000_000L;
    /** Less free space than this where the database is, and GET /api/health says so. */
    public static final long MIN_FREE = 1 << 20;

    private final Path file;
    private final SQLiteConfig config;
    private Connection conn;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private final List<Runnable> afterCommit = new ArrayList<>();
    private int depth;
    /** The transaction changed something (a commit of it shows the store can write). */
    private boolean wrote;
    /** Why the last write failed, until a write commits again; null while all is well. */
    private volatile String problem;
    private long lastProbe;

    private Database(Path file, SQLiteConfig config, Connection conn) {
        this.file = file;
        this.config = config;
        this.conn = conn;
    }

    /** Opens (creating it if needed) the database {@code file} and brings its schema up to date. */
    public static Database open(Path file, boolean fullSync) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
        cfg.setSynchronous(fullSync ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
        cfg.enforceForeignKeys(true);
        cfg.setBusyTimeout(5000);
        Database db;
        try {
            db = new Database(file.toAbsolutePath(), cfg, connect(file.toAbsolutePath(), cfg));
        } catch (SQLException e) {
            throw new IOException("cannot open the database " + file + ": " + e.getMessage(), e);
        }
        try {
            Schema.migrate(db);
        } catch (RuntimeException e) {
            db.close();
            throw new IOException("database " + file + ": " + e.getMessage(), e);
        }
        return db;
    }

    private static Connection connect(Path file, SQLiteConfig cfg) throws SQLException {
        Connection c = cfg.createConnection("jdbc:sqlite:" + file);
        c.setAutoCommit(false);
        return c;
    }

    /**
     * Runs {@code work} in a transaction, holding the lock: commits when it returns, rolls back
     * when it throws. Nested calls join the outer transaction.
     *
     * <p>A failed commit or statement leaves the connection clean for the next transaction:
     * SQLite rolls a transaction back by itself on some errors (SQLITE_FULL among them), after
     * which the driver's own rollback and its next BEGIN never happen and every later call
     * failed with "no transaction is active" until a restart. So after a failure whose rollback
     * does not go through, the connection is closed and opened again. A failure of the disk or
     * the file is kept as {@link #problem} until a write commits again.
     */
    public <T> T tx(Supplier<T> work) {
        lock.lock();
        try {
            if (depth > 0) {
                depth++;
                try {
                    return work.get();
                } finally {
                    depth--;
                }
            }
            depth = 1;
            wrote = false;
            try {
                if (conn == null) {
                    reconnect();
                }
                T result = work.get();
                conn.commit();
                if (wrote) {
                    problem = null;
                }
                // Still under the lock, so whatever these queue happens in commit order.
                for (Runnable r : afterCommit) {
                    r.run();
                }
                return result;
            } catch (SQLException e) {
                failed(e);
                throw new StoreException("commit failed: " + e.getMessage(), e);
            } catch (RuntimeException | Error e) {
                failed(e.getCause() instanceof SQLException s ? s : null);
                throw e;
            } finally {
                afterCommit.clear();
                depth = 0;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * After a failed transaction: roll back, or when that does not go through, start a fresh
     * connection; note a disk or file failure ({@code e} null: the work itself threw).
     */
    private void failed(SQLException e) {
        if (e != null && DISK_ERRORS.contains(e.getErrorCode() & 0xff)) {
            problem = e.getMessage();
        }
        if (conn == null) {
            return;
        }
        try {
            conn.rollback();
        } catch (SQLException gone) {
            closeConnection();
            try {
                reconnect();
            } catch (SQLException again) {
                problem = "cannot reopen the database: " + again.getMessage();
            }
        }
    }

    private void reconnect() throws SQLException {
        try {
            conn = connect(file, config);
        } catch (SQLException e) {
            problem = "cannot open the database: " + e.getMessage();
            throw e;
        }
    }

    private void closeConnection() {
        for (PreparedStatement ps : statements.values()) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // the connection goes anyway
            }
        }
        statements.clear();
        try {
            conn.close();
        } catch (SQLException ignored) {
            // it is being replaced
        }
        conn = null;
    }

    /**
     * What is wrong with the store: null while the last write committed, else why the last one
     * failed (e.g. "[SQLITE_FULL] Insertion failed because database is full (database or disk is
     * full)"), until a write commits again.
     */
    public String problem() {
        return problem;
    }

    /**
     * What GET /api/health reports: {@link #problem}, after trying a tiny write when the store
     * failed (at most once a second, so a store that works again says so without waiting for
     * other traffic), or else that the disk holding the database has less than
     * {@link #MIN_FREE} left (a small write may still fit in the WAL's space while a larger one
     * fails). Null while all is well.
     */
    public String probe() {
        String low = lowSpace();
        if (problem == null) {
            return low;
        }
        lock.lock();
        try {
            long now = System.nanoTime();
            if (now - lastProbe >= PROBE_EVERY_NANOS || lastProbe == 0) {
                lastProbe = now;
                run(() -> update("UPDATE schema_version SET version = version"));
            }
        } catch (RuntimeException e) {
            // problem says why
        } finally {
            lock.unlock();
        }
        return problem != null ? problem : low;
    }

    /** "disk nearly full: ..." when the database's file system has less than MIN_FREE left, else null. */
    private String lowSpace() {
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
     * Runs {@code r} once the current transaction has committed (still under the lock), and
     * never if it rolls back: the place for in-memory state and messages that must follow
     * what the database says.
     */
    public void afterCommit(Runnable r) {
        requireTx();
        afterCommit.add(r);
    }

    public boolean inTx() {
        return lock.isHeldByCurrentThread() && depth > 0;
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
            wrote = true;
            return prepare(sql, args).executeUpdate();
        } catch (SQLException e) {
            throw fail(sql, e);
        }
    }

    /** Runs an INSERT; returns the new row's id. */
    public long insert(String sql, Object... args) {
        update(sql, args);
        return queryLong("SELECT last_insert_rowid()");
    }

    /** Runs one statement for each argument list, as a JDBC batch. */
    public void batch(String sql, List<Object[]> rows) {
        try {
            wrote = true;
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
        requireTx();
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = conn.prepareStatement(sql);
            statements.put(sql, ps);
        }
        bind(ps, args);
        return ps;
    }

    private static void bind(PreparedStatement ps, Object[] args) throws SQLException {
        ps.clearParameters();
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            ps.setObject(i + 1, a instanceof Boolean b ? (b ? 1 : 0) : a);
        }
    }

    private void requireTx() {
        if (!inTx()) {
            throw new IllegalStateException("database access outside Database.tx");
        }
    }

    private static StoreException fail(String sql, SQLException e) {
        return new StoreException(e.getMessage() + " (in: " + (sql.length() > 200 ? sql.substring(0, 200) + "..."
                : sql) + ")", e);
    }

    @Override
    public void close() {
        lock.lock();
        try {
            for (PreparedStatement ps : statements.values()) {
                ps.close();
            }
            statements.clear();
            if (conn != null) {
                conn.rollback();
                conn.close();
            }
        } catch (SQLException e) {
            throw new StoreException("closing the database: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }
}
