package dev.mote.ota.store;

/** The settings table: facts about the whole installation, written once. Call inside {@link Database#tx}. */
public final class SettingStore {
    private final Database db;

    public SettingStore(Database db) {
        this.db = db;
    }

    public String get(String name) {
        return db.queryOne("SELECT value FROM settings WHERE name = ?", rs -> rs.getString(1), name);
    }

    /** Stores {@code value} unless the setting has one; returns the value it has now. */
    public String putIfAbsent(String name, String value) {
        db.update("INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", name, value);
        return get(name);
    }
}
