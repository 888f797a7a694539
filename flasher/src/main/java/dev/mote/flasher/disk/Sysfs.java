package dev.mote.flasher.disk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Small readers for sysfs/procfs files, which may be missing or unreadable: null then. */
final class Sysfs {
    private Sysfs() {
    }

    /** The file's content, trimmed, or null if it cannot be read or is empty. */
    static String read(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.ISO_8859_1).trim();
            return s.isEmpty() ? null : s;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The entries of a directory, sorted; none if it is missing or unreadable. */
    static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The file's content as a number, or -1. */
    static long number(Path file) {
        String s = read(file);
        try {
            return s == null ? -1 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The path with links resolved, or the path itself if that fails. */
    static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException | RuntimeException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    /** The kernel's name for a device path: the file name after following links (/dev/disk/by-id/x -> sdb). */
    static String deviceName(Path device) {
        return real(device).getFileName().toString();
    }

    /** Undoes the octal escapes of /proc/self/mountinfo and /proc/swaps ("\040" is a space). */
    static String unescape(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
