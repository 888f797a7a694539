package dev.mote.ota.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store contract on PostgreSQL: a new database of the test run's one cluster
 * ({@link PostgresCluster#shared}) for each test.
 */
class PostgresStoreTest extends StoreContract {
    private PostgresUrl url;

    @BeforeEach
    void newDatabase() throws IOException {
        url = PostgresCluster.shared().newDatabase();
    }

    @Override
    Store open() throws IOException {
        return Store.open(url);
    }

    @Override
    Database openWith(List<List<String>> migrations) throws IOException {
        return Database.open(url, migrations);
    }

    @Test
    void aWrongPasswordIsRefusedWithoutShowingIt() {
        PostgresUrl wrong = new PostgresUrl(url.host(), url.port(), url.database(), url.user(), "not-the-password-x9",
                Map.of());
        IOException e = assertThrows(IOException.class, () -> Store.open(wrong));
        assertTrue(e.getMessage().contains(wrong.toString()), e.getMessage());
        assertFalse(e.getMessage().contains("not-the-password-x9"), e.getMessage());
        assertFalse(wrong.toString().contains("not-the-password-x9"));
    }

    @Test
    void theUrlTakesItsPasswordFromWhereItIsGiven() {
        PostgresUrl u = PostgresUrl.parse("postgresql://ota%40prod:s%3Ecret@db.lan:6432/fleet?sslmode=require");
        assertTrue(u.user().equals("ota@prod") && u.password().equals("s>cret") && u.port() == 6432, u.toString());
        assertTrue(u.jdbcUrl().equals("jdbc:postgresql://db.lan:6432/fleet"), u.jdbcUrl());
        assertTrue(u.properties().getProperty("sslmode").equals("require"));
        assertFalse(u.toString().contains("cret"), u.toString());
        PostgresUrl bare = PostgresUrl.parse("postgres://ota@db.lan/fleet");
        assertNull(bare.password());
        assertTrue(bare.withPassword("from-env").password().equals("from-env"));
        assertTrue(u.withPassword("from-env").password().equals("s>cret"), "the URL's own wins");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> PostgresUrl.parse("postgresql://ota:secret@db.lan"));
        assertFalse(bad.getMessage().contains("secret"), bad.getMessage());
    }
}
