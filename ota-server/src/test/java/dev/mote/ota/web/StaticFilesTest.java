package dev.mote.ota.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The page's files as a reviewer would check them: all served, small, nothing loaded from another
 * host, no inline script or style (the CSP would block it anyway), and no way for data to become
 * markup (no innerHTML and friends, no eval).
 */
class StaticFilesTest {
    static final Path DIR = Path.of("src/main/resources" + StaticFiles.ROOT);
    /** The budget for the whole page, as transferred. */
    static final long BUDGET = 200 * 1024;

    @Test
    void everyFileInTheFolderIsServedAndNoOther() throws IOException {
        TreeSet<String> onDisk = new TreeSet<>();
        try (Stream<Path> s = Files.walk(DIR)) {
            s.filter(Files::isRegularFile).forEach(p -> onDisk.add(DIR.relativize(p).toString().replace('\\', '/')));
        }
        assertEquals(onDisk, new TreeSet<>(StaticFiles.FILES));
    }

    @Test
    void thePageIsSmall() {
        long[] sizes = new StaticFiles().sizes();
        assertTrue(sizes[0] < BUDGET / 2, "gzipped " + sizes[0] + " bytes: half the budget at most, for headroom");
        assertTrue(sizes[1] < BUDGET, "plain " + sizes[1] + " bytes");
    }

    @Test
    void nothingComesFromElsewhereAndNothingIsInline() throws IOException {
        Pattern remote = Pattern.compile("(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}/", Pattern.CASE_INSENSITIVE);
        for (String f : StaticFiles.FILES) {
            String text = Files.readString(DIR.resolve(f), StandardCharsets.UTF_8);
            String code = f.endsWith(".svg") ? text.replace("http://www.w3.org/2000/svg", "") : text;
            assertFalse(remote.matcher(code).find(), f + " names another host");
            assertFalse(text.contains("@import"), f);
        }
        String html = Files.readString(DIR.resolve("index.html"), StandardCharsets.UTF_8);
        assertFalse(Pattern.compile("<script(?![^>]*\\bsrc=)", Pattern.CASE_INSENSITIVE).matcher(html).find(),
                "inline script");
        assertFalse(Pattern.compile("\\s(style|on[a-z]+)=", Pattern.CASE_INSENSITIVE).matcher(html).find(),
                "inline style or handler");
        assertFalse(html.contains("<style"), "inline style sheet");
    }

    @Test
    void noScriptTurnsDataIntoMarkup() throws IOException {
        List<String> banned = List.of("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                "new Function", "setAttribute('style'", "createContextualFragment", "DOMParser", "srcdoc");
        for (String f : StaticFiles.FILES) {
            if (!f.endsWith(".js")) {
                continue;
            }
            String js = Files.readString(DIR.resolve(f), StandardCharsets.UTF_8);
            for (String b : banned) {
                int at = js.indexOf(b);
                // dom.js names them once, in its comment that says they are not used
                boolean inComment = at >= 0 && js.lastIndexOf("//", at) > js.lastIndexOf('\n', at);
                assertTrue(at < 0 || inComment, f + " uses " + b);
            }
        }
    }
}
