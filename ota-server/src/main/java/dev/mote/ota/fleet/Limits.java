package dev.mote.ota.fleet;

/**
 * Every bound the fleet API puts on what it is given (docs/ota-server.md, "Limits and errors"):
 * above one, a request is refused with 400 (413 for a body), never stored, never coerced. They
 * keep one request from holding the database for seconds or filling every listing, and keep
 * numbers far from overflowing where they are used (a deadline in milliseconds, a phase count).
 */
public final class Limits {
    /** A rollout's deadline: 1 s to 30 days (the engine works in milliseconds). */
    public static final long MAX_DEADLINE_SECONDS = 30L * 24 * 3600;
    /** A rollout's maxInFlight: 1 to 100,000 devices updating at once. */
    public static final int MAX_IN_FLIGHT = 100_000;
    /** Tags on one device. */
    public static final int MAX_TAGS = 32;
    /** Device ids in one provisioning request. */
    public static final int MAX_PROVISION = 10_000;
    /** A rollout's name, in characters. */
    public static final int MAX_NAME = 128;
    /** A pause reason, in characters (shown in every listing of the rollout). */
    public static final int MAX_REASON = 200;
    /** The body of a JSON request, in bytes. */
    public static final int MAX_JSON_BODY = 1 << 20;
    /** The body of an image upload, in bytes: larger than any slot of any profile (15 MiB bench slots). */
    public static final int MAX_IMAGE_BODY = 64 << 20;

    private Limits() {
    }
}
