package dev.mote.sdk.run;

import dev.mote.sdk.MoteException;
import java.util.List;

/** The bootloader refused every slot of a board nobody will flash (see {@link BootRefusal}). */
public final class BootRefusedException extends MoteException {
    private static final long serialVersionUID = 1L;
    private final transient List<String> refusals;

    BootRefusedException(String message, String hint, List<String> refusals) {
        super(message, hint);
        this.refusals = List.copyOf(refusals);
    }

    /** The bootloader's lines, e.g. "slot A refused: unknown key id 0123456789abcdef...". */
    public List<String> refusals() {
        return refusals;
    }
}
