package dev.mote.sdk.cli;

import dev.mote.sdk.build.BuildDriver;
import dev.mote.sdk.build.BuildOptions;
import dev.mote.sdk.build.BuildResult;
import dev.mote.sdk.image.Version;
import dev.mote.sdk.profile.Profile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * `mote build <app-dir> -p <profile> -o <out>`: compile and link an app into a firmware ELF and
 * sign it into an image beside it (with --key, else the user's development key: DevKey).
 */
final class BuildCommand implements Command {
    @Override
    public String name() {
        return "build";
    }

    @Override
    public String summary() {
        return "compile an app, link it with the kernel, and sign the firmware image";
    }

    @Override
    public String usage() {
        return "mote build <app-dir> -p <profile> [-o <out.elf|out.img>] [--key <key>] [--version V]"
                + " [--security-counter N] [-D NAME[=VALUE]]... [-I DIR]... [--cflags=FLAGS] [--lib LIB.a]..."
                + " [--werror] [--json]";
    }

    @Override
    public String examples() {
        return String.join("\n",
                "  mote build examples/hello -p qemu-virt-arm64 -o out/hello.elf      # + out/hello.img",
                "  mote build examples/hello -p qemu-virt-arm64 --key keys/fleet.key --version 1.2.0 \\",
                "      --security-counter 3 -o out/hello.img                           # + out/hello.elf",
                "  mote build examples/hello -p qemu-microvm-x86_64 -o out/hello-x86.elf",
                "  mote build examples/panic -p qemu-virt-arm64 -o out/panic.elf -D CRASH=4",
                "  mote build examples/hello -p rpi4-arm64 -o out/kernel8.elf   # also writes out/kernel8.bin",
                "  mote build examples/sensor-hub -p qemu-virt-arm64          # its mote.build: subfolders, -I, a .a",
                "  mote build app -p qemu-virt-arm64 -I ../common --cflags='-O3 -DTRACE' --lib vendor/libx.a --werror",
                "Compiles every .c file under the app directory (subfolders too) unless its mote.build lists",
                "sources; mote.build also takes include, defines, cflags, libs, exclude and werror (docs/",
                "device-api.md, \"Building an app\"). Apps get -Wall -Wextra; warnings stop the build only",
                "with --werror (or werror = true).",
                "Writes the ELF (for gdb and 'mote run') and the signed image (for the flasher and OTA) side",
                "by side; the default is out/<app>.elf + out/<app>.img. Without --key the image is signed with",
                "your development key (~/.config/mote/dev-signing.key, or $MOTE_DEV_KEY; created on first use,",
                "one per user, trusted by mote run): fine for QEMU, never for shipped devices. -p takes a",
                "profile name (see 'mote profiles') or a .profile file.");
    }

    @Override
    public Options options() {
        Options o = new Options()
                .addOption(Option.builder("p").longOpt("profile").hasArg().argName("profile")
                        .desc("device profile: a name or a .profile file (required)").build())
                .addOption(Option.builder("o").longOpt("output").hasArg().argName("out.elf|out.img")
                        .desc("the ELF or the image to write; the other goes beside it (default out/<app>.elf)")
                        .build())
                .addOption(SigningArgs.key())
                .addOption(SigningArgs.passphraseEnv())
                .addOption(Option.builder("D").longOpt("define").hasArg().argName("NAME[=VALUE]")
                        .desc("preprocessor definition for the app's sources (repeatable)").build())
                .addOption(Option.builder("I").longOpt("include").hasArg().argName("DIR")
                        .desc("include directory for the app's sources (repeatable)").build())
                .addOption(Option.builder().longOpt("cflags").hasArg().argName("FLAGS")
                        .desc("more compiler flags for the app's sources, e.g. --cflags='-O3 -DX' (repeatable)")
                        .build())
                .addOption(Option.builder().longOpt("lib").hasArg().argName("LIB.a")
                        .desc("a prebuilt static library to link with the app (repeatable)").build())
                .addOption(Option.builder().longOpt("werror").desc("the app's warnings are errors").build())
                .addOption(Option.builder("j").longOpt("jobs").hasArg().argName("N")
                        .desc("parallel compiles (default: one per CPU)").build())
                .addOption(Option.builder("v").longOpt("verbose").desc("print every tool command").build())
                .addOption(Option.builder().longOpt("json").desc("print the result as JSON").build());
        return SigningArgs.addHeaderOptions(o);
    }

    @Override
    public Invocation parse(CommandLine line, List<String> positional) {
        if (positional.size() != 1) {
            throw new IllegalArgumentException(positional.isEmpty() ? "<app-dir>: missing (the app's directory)"
                    : "<app-dir>: expected one app directory, got " + positional.size() + ": " + positional);
        }
        String profile = line.getOptionValue("p");
        if (profile == null) {
            throw new IllegalArgumentException("-p/--profile: missing (e.g. -p qemu-virt-arm64; see 'mote profiles')");
        }
        int jobs = 0;
        if (line.hasOption("j")) {
            try {
                jobs = Integer.parseInt(line.getOptionValue("j"));
            } catch (NumberFormatException e) {
                jobs = -1;
            }
            if (jobs < 1) {
                throw new IllegalArgumentException("-j/--jobs: '" + line.getOptionValue("j")
                        + "' is not a positive number");
            }
        }
        String[] defines = line.getOptionValues("D");
        Long counter = SigningArgs.counter(line, "security-counter");
        List<String> cflags = new ArrayList<>();
        for (String f : values(line, "cflags")) {
            cflags.addAll(Arrays.asList(f.trim().split("\\s+")));
        }
        cflags.removeIf(String::isEmpty);
        BuildOptions options = new BuildOptions(defines == null ? List.of() : List.of(defines), jobs,
                line.hasOption("v"), null, SigningArgs.version(line, Version.ZERO), counter == null ? 0 : counter,
                values(line, "I").stream().map(Path::of).toList(), cflags,
                values(line, "lib").stream().map(Path::of).toList(), line.hasOption("werror"));
        return new Build(positional.get(0), profile, line.getOptionValue("o"), options, line.getOptionValue("key"),
                line.getOptionValue("passphrase-env"), line.hasOption("json"));
    }

    private static List<String> values(CommandLine line, String opt) {
        String[] v = line.getOptionValues(opt);
        return v == null ? List.of() : List.of(v);
    }

    /** A parsed `mote build`; key is null for the development key. */
    record Build(String appDir, String profile, String output, BuildOptions options, String key,
            String passphraseEnv, boolean json) implements Invocation {
        @Override
        public int execute(Context ctx) throws IOException {
            Path app = ctx.path(appDir);
            Profile p = ctx.profiles().resolve(profile);
            Path out = output != null ? ctx.path(output)
                    : ctx.path("out").resolve(app.toAbsolutePath().normalize().getFileName() + ".elf");
            BuildOptions o = key == null ? options
                    : options.withKey(SigningArgs.signingKey(ctx, key, passphraseEnv));
            // -I and --lib are relative to where the command runs
            o = o.withApp(o.includes().stream().map(d -> ctx.path(d.toString())).toList(), o.cflags(),
                    o.libs().stream().map(l -> ctx.path(l.toString())).toList(), o.werror());
            BuildDriver driver = new BuildDriver(ctx.sdk(), ctx.tools(), ctx.err(), ctx.env());
            BuildResult r = driver.build(app, p, out, o);
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("elf", r.elf().toString());
                m.put("bin", r.bin() == null ? null : r.bin().toString());
                m.put("image", r.image().toString());
                m.put("version", r.header().version().toString());
                m.put("security_counter", r.header().securityCounter());
                m.put("key_id", r.keyId());
                m.put("dev_key", r.devKey() == null ? null : r.devKey().toString());
                m.put("profile", p.name());
                m.put("arch", p.arch().keyword());
                m.put("loadable_bytes", r.loadableBytes());
                m.put("elf_bytes", r.elfBytes());
                m.put("image_bytes", r.imageBytes());
                m.put("functions", r.functions());
                m.put("seconds", r.took().toMillis() / 1000.0);
                ctx.out().println(Json.write(m));
            } else {
                ctx.out().println(r.summary());
            }
            return 0;
        }
    }
}
