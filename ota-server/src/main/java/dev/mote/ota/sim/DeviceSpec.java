package dev.mote.ota.sim;

import dev.mote.ota.protocol.Chunk;
import dev.mote.ota.protocol.Topics;
import dev.mote.sdk.image.VerifyKey;
import java.util.List;

/**
 * One simulated device as it leaves the factory.
 *
 * @param password its MQTT password (Credentials#devicePassword)
 * @param version the image it runs, with its security counter and slot ('a' or 'b')
 * @param trusted the keys its bootloader trusts
 * @param dropAtBytes drop the connection once, the first time a download holds this many bytes
 *     (-1: never), to exercise resuming
 * @param maxChunk the largest chunk its buffers take (the hello's max_chunk)
 * @param observe its crash records, logs, metrics and remote shell
 */
public record DeviceSpec(String id, String password, String profile, String version, long counter, char slot,
                         List<VerifyKey> trusted, Behaviour behaviour, long dropAtBytes, int maxChunk,
                         ObserveSpec observe) {
    public DeviceSpec {
        if (!Topics.validDeviceId(id)) {
            throw new IllegalArgumentException("device id: '" + id + "' is not a valid id");
        }
        if (slot != 'a' && slot != 'b') {
            throw new IllegalArgumentException("slot: a or b, got " + slot);
        }
        if (trusted.isEmpty()) {
            throw new IllegalArgumentException("trusted keys: a device trusts at least one key");
        }
        if (maxChunk < Chunk.MIN_DATA || maxChunk > Chunk.MAX_DATA) {
            throw new IllegalArgumentException("max chunk: " + Chunk.MIN_DATA + ".." + Chunk.MAX_DATA);
        }
        trusted = List.copyOf(trusted);
        if (observe == null) {
            observe = ObserveSpec.DEFAULTS;
        }
    }

    /** A device running {@code version} (counter 0, slot a) that confirms what it installs. */
    public static DeviceSpec of(String id, String password, String profile, String version, List<VerifyKey> trusted) {
        return new DeviceSpec(id, password, profile, version, 0, 'a', trusted, Behaviour.CONFIRM, -1, Chunk.MAX_DATA,
                ObserveSpec.DEFAULTS);
    }

    public DeviceSpec withBehaviour(Behaviour b) {
        return new DeviceSpec(id, password, profile, version, counter, slot, trusted, b, dropAtBytes, maxChunk, observe);
    }

    public DeviceSpec withDropAt(long bytes) {
        return new DeviceSpec(id, password, profile, version, counter, slot, trusted, behaviour, bytes, maxChunk, observe);
    }

    public DeviceSpec withObserve(ObserveSpec o) {
        return new DeviceSpec(id, password, profile, version, counter, slot, trusted, behaviour, dropAtBytes, maxChunk, o);
    }

    public DeviceSpec withCounter(long c) {
        return new DeviceSpec(id, password, profile, version, c, slot, trusted, behaviour, dropAtBytes, maxChunk, observe);
    }
}
