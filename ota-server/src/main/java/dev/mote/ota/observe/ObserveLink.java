package dev.mote.ota.observe;

import dev.mote.ota.protocol.CrashAck;
import dev.mote.ota.protocol.ShellCommand;

/** What the server sends devices about observing them: the MQTT link, or a fake in tests. */
public interface ObserveLink {
    void crashAck(String deviceId, CrashAck ack);

    void shell(String deviceId, ShellCommand command);

    /**
     * Every server instance hears every shell reply (several instances: the link subscribes to
     * them outside the shared subscription, since the instance that waits for a reply is the one
     * that sent the command), so a reply to another instance's command is no anomaly here.
     */
    default boolean everyInstanceHearsShellReplies() {
        return false;
    }
}
