package dev.mote.ota.fleet;

import dev.mote.ota.protocol.Cancel;
import dev.mote.ota.protocol.Offer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Records what the fleet sends to devices, in order. */
final class FakeDeviceLink implements DeviceLink {
    /** One message: an offer or a cancel, to a device. */
    record Sent(String device, Offer offer, Cancel cancel) {
    }

    private final List<Sent> sent = new ArrayList<>();

    @Override
    public synchronized void offer(String deviceId, Offer offer) {
        sent.add(new Sent(deviceId, offer, null));
    }

    @Override
    public synchronized void cancel(String deviceId, Cancel cancel) {
        sent.add(new Sent(deviceId, null, cancel));
    }

    synchronized List<Sent> all() {
        return List.copyOf(sent);
    }

    synchronized List<Offer> offers() {
        return sent.stream().filter(s -> s.offer() != null).map(Sent::offer).toList();
    }

    synchronized List<Offer> offersTo(String device) {
        return sent.stream().filter(s -> s.offer() != null && s.device().equals(device)).map(Sent::offer).toList();
    }

    synchronized List<Long> cancelsTo(String device) {
        return sent.stream().filter(s -> s.cancel() != null && s.device().equals(device)).map(s -> s.cancel().job())
                .toList();
    }

    /** Every device that was ever offered anything. */
    synchronized Set<String> offeredDevices() {
        Set<String> out = new TreeSet<>();
        sent.stream().filter(s -> s.offer() != null).forEach(s -> out.add(s.device()));
        return out;
    }

    /** Messages sent since {@code from} (an earlier {@code all().size()}). */
    synchronized List<Sent> since(int from) {
        return List.copyOf(sent.subList(from, sent.size()));
    }

    synchronized int size() {
        return sent.size();
    }
}
