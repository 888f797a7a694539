package dev.mote.ota.provision;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mote.ota.rest.OtaClient;
import dev.mote.sdk.MoteException;
import dev.mote.sdk.flash.IdentityFlash;
import dev.mote.sdk.flash.IdentityRecord;
import dev.mote.sdk.profile.Profile;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Provisioning one device (`mote ota provision`): the OTA server registers it and issues its MQTT
 * password (POST /api/devices/provision), and its identity record (docs/ota-protocol.md) goes
 * into the persist partition of its flash file, where the device reads it at boot.
 *
 * <p>Where the device finds the broker: {@code broker} when given ("HOST" or "HOST:PORT");
 * otherwise, for a board that runs under QEMU, {@value #QEMU_HOST} (the host under
 * {@code mote run --guestfwd PORT}) with the server's MQTT port; a real board needs it given.
 */
public final class Provision {
    /** The host's 127.0.0.1 as a QEMU device sees it (mote run --guestfwd). */
    public static final String QEMU_HOST = "host.mote.internal";
    public static final int DEFAULT_MAX_CHUNK = 16384;

    /** What to provision: the device, its flash and board, and what goes in its record. */
    public record Request(String deviceId, Path flash, Profile profile, String broker, boolean shell,
            int maxChunk, String group, List<String> tags) {
    }

    /** What was written, and whether the flash file was created for it. */
    public record Result(IdentityRecord record, Path flash, boolean created) {
    }

    private Provision() {
    }

    public static Result run(OtaClient server, Request r) throws IOException {
        IdentityFlash.offset(r.profile());      // refuse a board without persist before registering
        Map<String, Object> body = new HashMap<>();
        body.put("ids", List.of(r.deviceId()));
        body.put("group", r.group());
        body.put("tags", r.tags() == null ? List.of() : r.tags());
        JsonNode reply = server.post("api/devices/provision", body);
        String password = reply.get(0).get("password").asText();
        String[] hostPort = broker(server, r);
        IdentityRecord rec = new IdentityRecord(r.deviceId(), password, hostPort[0], Integer.parseInt(hostPort[1]),
                r.maxChunk(), r.shell() ? IdentityRecord.FLAG_REMOTE_SHELL : 0);
        boolean created = IdentityFlash.write(r.flash(), r.profile(), rec);
        return new Result(rec, r.flash(), created);
    }

    /** {host, port} for the record. */
    static String[] broker(OtaClient server, Request r) throws IOException {
        String host = null;
        String port = null;
        if (r.broker() != null) {
            int colon = r.broker().lastIndexOf(':');
            host = colon < 0 ? r.broker() : r.broker().substring(0, colon);
            port = colon < 0 ? null : r.broker().substring(colon + 1);
        }
        if (host == null && !r.profile().runnable()) {
            throw new MoteException("--broker: give the broker's address as " + r.profile().name()
                    + " devices will reach it (a real board cannot use the host's 127.0.0.1)",
                    "e.g. --broker ota.example.com:1883");
        }
        if (port == null) {
            URI url = serverBroker(server);
            port = Integer.toString(url.getPort() > 0 ? url.getPort() : 1883);
        }
        return new String[] {host == null ? QEMU_HOST : host, port};
    }

    /** The broker the server uses, from GET /api/stats. */
    private static URI serverBroker(OtaClient server) throws IOException {
        JsonNode b = server.get("api/stats").get("broker");
        if (b == null || b.isNull()) {
            return URI.create("tcp://127.0.0.1:1883");
        }
        return URI.create(b.asText());
    }
}
