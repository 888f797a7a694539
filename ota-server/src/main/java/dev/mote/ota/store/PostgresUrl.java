package dev.mote.ota.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A PostgreSQL database as `mote ota serve --db` takes it, in libpq's URL form:
 * {@code postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=require&...]}. The query
 * parameters go to the JDBC driver as they are. The password may instead come from elsewhere
 * (the environment, a file: {@link #withPassword}); {@link #toString} never shows it, and it is
 * handed to the driver as a property, never inside a URL that could end up in a log.
 */
public record PostgresUrl(String host, int port, String database, String user, String password,
                          Map<String, String> params) {

    /** Whether {@code url} names a PostgreSQL database (and not a SQLite file). */
    public static boolean is(String url) {
        return url != null && (url.startsWith("postgresql://") || url.startsWith("postgres://"));
    }

    /** Parses {@code url}; IllegalArgumentException (naming --db, never the password) when it is not one. */
    public static PostgresUrl parse(String url) {
        if (!is(url)) {
            throw new IllegalArgumentException("--db: not postgresql://USER@HOST[:PORT]/DATABASE");
        }
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--db: not a URL (postgresql://USER@HOST[:PORT]/DATABASE): "
                    + e.getReason());
        }
        String host = u.getHost();
        String path = u.getRawPath();
        if (host == null || path == null || path.length() < 2 || path.indexOf('/', 1) >= 0) {
            throw new IllegalArgumentException("--db: needs a host and a database: postgresql://USER@HOST[:PORT]/DATABASE");
        }
        String user = null;
        String password = null;
        String info = u.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? null : decode(info.substring(colon + 1));
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (u.getRawQuery() != null) {
            for (String kv : u.getRawQuery().split("&")) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("--db: query parameter '" + decode(kv) + "' is not NAME=VALUE");
                }
                params.put(decode(kv.substring(0, eq)), decode(kv.substring(eq + 1)));
            }
        }
        return new PostgresUrl(host, u.getPort() < 0 ? 5432 : u.getPort(), decode(path.substring(1)), user, password,
                Map.copyOf(params));
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The same database with {@code password} unless the URL had one. */
    public PostgresUrl withPassword(String other) {
        return password != null || other == null ? this
                : new PostgresUrl(host, port, database, user, other, params);
    }

    /** What the driver connects to: host, port and database only. */
    String jdbcUrl() {
        return "jdbc:postgresql://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/" + database;
    }

    /** The driver's properties: the URL's parameters, the credentials, and the server's own settings. */
    Properties properties() {
        Properties p = new Properties();
        p.putAll(params);
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        p.putIfAbsent("ApplicationName", "mote-ota");
        p.putIfAbsent("connectTimeout", "5");
        p.putIfAbsent("loginTimeout", "5");
        p.putIfAbsent("tcpKeepAlive", "true");
        p.putIfAbsent("reWriteBatchedInserts", "true");
        // A paused or hung instance never holds rows (the engine lease among them) for long.
        p.putIfAbsent("options", "-c idle_in_transaction_session_timeout=10000");
        return p;
    }

    /** The URL without the password, for messages and logs. */
    @Override
    public String toString() {
        return "postgresql://" + (user == null ? "" : user + "@") + (host.contains(":") ? "[" + host + "]" : host)
                + ":" + port + "/" + database;
    }
}
