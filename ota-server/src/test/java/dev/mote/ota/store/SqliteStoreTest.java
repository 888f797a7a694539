package dev.mote.ota.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on SQLite: a database file in a fresh directory. */
class SqliteStoreTest extends StoreContract {
    @TempDir
    Path dir;

    @Override
    Store open() throws IOException {
        return Store.open(dir, false);
    }

    @Override
    Database openWith(List<List<String>> migrations) throws IOException {
        return Database.open(dir.resolve("ota.db"), false, migrations);
    }
}
