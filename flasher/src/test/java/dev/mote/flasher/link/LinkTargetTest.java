package dev.mote.flasher.link;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.flasher.protocol.TransferListener;
import dev.mote.flasher.protocol.TransferOptions;
import dev.mote.sdk.image.ImageException;
import dev.mote.sdk.testing.Fixtures;
import dev.mote.sdk.testing.HeaderVectors;
import dev.mote.sdk.testing.TestImage;
import dev.mote.sdk.testing.TestKeys;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinkTargetTest {
    @TempDir
    Path tmp;

    /**
     * Signed images with hostile but well-formed headers (kernel/test/vectors/image-headers.txt)
     * are refused with the bootloader's words before the flasher connects: nothing listens on
     * the target, so getting that far would be an IOException instead.
     */
    @Test
    void hostileHeadersAreRefusedBeforeConnecting() throws IOException {
        LinkTarget target = new LinkTarget("tcp:127.0.0.1:9");
        for (HeaderVectors.Vector v : HeaderVectors.refusedFiles()) {
            Path bad = tmp.resolve(v.name() + ".img");
            v.image().write(bad);
            ImageException e = assertThrows(ImageException.class, () -> target.flash(bad, TestKeys.trusted(),
                    Fixtures.profile(TestImage.ARM), TransferOptions.defaults(), TransferListener.NONE));
            assertTrue(e.getMessage().contains(v.expect()), v.name() + ": " + e.getMessage());
        }
    }
}
