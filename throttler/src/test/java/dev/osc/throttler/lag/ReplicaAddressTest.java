package dev.osc.throttler.lag;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplicaAddressTest {

    @Test
    void parsesHostAndPort() {
        assertEquals(new ReplicaAddress("db2.example.com", 3307), ReplicaAddress.parse("db2.example.com:3307"));
        assertEquals(new ReplicaAddress("10.0.0.5", 3306), ReplicaAddress.parse(" 10.0.0.5:3306 "));
    }

    @Test
    void bareHostMeansPort3306() {
        assertEquals(new ReplicaAddress("db2", 3306), ReplicaAddress.parse("db2"));
        assertEquals(new ReplicaAddress("::1", 3306), ReplicaAddress.parse("[::1]"));
    }

    @Test
    void ipv6InBrackets() {
        ReplicaAddress a = ReplicaAddress.parse("[2001:db8::5]:3310");
        assertEquals("2001:db8::5", a.host());
        assertEquals(3310, a.port());
        assertEquals("[2001:db8::5]:3310", a.toString());
        assertEquals("db2:3306", ReplicaAddress.parse("db2").toString());
    }

    @Test
    void rejectsWithAMessageThatShowsTheTextAndTheExpectedForm() {
        assertMessage("", "Empty replica address");
        assertMessage("   ", "Empty replica address");
        assertMessage("db2:", "Bad replica address 'db2:': the port '' is not a number");
        assertMessage("db2:abc", "the port 'abc' is not a number from 1 to 65535");
        assertMessage("db2:0", "the port 0 is not from 1 to 65535");
        assertMessage("db2:65536", "the port 65536 is not from 1 to 65535");
        assertMessage("db2:99999999999", "the port '99999999999' is not a number");
        assertMessage(":3306", "the host is missing");
        assertMessage("::1", "an IPv6 address needs brackets, e.g. [::1]:3306");
        assertMessage("2001:db8::5:3306", "an IPv6 address needs brackets");
        assertMessage("[::1:3306", "no closing ']'");
        assertMessage("[::1]3306", "expected ':port' after ']'");
        assertMessage("[]:3306", "the brackets hold no address");
        assertMessage("db 2:3306", "the host contains a space");
    }

    private static void assertMessage(String text, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReplicaAddress.parse(text));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        if (!text.isBlank()) {
            assertTrue(e.getMessage().contains("expected host:port"), e.getMessage());
        }
    }
}
