package io.breakwater.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ContainerIdsTest {
    private static final String FULL = "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9";

    @Test
    void runtimePrefixesAreRemovedAndCaseLowered() {
        assertEquals(FULL, ContainerIds.normalise("containerd://" + FULL));
        assertEquals(FULL, ContainerIds.normalise("docker://" + FULL.toUpperCase()));
        assertEquals(FULL, ContainerIds.normalise("cri-o://" + FULL));
        assertEquals(FULL, ContainerIds.normalise("crio://" + FULL));
        assertEquals(FULL.substring(0, 12), ContainerIds.normalise(FULL.substring(0, 12)));
    }

    @Test
    void nonContainersAreNull() {
        assertNull(ContainerIds.normalise(null));
        assertNull(ContainerIds.normalise(""));
        assertNull(ContainerIds.normalise("host"));
        assertNull(ContainerIds.normalise("<NA>"));
        assertNull(ContainerIds.normalise("not-a-container-id"));
        assertNull(ContainerIds.normalise("abc123")); // too short to join on
    }

    @Test
    void prefixesMatchTheFullId() {
        assertEquals("0a1b2c3d4e5f", ContainerIds.prefix12("containerd://" + FULL));
        assertNull(ContainerIds.prefix12("host"));
        assertTrue(ContainerIds.sameContainer(FULL.substring(0, 31), "containerd://" + FULL));
        assertTrue(ContainerIds.sameContainer("containerd://" + FULL, FULL.substring(0, 12)));
        assertFalse(ContainerIds.sameContainer(FULL.substring(0, 12), "ffffffffffff"));
        assertFalse(ContainerIds.sameContainer("host", "host"));
        assertFalse(ContainerIds.sameContainer(null, FULL));
    }
}
