package dev.mote.ota.auth;

import dev.mote.ota.protocol.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * MQTT accounts without a password database. A device's user name is its id and its password is
 * HMAC-SHA256(fleet secret, "mote-ota-device:" + id) in lower-case hex, so the server can check
 * any device, and provisioning a device is printing one string, with nothing to store or sync.
 * The server's own account ({@link #SERVER_USER}) has a random password. Both secrets live in the
 * server's data directory, owner-only; whoever reads them can impersonate every device.
 * Revoking one device is the fleet logic's {@link #setBlocked blocked} predicate.
 */
public final class Credentials {
    /** The server's MQTT user name; reserved, so no device may take it as its id. */
    public static final String SERVER_USER = "mote-server";
    /** Instance NAME of several sharing one broker logs in as "mote-server-NAME" (a broker keeps one session per name). */
    public static final java.util.regex.Pattern INSTANCE = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    public static final String SECRET_FILE = "fleet-secret";
    public static final String SERVER_PASSWORD_FILE = "mqtt-server-password";
    static final String LABEL = "mote-ota-device:";
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] secret;
    private final byte[] serverPassword;
    private volatile Predicate<String> blocked = id -> false;

    public Credentials(byte[] secret, String serverPassword) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("fleet secret: at least 32 bytes, got " + secret.length);
        }
        if (serverPassword.length() < 16) {
            throw new IllegalArgumentException("server password: at least 16 characters");
        }
        this.secret = secret.clone();
        this.serverPassword = serverPassword.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The credentials of the server whose data directory is {@code dataDir}: reads the fleet secret
     * and the server password, creating each (random, mode 0600) the first time.
     */
    public static Credentials load(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        byte[] secret = HEX.parseHex(readOrCreate(dataDir.resolve(SECRET_FILE), 32));
        return new Credentials(secret, readOrCreate(dataDir.resolve(SERVER_PASSWORD_FILE), 24));
    }

    /**
     * A secret kept in a file (owner-only): the file's content, {@code bytes} random bytes as
     * lower-case hex, written the first time. Also for other server secrets (an admin token).
     */
    public static String readOrCreate(Path file, int bytes) throws IOException {
        if (!Files.exists(file)) {
            Files.createDirectories(file.toAbsolutePath().getParent());
            byte[] b = new byte[bytes];
            new SecureRandom().nextBytes(b);
            // createTempFile is owner-only on POSIX: the secret is never readable by others, even briefly
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".tmp");
            try {
                Files.writeString(tmp, HEX.formatHex(b) + "\n", StandardCharsets.US_ASCII);
                Files.move(tmp, file);
            } catch (FileAlreadyExistsException e) {
                // another server process created it first: use theirs
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        if (!text.matches("([0-9a-f]{2}){" + bytes + ",}")) {
            throw new IOException(file + ": expected at least " + bytes + " bytes as lower-case hex;"
                    + " delete it to make a new one (every device password changes with the fleet secret)");
        }
        return text;
    }

    /** The server's MQTT user name: {@link #SERVER_USER}, or for instance NAME of several, mote-server-NAME. */
    public static String serverUser(String instance) {
        if (instance == null) {
            return SERVER_USER;
        }
        if (!INSTANCE.matcher(instance).matches()) {
            throw new IllegalArgumentException("--instance: '" + instance + "' is not 1-32 of a-z 0-9 -, starting with"
                    + " a letter or digit");
        }
        return SERVER_USER + "-" + instance;
    }

    /** A name the server's accounts use (mote-server, mote-server-NAME): no device may have it. */
    public static boolean isServerUser(String id) {
        return id != null && (id.equals(SERVER_USER) || id.startsWith(SERVER_USER + "-"));
    }

    /** The MQTT password of device {@code id} (to provision the device with). */
    public String devicePassword(String id) {
        if (!Topics.validDeviceId(id) || isServerUser(id)) {
            throw new IllegalArgumentException("device id: '" + id + "' must match " + Topics.DEVICE_ID.pattern()
                    + " and not be '" + SERVER_USER + "'");
        }
        return HEX.formatHex(hmac((LABEL + id).getBytes(StandardCharsets.US_ASCII)));
    }

    /**
     * A one-way fingerprint of the fleet secret: instances sharing a database compare it, so one
     * started with another data directory's secret is refused before it turns every device away.
     */
    public String fingerprint() {
        return HEX.formatHex(hmac("mote-ota-fingerprint".getBytes(StandardCharsets.US_ASCII))).substring(0, 32);
    }

    public String serverPassword() {
        return new String(serverPassword, StandardCharsets.US_ASCII);
    }

    /** Is {@code password} device {@code id}'s, and the device not blocked? Constant time in the password. */
    public boolean checkDevice(String id, byte[] password) {
        if (password == null || !Topics.validDeviceId(id) || SERVER_USER.equals(id)) {
            return false;
        }
        byte[] expected = devicePassword(id).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, password) && !blocked(id);
    }

    public boolean checkServer(byte[] password) {
        return password != null && MessageDigest.isEqual(serverPassword, password);
    }

    /** Checks any account: the server's, or a device's. */
    public boolean check(String user, byte[] password) {
        return SERVER_USER.equals(user) ? checkServer(password) : checkDevice(user, password);
    }

    /**
     * Devices for which {@code blocked} is true are refused from their next connection on (the
     * predicate runs on broker threads at every connect: answer from memory).
     */
    public void setBlocked(Predicate<String> blocked) {
        this.blocked = blocked == null ? id -> false : blocked;
    }

    public boolean blocked(String id) {
        return blocked.test(id);
    }

    private byte[] hmac(byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
