package dev.mote.ota.store;

/**
 * The database failed (disk full, file unreadable, a bug in a statement): not the caller's
 * fault, so the REST API answers 500. Nothing of the failed transaction was kept.
 */
public final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
