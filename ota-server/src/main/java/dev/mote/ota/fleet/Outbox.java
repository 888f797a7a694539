package dev.mote.ota.fleet;

import dev.mote.ota.protocol.Cancel;
import dev.mote.ota.protocol.Offer;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import org.tinylog.Logger;

/**
 * Messages to devices, sent after the change that caused them is committed and outside the
 * database lock (a slow link never holds up the fleet). Messages are queued in commit order
 * (under the lock) and sent in that order, by whichever thread drains first: an offer is never
 * overtaken by the cancel that followed it.
 */
final class Outbox {
    private record Message(String device, Offer offer, Cancel cancel) {
    }

    private final DeviceLink link;
    private final Queue<Message> queue = new ConcurrentLinkedQueue<>();
    private final ReentrantLock sending = new ReentrantLock();

    Outbox(DeviceLink link) {
        this.link = link;
    }

    void offer(String device, Offer offer) {
        queue.add(new Message(device, offer, null));
    }

    void cancel(String device, long job) {
        queue.add(new Message(device, null, new Cancel(job)));
    }

    /** Sends everything queued, in order. Call without holding the database lock. */
    void drain() {
        while (!queue.isEmpty()) {
            if (!sending.tryLock()) {
                // Another thread is sending; it loops until the queue is empty.
                return;
            }
            try {
                Message m;
                while ((m = queue.poll()) != null) {
                    send(m);
                }
            } finally {
                sending.unlock();
            }
        }
    }

    private void send(Message m) {
        try {
            if (m.offer() != null) {
                link.offer(m.device(), m.offer());
            } else {
                link.cancel(m.device(), m.cancel());
            }
        } catch (RuntimeException e) {
            // The device learns again: offers are re-sent on its next hello, cancels on its next report.
            Logger.warn("sending to device {} failed: {}", m.device(), e.getMessage());
        }
    }
}
