package dev.mote.flasher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.cli.Context;
import dev.mote.sdk.flash.FlashContents;
import dev.mote.sdk.flash.Slot;
import dev.mote.sdk.image.Keys;
import dev.mote.sdk.testing.Fixtures;
import dev.mote.sdk.testing.TestImage;
import dev.mote.sdk.testing.TestKeys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    @TempDir
    Path tmp;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private Path pub;

    @BeforeEach
    void key() throws IOException {
        pub = tmp.resolve("fleet.pub");
        Keys.writePublic(pub, TestKeys.KEY.publicKey());
    }

    private int run(String... args) {
        Context ctx = new Context(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), Fixtures.repo(), false);
        return Main.fromArgs(args, ctx).run();
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void withoutAnImageItIsAUsageError() {
        assertEquals(2, run());
        assertTrue(err().startsWith("mote: error: <image>: missing"), err());
        assertTrue(err().contains("hint: usage: mote flash <image> --target"), err());
    }

    @Test
    void parsingDoesNoWork() {
        Context ctx = new Context(System.out, System.err, Map.of(), tmp, false);
        assertNull(Main.fromArgs(new String[] {"x.img"}, ctx).invocation(), "--target is required");
        assertTrue(Main.fromArgs(new String[] {"flash", "x.img", "--target", "/nonexistent/f"}, ctx).invocation()
                instanceof FlashCommand.Flash);
        assertTrue(Main.fromArgs(new String[] {"--list"}, ctx).invocation() instanceof FlashCommand.ListInvocation);
        assertTrue(Main.fromArgs(new String[] {"x.img", "--target", "tcp:127.0.0.1:4444"}, ctx).invocation()
                instanceof FlashCommand.Flash);
        assertEquals(2, run("x.img", "--target", "tcp:nohost"));
        assertTrue(err().contains("--target tcp:nohost: expected tcp:HOST:PORT"), err());
        assertEquals(2, run("x.img", "--target", "serial:/dev/ttyACM0@fast"));
        assertTrue(err().contains("'fast' is not a baud rate"), err());
        FlashCommand.Flash link = (FlashCommand.Flash) Main.fromArgs(new String[] {"x.img", "--target",
            "tcp:127.0.0.1:4444", "--no-compress"}, ctx).invocation();
        assertFalse(link.compress());
        assertTrue(((FlashCommand.Flash) Main.fromArgs(new String[] {"x.img", "--target", "tcp:127.0.0.1:4444"}, ctx)
                .invocation()).compress(), "LZ4 where the device takes it, by default");
        assertEquals(2, run("x.img", "--target", "/nonexistent/f", "--no-compress"));
        assertTrue(err().contains("--no-compress: only for tcp: and serial: targets"), err());
    }

    @Test
    void helpHasExamples() {
        assertEquals(0, run("--help"));
        assertTrue(out().contains("mote flash out/hello.img --target /dev/sdb -p rpi4-arm64"), out());
        assertTrue(out().contains("--force"), out());
    }

    @Test
    void flashesAFileAndSaysWhatItDid() throws IOException {
        Path img = TestImage.arm().app("sample").version("1.1.1").counter(1).randomPayload(200_000, 1)
                .write(tmp.resolve("v1.img"));
        Path flash = tmp.resolve("flash.bin");
        assertEquals(0, run(img.toString(), "--target", flash.toString(), "--pub", pub.toString()), err());
        assertTrue(out().contains("flashing slot A (slot_a) of " + flash + ": sample 1.1.1"), out());
        assertTrue(out().contains("write: 196 KiB in "), out());
        assertTrue(out().contains("boot state: seq 1: active A, security counter 1"), out());
        assertTrue(out().contains("boot it: mote run --flash " + flash + " -p qemu-virt-arm64"), out());
        assertEquals(Slot.A, FlashContents.read(flash, Fixtures.profile(TestImage.ARM)).bootState().active());
    }

    @Test
    void jsonPrintsOneEventPerLine() throws IOException {
        Path flash = tmp.resolve("flash.bin");
        run(TestImage.arm().counter(1).randomPayload(200_000, 1).write(tmp.resolve("v1.img")).toString(), "--target", flash.toString(), "--pub",
                pub.toString());
        out.reset();
        assertEquals(0, run(TestImage.arm().counter(2).randomPayload(200_000, 2).write(tmp.resolve("v2.img")).toString(), "--target", flash.toString(),
                "--pub", pub.toString(), "--json"), err());
        List<String> lines = out().lines().toList();
        assertTrue(lines.stream().allMatch(l -> l.startsWith("{\"event\":\"") && l.endsWith("}")), out());
        assertTrue(lines.get(0).startsWith("{\"event\":\"progress\",\"phase\":\"verify\",\"done\":0"), lines.get(0));
        String plan = lines.stream().filter(l -> l.startsWith("{\"event\":\"plan\"")).findFirst().orElseThrow();
        assertTrue(plan.contains("\"slot\":\"B\",\"partition\":\"slot_b\""), plan);
        assertTrue(plan.contains("\"factory\":false"), plan);
        String done = lines.get(lines.size() - 1);
        assertTrue(done.startsWith("{\"event\":\"done\""), done);
        assertTrue(done.contains("\"record\":\"seq 2: active A, pending B (TEST on next boot), security counter 1\""),
                done);
    }

    @Test
    void aRefusalExits1WithTheReasonAndAJsonErrorEvent() throws IOException {
        Path flash = tmp.resolve("flash.bin");
        Files.write(flash, new byte[4096]);
        Path img = TestImage.arm().counter(1).randomPayload(200_000, 1).write(tmp.resolve("v1.img"));
        assertEquals(1, run(img.toString(), "--target", flash.toString(), "--pub", pub.toString(), "--json"));
        assertTrue(err().contains("mote: error: refused " + flash + ": it is 4096 bytes"), err());
        assertTrue(err().contains("hint: "), err());
        assertTrue(out().lines().anyMatch(l -> l.startsWith("{\"event\":\"error\",\"message\":\"refused ")), out());
        assertEquals(4096, Files.size(flash));
    }

    @Test
    void listPrintsBothSections() {
        assertEquals(0, run("--list"));
        assertTrue(out().startsWith("serial ports"), out());
        assertTrue(out().contains("removable disks"), out());
        assertFalse(out().contains("/dev/loop"), out());
    }
}
