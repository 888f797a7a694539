package dev.mote.ota.web;

import dev.mote.sdk.testing.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** A server-sent event stream read on its own thread, for tests: the events so far, waited for with a time limit. */
final class SseStream implements AutoCloseable {
    /** One event: its name and data. */
    record Event(String name, String data) {
    }

    final int status;
    final List<Event> events = new CopyOnWriteArrayList<>();
    private final InputStream in;
    private final Thread reader;

    SseStream(URI uri, String cookie) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(uri).header("Cookie", cookie).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        status = r.statusCode();
        in = r.body();
        reader = new Thread(this::read, "test-sse");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try (BufferedReader br = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String name = "message";
            StringBuilder data = new StringBuilder();
            for (String line; (line = br.readLine()) != null; ) {
                if (line.isEmpty()) {
                    if (data.length() > 0) {
                        events.add(new Event(name, data.toString()));
                    }
                    name = "message";
                    data.setLength(0);
                } else if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                }
            }
        } catch (IOException e) {
            // closed
        }
        events.add(new Event("eof", ""));
    }

    /** The first event (from {@code from} on) that {@code ok} accepts; AssertionError after {@code timeout}. */
    Event await(int from, Predicate<Event> ok, Duration timeout, String what) throws Exception {
        Event[] found = new Event[1];
        Await.await(() -> {
            for (int i = from; i < events.size(); i++) {
                if (ok.test(events.get(i))) {
                    found[0] = events.get(i);
                    return true;
                }
            }
            return false;
        }, timeout, what + " (events: " + events.size() + ")");
        return found[0];
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
