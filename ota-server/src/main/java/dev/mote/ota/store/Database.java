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
 */
public final class Database implements AutoCloseable {
    /** Reads a row. Work inside {@link #tx} throws {@link StoreException}, unchecked. */
    @FunctionalInterface
    public interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private final Connection conn;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private final List<Runnable> afterCommit = new ArrayList<>();
    private int depth;

    private Database(Connection conn) {
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
            Connection c = cfg.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
            c.setAutoCommit(false);
            db = new Database(c);
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

    /**
     * Runs {@code work} in a transaction, holding the lock: commits when it returns, rolls back
     * when it throws. Nested calls join the outer transaction.
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
            try {
                T result = work.get();
                conn.commit();
                // Still under the lock, so whatever these queue happens in commit order.
                for (Runnable r : afterCommit) {
                    r.run();
                }
                return result;
            } catch (SQLException e) {
                rollback();
                throw new StoreException("commit failed: " + e.getMessage(), e);
            } catch (RuntimeException | Error e) {
                rollback();
                throw e;
            } finally {
                afterCommit.clear();
                depth = 0;
            }
        } finally {
            lock.unlock();
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

    private void rollback() {
        try {
            conn.rollback();
        } catch (SQLException e) {
            // The connection is gone; the next statement says so.
        }
    }

    private static StoreException fail(String sql, SQLException e) {
        return new StoreException(e.getMessage() + " (in: " + sql + ")", e);
    }

    @Override
    public void close() {
        lock.lock();
        try {
            for (PreparedStatement ps : statements.values()) {
                ps.close();
            }
            statements.clear();
            conn.rollback();
            conn.close();
        } catch (SQLException e) {
            throw new StoreException("closing the database: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }
}
