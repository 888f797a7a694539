package dev.mote.ota.web;

import dev.mote.ota.rest.HttpHandler.Reply;
import dev.mote.ota.rest.HttpHandler.Request;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * The dashboard's page: plain HTML, CSS and JavaScript files packaged in the jar (resources
 * under dev/mote/ota/web/static/), read once at start-up and served from memory, gzipped when the
 * browser takes it, with an ETag so a reload costs a 304. Only the files named in {@link #FILES}
 * exist: no path from a request ever reaches the class path.
 */
final class StaticFiles {
    /** Every file of the page; "/" is index.html. */
    static final List<String> FILES = List.of("index.html", "app.css", "favicon.svg", "js/app.js", "js/dom.js",
            "js/api.js", "js/live.js", "js/format.js", "js/signin.js", "js/overview.js", "js/devices.js",
            "js/device.js", "js/images.js", "js/rollouts.js", "js/rollout.js");
    static final String ROOT = "/dev/mote/ota/web/static/";

    /** One file, ready to send. */
    record File(String type, byte[] plain, byte[] gzip, String etag) {
    }

    private final Map<String, File> files = new HashMap<>();

    StaticFiles() {
        for (String name : FILES) {
            byte[] b = read(name);
            files.put("/" + name, new File(type(name), b, gzip(b), "\"" + hash(b) + "\""));
        }
        files.put("/", files.get("/index.html"));
    }

    /** The file at this request path, or null. */
    File get(String path) {
        return files.get(path);
    }

    /** The reply with {@code f} (to GET or HEAD), or a 304 if the browser has it already. */
    static Reply serve(Request req, File f) {
        boolean fresh = f.etag().equals(req.header("If-None-Match"));
        String accept = req.header("Accept-Encoding");
        boolean gzip = !fresh && accept != null && accept.contains("gzip");
        Reply r = Reply.bytes(fresh ? 304 : 200, f.type(), fresh ? new byte[0] : gzip ? f.gzip() : f.plain())
                .header("Cache-Control", "no-cache")
                .header("ETag", f.etag())
                .header("Vary", "Accept-Encoding");
        return gzip ? r.header("Content-Encoding", "gzip") : r;
    }

    /** Bytes of every file as sent gzipped, and plain (for the page-weight check). */
    long[] sizes() {
        long gz = 0;
        long plain = 0;
        for (String name : FILES) {
            File f = files.get("/" + name);
            gz += f.gzip().length;
            plain += f.plain().length;
        }
        return new long[] {gz, plain};
    }

    private static byte[] read(String name) {
        try (InputStream in = StaticFiles.class.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                throw new IllegalStateException("the dashboard's " + name + " is not in the jar (" + ROOT + name + ")");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] gzip(byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String hash(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String type(String name) {
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        if (name.endsWith(".svg")) {
            return "image/svg+xml";
        }
        throw new IllegalArgumentException("no content type for " + name);
    }
}
