package dev.mote.ota.sim;

import dev.mote.ota.mqtt.BrokerUrl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.tinylog.Logger;

/**
 * Many {@link SimulatedDevice}s in one process: they share the MQTT client's network threads and a
 * small pool for their logic (no thread per device), connect at a bounded rate (a broker refuses
 * a flood of simultaneous connects), and add up what they did in a {@link Summary}.
 */
public final class Simulator implements AutoCloseable {
    /**
     * @param connectsPerSecond how fast devices connect at {@link #start}
     * @param rebootDelay how long a device is off the network while it reboots
     * @param requestTimeout a device asks again when no chunk came for this long
     * @param reconnectDelay how long a device stays away after dropping its link on purpose
     * @param threads threads for the devices' logic (verification is the heavy part)
     */
    public record Options(String brokerUrl, int connectsPerSecond, Duration rebootDelay, Duration requestTimeout,
                          Duration reconnectDelay, int threads) {
        public static Options defaults(String brokerUrl) {
            return new Options(brokerUrl, 500, Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofMillis(200),
                    Math.max(2, Runtime.getRuntime().availableProcessors()));
        }

        public Options withRequestTimeout(Duration d) {
            return new Options(brokerUrl, connectsPerSecond, rebootDelay, d, reconnectDelay, threads);
        }

        public Options withConnectsPerSecond(int n) {
            return new Options(brokerUrl, n, rebootDelay, requestTimeout, reconnectDelay, threads);
        }
    }

    /** What devices share. */
    record Env(BrokerUrl broker, ExecutorService callbacks, ScheduledExecutorService timers, Options options) {
        /** Runs {@code task} on the device threads after {@code millis}; nothing once the simulator is closed. */
        void later(long millis, Runnable task) {
            try {
                timers.schedule(() -> callbacks.execute(task), millis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // closing
            }
        }
    }

    /**
     * Totals over all devices.
     *
     * @param statuses devices per last reported job status ("none" for devices without one)
     * @param online devices connected, subscribed and past their hello now
     * @param firstOfferAt the earliest start of a device's last download (epoch ms; 0 if none)
     * @param lastDownloadedAt the latest end of one (epoch ms; 0 if none ended)
     */
    public record Summary(int devices, Map<String, Integer> statuses, long wireIn, long wireOut, long imageBytes,
                          long restarts, long droppedChunks, long connects, long medianConfirmMillis,
                          long maxConfirmMillis, int online, long firstOfferAt, long lastDownloadedAt) {
    }

    private static final long TICK_MILLIS = 250;

    private final Env env;
    private final List<SimulatedDevice> devices = new CopyOnWriteArrayList<>();

    public Simulator(Options options) {
        AtomicInteger n = new AtomicInteger();
        ExecutorService callbacks = Executors.newFixedThreadPool(options.threads(), r -> daemon(r,
                "mote-sim-" + n.incrementAndGet()));
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "mote-sim-timer"));
        this.env = new Env(BrokerUrl.parse(options.brokerUrl()), callbacks, timers, options);
        timers.scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            devices.forEach(d -> d.tick(now));
        }, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public SimulatedDevice add(DeviceSpec spec) {
        SimulatedDevice d = new SimulatedDevice(spec, env);
        devices.add(d);
        return d;
    }

    public List<SimulatedDevice> devices() {
        return List.copyOf(devices);
    }

    /** Connects every device that is not connected yet, {@code connectsPerSecond} at a time. */
    public void start() {
        long i = 0;
        for (SimulatedDevice d : devices) {
            env.later(i++ * 1000 / Math.max(1, env.options().connectsPerSecond()), d::start);
        }
    }

    /** Waits until every device satisfies {@code done}; false on timeout. */
    public boolean await(Predicate<SimulatedDevice> done, Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (!devices.stream().allMatch(done)) {
            if (System.nanoTime() > until) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** Waits until every device's job has ended (confirmed, failed, ... or hung). */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        return await(SimulatedDevice::finished, timeout);
    }

    public Summary summary() {
        Map<String, Integer> statuses = new TreeMap<>();
        long in = 0, out = 0, image = 0, restarts = 0, dropped = 0, connects = 0, first = 0, last = 0;
        int online = 0;
        List<Long> confirms = new ArrayList<>();
        for (SimulatedDevice d : devices) {
            DeviceStats s = d.stats();
            statuses.merge(s.status() == null ? "none" : s.status(), 1, Integer::sum);
            in += s.wireIn();
            out += s.wireOut();
            image += s.imageBytes();
            restarts += s.restarts();
            dropped += s.dropped();
            connects += s.connects();
            online += d.online() ? 1 : 0;
            first = s.offeredAt() > 0 && (first == 0 || s.offeredAt() < first) ? s.offeredAt() : first;
            last = Math.max(last, s.downloadedAt());
            if (s.confirmMillis() >= 0) {
                confirms.add(s.confirmMillis());
            }
        }
        confirms.sort(null);
        return new Summary(devices.size(), statuses, in, out, image, restarts, dropped, connects,
                confirms.isEmpty() ? -1 : confirms.get(confirms.size() / 2),
                confirms.isEmpty() ? -1 : confirms.get(confirms.size() - 1), online, first, last);
    }

    /** Disconnects every device and stops the simulator's threads. */
    @Override
    public void close() {
        env.timers().shutdownNow();
        List<CompletableFuture<Void>> closing = devices.stream().map(SimulatedDevice::stop).toList();
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Logger.warn("simulator: not every device disconnected cleanly ({})", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        env.callbacks().shutdown();
        try {
            if (!env.callbacks().awaitTermination(5, TimeUnit.SECONDS)) {
                env.callbacks().shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
