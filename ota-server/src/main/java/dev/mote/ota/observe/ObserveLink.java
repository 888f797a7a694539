package dev.mote.ota.observe;

import dev.mote.ota.protocol.CrashAck;
import dev.mote.ota.protocol.ShellCommand;

/** What the server sends devices about observing them: the MQTT link, or a fake in tests. */
public interface ObserveLink {
    void crashAck(String deviceId, CrashAck ack);

    void shell(String deviceId, ShellCommand command);
}
