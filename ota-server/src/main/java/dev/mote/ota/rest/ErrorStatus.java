package dev.mote.ota.rest;

import dev.mote.ota.fleet.FleetException;

/**
 * The HTTP status the REST API answers a refused fleet operation with (docs/ota-server.md,
 * "REST API"): the fleet says why it refused, this says how HTTP spells it.
 */
public final class ErrorStatus {
    private ErrorStatus() {
    }

    /** 400 bad request, 413 too large, 404 unknown, 409 conflict with the current state, 422 image refused, 501. */
    public static int of(FleetException.Reason reason) {
        return switch (reason) {
            case BAD_REQUEST -> 400;
            case TOO_LARGE -> 413;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case REFUSED -> 422;
            case UNSUPPORTED -> 501;
        };
    }

    public static int of(FleetException e) {
        return of(e.reason());
    }
}
