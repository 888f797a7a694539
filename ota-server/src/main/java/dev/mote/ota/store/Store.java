package dev.mote.ota.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Everything the OTA server keeps: with SQLite, in DATA_DIR: ota.db (the database), images/ (the
 * image files) and ota.lock. One server per data directory: two would both run rollouts and
 * offer the same jobs twice, so the second is refused while the first holds the lock (the OS
 * drops it when the process dies, kill -9 included). With PostgreSQL ({@link #open(PostgresUrl)})
 * everything is in the database, images included, and any number of instances share it
 * ({@link #shared}): the leases and instances tables say who does what.
 *
 * <p>A new table is one migration in {@link Schema} and one store class here.
 */
public final class Store implements AutoCloseable {
    private final FileChannel lockFile;
    private final FileLock lock;
    private final Database db;
    private final ImageBlobs files;
    private final ImageStore images;
    private final DeviceStore devices;
    private final RolloutStore rollouts;
    private final JobStore jobs;
    private final ViewStore views;
    private final LeaseStore leases;
    private final InstanceStore instances;
    private final SettingStore settings;

    private Store(FileChannel lockFile, FileLock lock, Database db, ImageBlobs files) {
        this.lockFile = lockFile;
        this.lock = lock;
        this.db = db;
        this.files = files;
        this.images = new ImageStore(db);
        this.devices = new DeviceStore(db);
        this.rollouts = new RolloutStore(db);
        this.jobs = new JobStore(db);
        this.views = new ViewStore(db);
        this.leases = new LeaseStore(db);
        this.instances = new InstanceStore(db);
        this.settings = new SettingStore(db);
    }

    /** Opens the PostgreSQL database {@code url}, bringing its schema up to date; IOException naming it (never its password). */
    public static Store open(PostgresUrl url) throws IOException {
        Database db = Database.open(url);
        return new Store(null, null, db, new ImageRows(db));
    }

    /** Other instances may share the database: nothing in memory is the whole truth. */
    public boolean shared() {
        return db.dialect() == Dialect.POSTGRES;
    }

    /** Opens the data directory, creating what is missing; IOException if another server holds it. */
    public static Store open(Path dataDir, boolean fullSync) throws IOException {
        Files.createDirectories(dataDir);
        FileChannel ch = FileChannel.open(dataDir.resolve("ota.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            ch.close();
            throw new IOException("another OTA server is using " + dataDir + " (it holds " + dataDir.resolve("ota.lock")
                    + "): stop it, or give this one another data directory");
        }
        try {
            ImageFiles files = new ImageFiles(dataDir.resolve("images"));
            return new Store(ch, lock, Database.open(dataDir.resolve("ota.db"), fullSync), files);
        } catch (IOException | RuntimeException e) {
            lock.release();
            ch.close();
            throw e;
        }
    }

    public Database db() {
        return db;
    }

    public ImageBlobs files() {
        return files;
    }

    public ImageStore images() {
        return images;
    }

    public DeviceStore devices() {
        return devices;
    }

    public RolloutStore rollouts() {
        return rollouts;
    }

    public JobStore jobs() {
        return jobs;
    }

    /** The dashboard's read-only queries. */
    public ViewStore views() {
        return views;
    }

    public LeaseStore leases() {
        return leases;
    }

    public InstanceStore instances() {
        return instances;
    }

    public SettingStore settings() {
        return settings;
    }

    private boolean closed;

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            db.close();
        } finally {
            if (lock != null) {
                lock.release();
                lockFile.close();
            }
        }
    }
}
