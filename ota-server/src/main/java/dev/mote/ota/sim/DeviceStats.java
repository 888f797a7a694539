package dev.mote.ota.sim;

/**
 * What one simulated device did, for tests and the benchmark.
 *
 * @param status the last job status it reported (wire name: confirmed, failed, ...), "hung" for a
 *     {@link Behaviour#HANG} device after its reboot, null before any job ended
 * @param wireIn MQTT bytes it received: every PUBLISH, CONNACK, SUBACK and PUBACK, exactly as
 *     sized on the wire (fixed header included; TCP/IP and keep-alive pings are not)
 * @param wireOut MQTT bytes it sent, likewise (CONNECT, SUBSCRIBE, PUBLISH, PUBACK, DISCONNECT)
 * @param imageBytes image bytes it kept (each byte once, unless a request was restarted)
 * @param chunkBytes chunk data bytes that arrived, kept or dropped
 * @param restarts requests asked again after a timeout
 * @param dropped chunks dropped (duplicate, late, bad CRC, another job's)
 * @param confirmMillis from the offer to the confirmed report (-1 if it did not confirm)
 * @param offeredAt when its last download started (epoch ms; 0 if none)
 * @param downloadedAt when that download held the whole image (epoch ms; 0 if not yet)
 */
public record DeviceStats(String id, String status, String reason, long job, String version, long wireIn,
                          long wireOut, long imageBytes, long chunkBytes, long restarts, long dropped,
                          long connects, long confirmMillis, long offeredAt, long downloadedAt) {
}
