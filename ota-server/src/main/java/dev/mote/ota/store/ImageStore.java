package dev.mote.ota.store;

import dev.mote.ota.fleet.Records.ImageInfo;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** The images table: what each stored image's signed header says. Call inside {@link Database#tx}. */
public final class ImageStore {
    private static final String COLUMNS = "sha256, size, profile, arch, app, version, security_counter, key_id,"
            + " uploaded_at";
    private final Database db;

    public ImageStore(Database db) {
        this.db = db;
    }

    /** Stores the image's record; false when it is there already (another instance stored it first). */
    public boolean insert(ImageInfo i) {
        return db.update("INSERT INTO images (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (sha256) DO NOTHING", i.sha256(), i.size(),
                i.profile(), i.arch(), i.app(), i.version(), i.securityCounter(), i.keyId(), i.uploadedAt()) == 1;
    }

    public ImageInfo find(String sha256) {
        return db.queryOne("SELECT " + COLUMNS + " FROM images WHERE sha256 = ?", ImageStore::row, sha256);
    }

    /** Images whose SHA-256 starts with {@code prefix} (lower-case hex: no LIKE wildcards in it). */
    public List<ImageInfo> withPrefix(String prefix) {
        return db.query("SELECT " + COLUMNS + " FROM images WHERE sha256 >= ? AND sha256 < ? ORDER BY sha256 LIMIT 2",
                ImageStore::row, prefix, prefix + "g");
    }

    /** Oldest upload first. */
    public List<ImageInfo> all() {
        return db.query("SELECT " + COLUMNS + " FROM images ORDER BY uploaded_at, sha256", ImageStore::row);
    }

    private static ImageInfo row(ResultSet rs) throws SQLException {
        return new ImageInfo(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getLong(7), rs.getString(8), rs.getLong(9));
    }
}
