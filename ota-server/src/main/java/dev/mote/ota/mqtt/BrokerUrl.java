package dev.mote.ota.mqtt;

import java.net.URI;
import java.net.URISyntaxException;

/** A broker address as users write it: {@code tcp://HOST:PORT} (or {@code mqtt://}; port 1883 when absent). */
public record BrokerUrl(String host, int port) {
    public static final int DEFAULT_PORT = 1883;

    public static BrokerUrl parse(String url) {
        try {
            URI u = new URI(url);
            String scheme = u.getScheme();
            if (!("tcp".equals(scheme) || "mqtt".equals(scheme)) || u.getHost() == null
                    || !(u.getPath() == null || u.getPath().isEmpty() || u.getPath().equals("/"))) {
                throw new IllegalArgumentException("broker: expected tcp://HOST:PORT, got '" + url + "'");
            }
            String host = u.getHost();
            host = host.startsWith("[") ? host.substring(1, host.length() - 1) : host; // [::1]
            return new BrokerUrl(host, u.getPort() < 0 ? DEFAULT_PORT : u.getPort());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("broker: expected tcp://HOST:PORT, got '" + url + "'", e);
        }
    }

    @Override
    public String toString() {
        return "tcp://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
