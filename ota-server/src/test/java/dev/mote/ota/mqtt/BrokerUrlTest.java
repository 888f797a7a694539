package dev.mote.ota.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BrokerUrlTest {
    @Test
    void parsesWhatUsersWrite() {
        assertEquals(new BrokerUrl("127.0.0.1", 1884), BrokerUrl.parse("tcp://127.0.0.1:1884"));
        assertEquals(new BrokerUrl("broker.lan", 1883), BrokerUrl.parse("mqtt://broker.lan"));
        assertEquals(new BrokerUrl("::1", 1883), BrokerUrl.parse("tcp://[::1]:1883"));
        assertEquals("tcp://[::1]:1883", BrokerUrl.parse("tcp://[::1]:1883").toString());
    }

    @Test
    void refusesTheRest() {
        for (String bad : new String[] {"127.0.0.1:1883", "http://h:1", "tcp://h:1/x", "tcp://", "tcp:// h"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BrokerUrl.parse(bad), bad);
            assertEquals("broker: expected tcp://HOST:PORT, got '" + bad + "'", e.getMessage());
        }
    }
}
