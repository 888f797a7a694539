package dev.mote.ota.fleet;

/**
 * A refused fleet operation: the one domain error of the fleet, carrying a {@link Reason} that
 * says what kind of refusal it is. The message says what to fix. Transports map the reason to
 * their own codes (the REST API's HTTP statuses: dev.mote.ota.rest.ErrorStatus).
 */
public final class FleetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the fleet refused. */
    public enum Reason {
        /** The request itself is malformed or out of range. */
        BAD_REQUEST,
        /** The request is larger than the API takes (a body above its limit). */
        TOO_LARGE,
        /** It names a device, image or rollout the fleet does not have. */
        NOT_FOUND,
        /** It does not fit the current state (e.g. resuming a finished rollout). */
        CONFLICT,
        /** An image the fleet will not take (bad signature, not a Mote image, ...). */
        REFUSED,
        /** This server was set up without what the request needs (e.g. no credential issuer). */
        UNSUPPORTED
    }

    private final Reason reason;

    public FleetException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    public static FleetException tooLarge(String what) {
        return new FleetException(Reason.TOO_LARGE, what);
    }

    public static FleetException notFound(String what) {
        return new FleetException(Reason.NOT_FOUND, what);
    }

    public static FleetException badRequest(String what) {
        return new FleetException(Reason.BAD_REQUEST, what);
    }

    public static FleetException conflict(String what) {
        return new FleetException(Reason.CONFLICT, what);
    }

    public static FleetException refused(String what) {
        return new FleetException(Reason.REFUSED, what);
    }

    public static FleetException unsupported(String what) {
        return new FleetException(Reason.UNSUPPORTED, what);
    }
}
