package dev.mote.ota.server;

import com.sun.management.OperatingSystemMXBean;
import dev.mote.ota.auth.Credentials;
import dev.mote.ota.fleet.DeviceEvents;
import dev.mote.ota.fleet.Fleet;
import dev.mote.ota.fleet.Cluster;
import dev.mote.ota.fleet.Complaints;
import dev.mote.ota.fleet.FleetConfig;
import dev.mote.ota.fleet.FleetService;
import dev.mote.ota.mqtt.EmbeddedBroker;
import dev.mote.ota.mqtt.MqttLink;
import dev.mote.ota.observe.Observatory;
import dev.mote.ota.protocol.Hello;
import dev.mote.ota.protocol.StateReport;
import dev.mote.ota.rest.RestServer;
import dev.mote.ota.web.Dashboard;
import dev.mote.ota.store.PostgresUrl;
import dev.mote.ota.store.Store;
import dev.mote.sdk.image.VerifyKey;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole OTA server in one object (`mote ota serve`, and the end-to-end tests): the embedded
 * broker (unless an external one is given), the fleet logic on the database in the data
 * directory, the server's MQTT connection, and the REST API. {@link #close} stops them in the
 * reverse order.
 */
public final class OtaServer implements AutoCloseable {
    /**
     * @param dataDir the secrets (and with SQLite, the database and images)
     * @param host the address the broker and the REST API listen on (127.0.0.1 unless you mean it)
     * @param mqttPort the embedded broker's port (0: any free one); ignored with {@code externalBroker}
     * @param httpPort the REST API's port (0: any free one)
     * @param externalBroker tcp://HOST:PORT of a broker to use instead of the embedded one, or null
     * @param database a PostgreSQL database to keep the state in instead of SQLite in {@code dataDir}, or null
     * @param instance this instance's name among several on one database and broker (its MQTT user
     *     is mote-server-NAME), or null for the only one
     */
    public record Config(Path dataDir, List<VerifyKey> trusted, String host, int mqttPort, int httpPort,
                         String externalBroker, FleetConfig fleet, PostgresUrl database, String instance) {
        public Config(Path dataDir, List<VerifyKey> trusted, String host, int mqttPort, int httpPort,
                      String externalBroker, FleetConfig fleet) {
            this(dataDir, trusted, host, mqttPort, httpPort, externalBroker, fleet, null, null);
        }
    }

    static final String TOKEN_FILE = "admin.token";
    /** Device events handled side by side with PostgreSQL (one of its 4 connections stays for the engine and REST). */
    static final int LANES = 3;

    private final List<AutoCloseable> parts = new ArrayList<>();
    private final Credentials credentials;
    private final String adminToken;
    private EmbeddedBroker broker;
    private String brokerUrl;
    private FleetService fleet;
    private MqttLink link;
    private Observatory observatory;
    private RestServer rest;
    private Dashboard dashboard;

    private OtaServer(Credentials credentials, String adminToken) {
        this.credentials = credentials;
        this.adminToken = adminToken;
    }

