package dev.mote.ota.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import dev.mote.ota.mqtt.BrokerUrl;
import dev.mote.ota.protocol.Topics;
import dev.mote.ota.fleet.FleetConfig;
import dev.mote.ota.rest.OtaClient;
import dev.mote.ota.server.OtaServer;
import dev.mote.ota.sim.Behaviour;
import dev.mote.ota.sim.DeviceSpec;
import dev.mote.ota.sim.Simulator;
import dev.mote.sdk.testing.TestImage;
import dev.mote.sdk.testing.TestKeys;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * A whole OTA server on loopback for the dashboard's tests (embedded broker, a real SQLite file,
 * the REST API and the dashboard on one port), with simulated devices provisioned through the
 * REST API, as the end-to-end tests do.
 */
final class DashboardLab implements AutoCloseable {
    static final int PAYLOAD = 64 * 1024;
    final OtaServer server;
    final OtaClient api;
    final Simulator sim;
    private final List<Mqtt3BlockingClient> raw = new ArrayList<>();

    DashboardLab(Path data) throws IOException {
        server = OtaServer.start(new OtaServer.Config(data, TestKeys.trusted(), "127.0.0.1", 0, 0, null,
                FleetConfig.DEFAULTS));
        api = new OtaClient(URI.create(server.restUri() + "/"), server.adminToken());
        sim = new Simulator(Simulator.Options.defaults(server.brokerUrl()));
    }

    /** http://127.0.0.1:PORT/ : the dashboard. */
    String url() {
        return server.restUri() + "/";
    }

    static byte[] image(String version, long counter) {
        return TestImage.arm().version(version).counter(counter).randomPayload(PAYLOAD, counter).bytes();
    }

    String upload(byte[] image) throws IOException {
        return api.postBytes("api/images", image).get("sha256").asText();
    }

    /**
     * Provisions devices PREFIX-000.. in {@code group} with {@code tags} and adds them to the
     * simulator, each running {@code version} with the behaviour {@code behaviour} gives it.
     */
    List<String> devices(String prefix, int n, String group, List<String> tags, String version,
                         IntFunction<Behaviour> behaviour) throws IOException {
        return devices(prefix, n, group, tags, version, TestImage.ARM, behaviour);
    }

    List<String> devices(String prefix, int n, String group, List<String> tags, String version, String profile,
                         IntFunction<Behaviour> behaviour) throws IOException {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(String.format("%s-%03d", prefix, i));
        }
        Map<String, Object> body = new HashMap<>();
        body.put("ids", ids);
        body.put("group", group);
        body.put("tags", tags);
        JsonNode provisioned = api.post("api/devices/provision", body);
        for (int i = 0; i < n; i++) {
            sim.add(DeviceSpec.of(ids.get(i), provisioned.get(i).get("password").asText(), profile, version,
                    TestKeys.trusted()).withBehaviour(behaviour.apply(i)));
        }
        return ids;
    }

    /**
     * A device that says hello with whatever it likes in its fields (the protocol allows any
     * printable ASCII without spaces: '<', '>', '/', '='), written on the wire by hand, as a
     * hostile or broken device would; it stays connected (online) until {@link #close}.
     */
    void rawHello(String id, String group, String fields) throws IOException {
        Map<String, Object> body = new HashMap<>();
        body.put("ids", List.of(id));
        body.put("group", group);
        body.put("tags", List.of());
        String password = api.post("api/devices/provision", body).get(0).get("password").asText();
        BrokerUrl broker = BrokerUrl.parse(server.brokerUrl());
        Mqtt3BlockingClient c = MqttClient.builder().useMqttVersion3().identifier(id).serverHost(broker.host())
                .serverPort(broker.port()).buildBlocking();
        c.connectWith().cleanSession(true).simpleAuth().username(id)
                .password(password.getBytes(StandardCharsets.US_ASCII)).applySimpleAuth().send();
        raw.add(c);
        c.publishWith().topic(Topics.of(id, Topics.HELLO)).qos(MqttQos.AT_LEAST_ONCE)
                .payload(("hello " + fields).getBytes(StandardCharsets.US_ASCII)).send();
    }

    @Override
    public void close() {
        for (Mqtt3BlockingClient c : raw) {
            if (c.getState().isConnected()) {
                c.disconnect();
            }
        }
        sim.close();
        server.close();
    }
}
