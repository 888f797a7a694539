package dev.mote.sdk.profile;

import dev.mote.sdk.MoteException;

/**
 * A profile file that cannot be used. The message starts with {@code file:line:} (or just
 * {@code file:} when no single line is at fault) and names the field, e.g.
 * {@code device-profiles/x.profile:12: field 'ram.size': '12Q' is not a size (use bytes or K/M/G)}.
 */
public class ProfileException extends MoteException {
    private static final long serialVersionUID = 1L;
    private final String file;
    private final int line;

    public ProfileException(String file, int line, String detail) {
        super(file + (line > 0 ? ":" + line : "") + ": " + detail,
                "see the profiles in device-profiles/ for the format");
        this.file = file;
        this.line = line;
    }

    /** The file as shown to the user. */
    public String file() {
        return file;
    }

    /** The 1-based line at fault, or 0 if the problem is not on one line. */
    public int line() {
        return line;
    }
}