    public static OtaServer start(Config c) throws IOException {
        OtaServer s = new OtaServer(Credentials.load(c.dataDir()),
                Credentials.readOrCreate(c.dataDir().resolve(TOKEN_FILE), 24));
        try {
            s.startParts(c);
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** With the embedded broker: return once it lets devices in (the link's subscriptions seen). */
    private void awaitServerListening() throws IOException {
        try {
            if (broker != null && !broker.awaitServerListening(Duration.ofSeconds(10))) {
                org.tinylog.Logger.warn("MQTT broker: the server's subscriptions were not seen within 10 s; devices wait");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting the broker", e);
        }
    }

    private void startParts(Config c) throws IOException {
        if (c.externalBroker() == null) {
            broker = add(EmbeddedBroker.start(c.host(), c.mqttPort(), credentials));
            brokerUrl = broker.url();
        } else {
            brokerUrl = c.externalBroker();
        }
        // The link needs the fleet (to report to) and the fleet the link (to offer through):
        // the link reports to a forwarder that the fleet fills in.
        Store store = c.database() == null ? Store.open(c.dataDir(), c.fleet().fullSync()) : Store.open(c.database());
        Forward events = new Forward();
        MqttLink.Options d = MqttLink.Options.defaults();
        // several instances on one database share the device traffic of one external broker
        boolean shared = c.database() != null && c.externalBroker() != null;
        // the embedded broker knows the one server account; an external one has one per instance
        link = new MqttLink(brokerUrl, Credentials.serverUser(shared ? c.instance() : null),
                credentials.serverPassword(), shared, c.database() == null ? 1 : LANES,
                events, new MqttLink.Options(c.fleet().chunkSize(), c.fleet().window(), d.maxOutstandingBytes(),
                        Duration.ofSeconds(10)));
        fleet = new FleetService(store, c.trusted(), link, Clock.systemUTC(), c.fleet(),
                new Cluster.Member(c.instance() == null ? "default" : c.instance(), c.externalBroker() == null));
        try {
            fleet.checkFleetSecret(credentials.fingerprint());
            fleet.join();
            events.to = fleet;
            observatory = new Observatory(fleet.database(), link, Clock.systemUTC(), Observatory.Config.DEFAULTS);
            link.observe(observatory);
            add(link.start());
            awaitServerListening();
            fleet.start();
        } catch (IOException | RuntimeException e) {
            fleet.close();
            throw e;
        }
        parts.add(fleet);
        RestServer r = new RestServer(new InetSocketAddress(c.host(), c.httpPort()), adminToken, fleet,
                credentials::devicePassword, this::stats, observatory);
        dashboard = add(Dashboard.mount(r, adminToken, fleet));
        rest = add(r.start());
    }

    private <T extends AutoCloseable> T add(T part) {
        parts.add(part);
        return part;
    }

    public Fleet fleet() {
        return fleet;
    }

    /** Crash records, logs, metrics and the remote shell (dev.mote.ota.observe). */
    public Observatory observatory() {
        return observatory;
    }

    public Credentials credentials() {
        return credentials;
    }

    public String adminToken() {
        return adminToken;
    }

    /** tcp://HOST:PORT of the broker devices connect to. */
    public String brokerUrl() {
        return brokerUrl;
    }

    public URI restUri() {
        return rest.uri();
    }

    /**
     * GET /api/stats: the link's counters, what devices did wrong by cause (deviceComplaints),
     * and the process's heap and CPU time (for the benchmark).
     */
    public Map<String, Object> stats() {
        MqttLink.Counters k = link.counters();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("broker", brokerUrl);   // where devices connect: mote ota provision's default port
        m.put("messagesIn", k.messagesIn());
        m.put("bytesIn", k.bytesIn());
        m.put("messagesOut", k.messagesOut());
        m.put("bytesOut", k.bytesOut());
        m.put("chunksOut", k.chunksOut());
        m.put("malformed", k.malformed());
        m.put("requestsDropped", k.requestsDropped());
        // what devices did wrong, by cause (each logged at most once a minute per device and cause)
        m.put("deviceComplaints", Complaints.sum(broker == null ? null : broker.complaints(), link.complaints(),
                fleet.complaints()));
        m.put("connected", link.connected());
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        m.put("heapUsed", heap.getUsed());
        m.put("heapCommitted", heap.getCommitted());
        m.put("heapMax", heap.getMax());
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
            m.put("cpuSeconds", os.getProcessCpuTime() / 1e9);
        }
        m.put("threads", Thread.activeCount());
        m.putAll(fleet.role());
        if (dashboard != null) {
            m.put("dashboard", dashboard.stats());
        }
        return m;
    }

    @Override
    public void close() {
        for (int i = parts.size() - 1; i >= 0; i--) {
            try {
                parts.get(i).close();
            } catch (Exception e) {
                org.tinylog.Logger.warn(e, "stopping {}", parts.get(i).getClass().getSimpleName());
            }
        }
        parts.clear();
    }

    /** DeviceEvents that go to the fleet once it exists (nothing arrives before the link starts). */
    private static final class Forward implements DeviceEvents {
        volatile DeviceEvents to;

        @Override
        public void hello(String deviceId, Hello hello) {
            to.hello(deviceId, hello);
        }

        @Override
        public void state(String deviceId, StateReport report) {
            to.state(deviceId, report);
        }

        @Override
        public void offline(String deviceId) {
            to.offline(deviceId);
        }

        @Override
        public byte[] jobImage(String deviceId, long job) {
            return to.jobImage(deviceId, job);
        }

        @Override
        public Chunking chunking(String deviceId, long job) {
            return to.chunking(deviceId, job);
        }
    }
}
