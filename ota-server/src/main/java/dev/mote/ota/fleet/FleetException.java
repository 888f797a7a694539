package dev.mote.ota.fleet;

/**
 * A refused fleet operation. {@link #status} is the HTTP status the REST API answers with
 * (400 bad request, 404 unknown, 409 conflict with the current state, 422 image refused).
 */
public final class FleetException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public FleetException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static FleetException notFound(String what) {
        return new FleetException(404, what);
    }

    public static FleetException badRequest(String what) {
        return new FleetException(400, what);
    }

    public static FleetException conflict(String what) {
        return new FleetException(409, what);
    }

    public static FleetException refused(String what) {
        return new FleetException(422, what);
    }
}
