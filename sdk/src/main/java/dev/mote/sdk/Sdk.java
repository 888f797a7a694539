package dev.mote.sdk;

import dev.mote.sdk.profile.Arch;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The packaged SDK: per-arch kernel libraries, linker scripts and compiler flags, the app API's
 * headers (not the kernel's own) and the device profiles. Layout:
 * {@code <arch>/{libmote.a,bootmain.o,link.ld,cflags}}, {@code include/}, {@code profiles/}. Compilers need real files, so when the SDK runs from its
 * jar the tree is extracted once into a cache directory named after a hash of its content.
 */
public final class Sdk {
    static final String RESOURCE_ROOT = "mote-sdk";
    private static final String PROBE = RESOURCE_ROOT + "/include/mote.h";

    private final Path root;

    public Sdk(Path root) {
        this.root = root;
    }

    /** The SDK from MOTE_SDK_DIR if set, else the one packaged with these classes. */
    public static Sdk locate(Map<String, String> env) throws IOException {
        String dir = env.get("MOTE_SDK_DIR");
        if (dir != null && !dir.isBlank()) {
            Path p = Path.of(dir);
            if (!Files.isRegularFile(p.resolve("include/mote.h"))) {
                throw new MoteException("MOTE_SDK_DIR=" + dir + " is not an SDK: no include/mote.h",
                        "unset MOTE_SDK_DIR to use the SDK packaged in mote-sdk.jar");
            }
            return new Sdk(p);
        }
        URL url = Sdk.class.getClassLoader().getResource(PROBE);
        if (url == null) {
            throw new MoteException("the SDK has no packaged kernel (" + RESOURCE_ROOT
                    + "/ is missing from the class path)",
                    "build it with: mvn -q -B -DskipTests -pl sdk -am package (or set MOTE_SDK_DIR)");
        }
        try {
            if (url.getProtocol().equals("file")) {
                return new Sdk(Path.of(url.toURI()).getParent().getParent());
            }
            if (url.getProtocol().equals("jar")) {
                String spec = url.getPath();
                Path jar = Path.of(new URL(spec.substring(0, spec.indexOf("!/"))).toURI());
                return new Sdk(extract(jar, cacheDir(env)));
            }
        } catch (URISyntaxException e) {
            throw new IOException("cannot locate the SDK resources at " + url, e);
        }
        throw new IOException("cannot use SDK resources from " + url);
    }

    /** $XDG_CACHE_HOME/mote, or ~/.cache/mote. */
    public static Path cacheDir(Map<String, String> env) {
        String xdg = env.get("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("mote");
    }

    /**
     * Extracts mote-sdk/ from {@code jar} into {@code cache}/sdk-HASH unless it is already
     * there. Extraction goes to a temporary directory renamed into place, so a concurrent or
     * interrupted run never sees half an SDK. HASH is over the entries' names, CRCs and sizes;
     * working it out reads the jar's whole directory (7000+ entries in a shaded jar, tens of
     * milliseconds of every command's start-up), so {@code cache}/jars/ID, ID naming this very
     * jar file (path, size, modification time, inode), remembers the answer.
     */
    static Path extract(Path jar, Path cache) throws IOException {
        Path marker = cache.resolve("jars").resolve(jarId(jar));
        if (Files.isRegularFile(marker)) {
            String name = Files.readString(marker, StandardCharsets.UTF_8).trim();
            if (name.matches("sdk-[0-9a-f]{16}") && Files.isDirectory(cache.resolve(name))) {
                return cache.resolve(name);
            }
        }
        Path target = extractByContent(jar, cache);
        try {
            AtomicFile.replace(marker, tmp -> Files.writeString(tmp, target.getFileName() + "\n",
                    StandardCharsets.UTF_8));
        } catch (IOException e) {
            // only a shortcut for next time: the SDK is there either way
        }
        return target;
    }

    /** The jar file's identity: a hash of its absolute path, size, modification time and file key (inode). */
    private static String jarId(Path jar) throws IOException {
        BasicFileAttributes a = Files.readAttributes(jar, BasicFileAttributes.class);
        String id = jar.toAbsolutePath() + "\0" + a.size() + "\0" + a.lastModifiedTime().to(TimeUnit.NANOSECONDS)
                + "\0" + a.fileKey();
        return HexFormat.of().formatHex(sha256().digest(id.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
    }

    private static Path extractByContent(Path jar, Path cache) throws IOException {
        try (JarFile jf = new JarFile(jar.toFile())) {
            List<JarEntry> entries = new ArrayList<>();
            MessageDigest md = sha256();
            for (Enumeration<JarEntry> e = jf.entries(); e.hasMoreElements();) {
                JarEntry entry = e.nextElement();
                if (entry.getName().startsWith(RESOURCE_ROOT + "/") && !entry.isDirectory()) {
                    entries.add(entry);
                    md.update((entry.getName() + "\0" + entry.getCrc() + "\0" + entry.getSize() + "\n")
                            .getBytes(StandardCharsets.UTF_8));
                }
            }
            String hash = HexFormat.of().formatHex(md.digest()).substring(0, 16);
            Path target = cache.resolve("sdk-" + hash);
            if (Files.isDirectory(target)) {
                return target;
            }
            Files.createDirectories(cache);
            Path tmp = Files.createTempDirectory(cache, ".sdk-" + hash + "-");
            try {
                for (JarEntry entry : entries) {
                    Path out = tmp.resolve(entry.getName().substring(RESOURCE_ROOT.length() + 1)).normalize();
                    if (!out.startsWith(tmp)) {
                        throw new IOException("bad entry in " + jar + ": " + entry.getName());
                    }
                    Files.createDirectories(out.getParent());
                    try (InputStream in = jf.getInputStream(entry)) {
                        Files.copy(in, out);
                    }
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                if (!Files.isDirectory(target)) {
                    throw e;
                }
            } catch (IOException e) {
                if (!Files.isDirectory(target)) {
                    throw new IOException("cannot extract the SDK to " + target + ": " + e.getMessage(), e);
                }
            } finally {
                deleteTree(tmp);
            }
            return target;
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Deletes {@code dir} and everything under it; nothing when it does not exist. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    public Path root() {
        return root;
    }

    /** Kernel headers: mote.h, hal/board.h, symtab.h. */
    public Path include() {
        return root.resolve("include");
    }

    /** libmote.a, link.ld and cflags for one architecture. */
    public Path archDir(Arch arch) {
        return root.resolve(arch.keyword());
    }

    /** The device profiles packaged with the SDK. */
    public Path profiles() {
        return root.resolve("profiles");
    }

    /** The compiler flags the kernel was built with, which apps must use too. */
    public List<String> cflags(Arch arch) throws IOException {
        Path file = archDir(arch).resolve("cflags");
        if (!Files.isRegularFile(file)) {
            throw new MoteException("the SDK has no kernel for " + arch.keyword() + " (" + file + " is missing)",
                    "rebuild the SDK: mvn -q -B -DskipTests -pl sdk -am package");
        }
        String text = Files.readString(file, StandardCharsets.UTF_8).trim();
        return text.isEmpty() ? List.of() : List.of(text.split("\\s+"));
    }
}
