package dev.mote.sdk.run;

import dev.mote.sdk.MoteException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Watches the bootloader refuse slots ({@code [boot] slot A refused: <why>}, kernel/update/
 * bootstate.c). When it gives up and enters recovery mode, and nobody will flash this board (the
 * console is ours, so no flasher can reach it), the run stops at once with the bootloader's
 * reasons and what to do about each.
 */
public final class BootRefusal implements ConsoleWatch {
    static final String REFUSED = "[boot] slot ";
    static final String RECOVERY = "[boot] no bootable image: recovery mode";

    private final List<String> refusals = new ArrayList<>();

    @Override
    public synchronized MoteException check(String line) {
        int at = line.indexOf(REFUSED);
        if (at >= 0 && line.indexOf(" refused: ", at) > 0) {
            refusals.add(line.substring(at + "[boot] ".length()));
            return null;
        }
        if (!line.contains(RECOVERY)) {
            return null;
        }
        Set<String> hints = new LinkedHashSet<>();
        for (String r : refusals) {
            hints.add(hint(r.substring(r.indexOf(" refused: ") + " refused: ".length())));
        }
        String why = refusals.isEmpty() ? "no image in either slot" : String.join("; ", refusals);
        return new BootRefusedException("the bootloader refused every slot, so nothing will boot: " + why,
                String.join("; ", hints.isEmpty() ? Set.of(hint("empty")) : hints), List.copyOf(refusals));
    }

    /** What to do about one refusal reason. */
    static String hint(String reason) {
        if (reason.startsWith("unknown key id")) {
            return "the image is signed with a key this bootloader does not trust: pass --pub with the public half"
                    + " of the key it was signed with (mote inspect IMAGE shows its key id), or build it without"
                    + " --key to sign it with your development key (docs/image-format.md)";
        }
        if (reason.startsWith("profile mismatch")) {
            return "the image is for another board: rebuild it with mote build -p <this board's profile>";
        }
        if (reason.startsWith("downgrade")) {
            return "the board's security counter floor is higher: build with a --security-counter at least that"
                    + " (mote flashinfo FLASH -p PROFILE shows the floor)";
        }
        if (reason.equals("empty")) {
            return "put an image in the flash (mote mkflash --slot-a IMG), or run with --serial-tcp PORT and"
                    + " mote flash it (docs/flasher.md)";
        }
        return "the image is damaged or was changed after signing (" + reason + "): rebuild it, or re-sign it"
                + " with mote sign";
    }
}
