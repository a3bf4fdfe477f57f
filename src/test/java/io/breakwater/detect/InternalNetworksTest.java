package io.breakwater.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.security.Permission;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InternalNetworksTest {
    private static final InternalNetworks DEFAULTS = new InternalNetworks(InternalNetworks.DEFAULT_RANGES);

    /** Not IP literals: host names, legacy IPv4 spellings, out-of-range octets, ports, zones and plain garbage. */
    private static final String[] NOT_LITERALS = {"evil.example.com", "localhost", "c2", "", " ", "999.1.1.1",
        "1.2.3.4.5", "1.2.3", "1234", "256.0.0.1", "....", "8.8.8.8 ", "8.8.8.8:443", "203.0.113.77/32",
        "dead:beef", ".:", "::ffff:999.1.1.1", "fe80::1%eth0", "0x7f.0.0.1", "1.2.3.4.evil.example.com"};

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.254", "192.168.1.10",
        "127.0.0.1", "169.254.169.254", "100.64.0.1", "100.127.255.255", "0.0.0.0", "::1", "fc00::1",
        "fd12:3456:789a::1", "fe80::1", "::ffff:10.1.2.3"})
    void defaultRangesAreInternal(String ip) {
        assertFalse(DEFAULTS.isExternal(ip));
        assertNotNull(InternalNetworks.literal(ip), "parsed as an address");
    }

    @ParameterizedTest
    @ValueSource(strings = {"203.0.113.77", "8.8.8.8", "172.32.0.1", "172.15.255.255", "100.128.0.1",
        "192.169.0.1", "11.0.0.1", "2001:4860::8888", "2001:4860:4860::8844", "::ffff:8.8.8.8"})
    void publicAddressesAreExternal(String ip) {
        assertTrue(DEFAULTS.isExternal(ip));
    }

    @Test
    void extraCidrsFromTheConfigurationAreInternal() {
        List<String> ranges = new ArrayList<>(InternalNetworks.DEFAULT_RANGES);
        ranges.addAll(List.of(" 203.0.113.0/24 ", "2001:db8::/32", "198.51.100.7"));
        InternalNetworks withCluster = new InternalNetworks(ranges);
        assertFalse(withCluster.isExternal("203.0.113.77"));
        assertFalse(withCluster.isExternal("2001:db8::5"));
        assertFalse(withCluster.isExternal("198.51.100.7"));
        assertTrue(withCluster.isExternal("198.51.100.8"), "a bare address is a /32");
        assertTrue(withCluster.isExternal("203.0.114.1"));
        assertTrue(withCluster.isExternal("8.8.8.8"));
        assertTrue(DEFAULTS.isExternal("203.0.113.77"));
    }

    @Test
    void anEmptyRangeListMakesEveryAddressExternal() {
        assertTrue(new InternalNetworks(List.of()).isExternal("10.0.0.1"));
    }

    @Test
    void nullIsNeverExternal() {
        assertFalse(DEFAULTS.isExternal(null));
        assertFalse(new InternalNetworks(List.of()).isExternal(null));
    }

    @Test
    void hostNamesAndGarbageAreNeverExternal() {
        InternalNetworks nothingInternal = new InternalNetworks(List.of());
        for (String s : NOT_LITERALS) {
            assertFalse(nothingInternal.isExternal(s), s);
            assertNull(InternalNetworks.literal(s), s);
        }
    }

    /**
     * The JDK asks the security manager before it resolves a name (never for a literal): a manager that refuses
     * every lookup shows whether any input reached the resolver. Skipped where no security manager can be set.
     */
    @Test
    @SuppressWarnings("removal")
    void hostNamesAndGarbageNeverTriggerALookup() throws Exception {
        List<String> lookups = Collections.synchronizedList(new ArrayList<>());
        SecurityManager previous = System.getSecurityManager();
        SecurityManager refuseLookups = new SecurityManager() {
            @Override
            public void checkPermission(Permission perm) {}

            @Override
            public void checkPermission(Permission perm, Object context) {}

            @Override
            public void checkConnect(String host, int port) {
                if (port == -1) {
                    lookups.add(host);
                    throw new SecurityException("lookup of " + host);
                }
            }
        };
        try {
            System.setSecurityManager(refuseLookups);
        } catch (UnsupportedOperationException e) {
            Assumptions.abort("this JVM does not allow a security manager: " + e.getMessage());
        }
        try {
            // the probe itself works: a name goes to the resolver and is refused
            assertThrows(SecurityException.class, () -> InetAddress.getByName("probe.invalid"));
            assertEquals(List.of("probe.invalid"), lookups);
            lookups.clear();

            InternalNetworks nothingInternal = new InternalNetworks(List.of());
            for (String s : NOT_LITERALS) {
                assertFalse(nothingInternal.isExternal(s), s);
            }
            assertTrue(nothingInternal.isExternal("203.0.113.77"));
            assertTrue(nothingInternal.isExternal("2001:4860::8888"));
            assertEquals(List.of(), lookups, "inputs that reached the resolver");
        } finally {
            System.setSecurityManager(previous);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/x", "fc00::/129", "cluster.local/16",
        "10.0.0/8", "not a cidr", ""})
    void aBadCidrIsRefused(String cidr) {
        assertThrows(IllegalArgumentException.class, () -> new InternalNetworks(List.of(cidr)));
    }
}
