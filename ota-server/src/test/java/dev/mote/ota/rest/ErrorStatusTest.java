package dev.mote.ota.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mote.ota.fleet.FleetException;
import dev.mote.ota.fleet.FleetException.Reason;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorStatusTest {
    @Test
    void everyRefusalHasTheStatusTheDocsGive() {
        Map<Reason, Integer> expected = new EnumMap<>(Reason.class);
        expected.put(Reason.BAD_REQUEST, 400);
        expected.put(Reason.TOO_LARGE, 413);
        expected.put(Reason.NOT_FOUND, 404);
        expected.put(Reason.CONFLICT, 409);
        expected.put(Reason.REFUSED, 422);
        expected.put(Reason.UNSUPPORTED, 501);
        for (Reason r : Reason.values()) {
            assertEquals(expected.get(r), ErrorStatus.of(r), r.name());
        }
        assertEquals(404, ErrorStatus.of(FleetException.notFound("device x: no such device")));
        assertEquals(422, ErrorStatus.of(FleetException.refused("bad signature")));
    }
}
