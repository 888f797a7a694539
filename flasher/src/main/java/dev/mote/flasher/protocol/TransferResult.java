package dev.mote.flasher.protocol;

import dev.mote.flasher.protocol.ProtocolMessages.Info;

/**
 * A finished transfer.
 *
 * @param device            the device's INFO from the handshake
 * @param resumedFrom       the offset sending started at (0 unless an interrupted transfer resumed)
 * @param imageSize         bytes in the image
 * @param bytesSent         bytes the flasher wrote to the link, framing included
 * @param bytesReceived     bytes the flasher read from the link
 * @param dataFrames        DATA frames sent, retransmissions included
 * @param retransmitted     DATA frames sent again (after a NAK or a timeout)
 * @param compressedFrames  DATA frames sent compressed (retransmissions included)
 * @param dataImageBytes    image bytes the DATA frames stood for (retransmissions included)
 * @param dataPayloadBytes  DATA payload bytes sent for them: below dataImageBytes when compression helped
 * @param deviceMessage     the text of the device's final STATUS
 * @param restarted         a resumed pass failed the device's END check (the bytes it resumed over
 *                          were not this image's) and the image was sent again whole, from 0
 */
public record TransferResult(Info device, long resumedFrom, long imageSize, long bytesSent, long bytesReceived,
        long dataFrames, long retransmitted, long compressedFrames, long dataImageBytes, long dataPayloadBytes,
        String deviceMessage, boolean restarted) {
    /** Wire bytes both ways per image byte sent in this session: 1.0 would be no overhead at all. */
    public double overhead() {
        long payload = imageSize - resumedFrom;
        return payload == 0 ? 0 : (double) (bytesSent + bytesReceived) / payload;
    }

    /** DATA payload bytes per image byte they stood for: 1.0 uncompressed, below with compression. */
    public double compressionRatio() {
        return dataImageBytes == 0 ? 1 : (double) dataPayloadBytes / dataImageBytes;
    }
}
