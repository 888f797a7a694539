package dev.mote.ota.observe;

import dev.mote.ota.protocol.CrashReport;
import dev.mote.ota.protocol.LogBatch;
import dev.mote.ota.protocol.Metrics;
import dev.mote.ota.protocol.ShellReply;

/**
 * What devices say about themselves, already authenticated (the id is the MQTT user the
 * broker's ACL ties to the topic) and parsed: called by the MQTT link on its event thread, in
 * arrival order; implementations never block for long.
 */
public interface ObserveEvents {
    void crash(String deviceId, CrashReport report);

    void logs(String deviceId, LogBatch batch);

    void metrics(String deviceId, Metrics metrics);

    void shellReply(String deviceId, ShellReply reply);
}
