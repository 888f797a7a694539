package dev.mote.sdk;

/**
 * A failure of SDK work (build, run, profile, packaging) that the user can act on. The message
 * says what failed and why ({@code "build failed: main.c did not compile"}); the hint, when
 * present, says what to try next. The CLI prints both and exits 1.
 */
public class MoteException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String hint;

    public MoteException(String message, String hint) {
        super(message);
        this.hint = hint;
    }

    public MoteException(String message, String hint, Throwable cause) {
        super(message, cause);
        this.hint = hint;
    }

    /** What to try next, or null. */
    public String hint() {
        return hint;
    }
}
