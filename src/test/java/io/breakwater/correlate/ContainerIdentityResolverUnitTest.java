package io.breakwater.correlate;

import static io.breakwater.Events.inPod;
import static io.breakwater.Events.runtime;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.breakwater.event.EventKind;
import io.breakwater.event.SecurityEvent;
import io.breakwater.ingest.ContainerIds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ContainerIdentityResolverUnitTest {
    private static final String FULL = "4f9c2e7a1b3d5f6e8a0c2e4f6a8b0d1e3f5a7c9e1b3d5f7a9c1e3f5a7b9d1e3f";
    private static final String OTHER_FULL = "4f9c2e7a1b3d0000000000000000000000000000000000000000000000000001";
    private static final String FALCO_ID = FULL.substring(0, 12);
    private static final String TETRAGON_DOCKER_ID = FULL.substring(0, 31);
    private static final long WAIT = 30_000;
    private static final long TTL = 3_600_000;

    private KeyedOneInputStreamOperatorTestHarness<String, SecurityEvent, SecurityEvent> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new ContainerIdentityResolver(Duration.ofMillis(WAIT), Duration.ofMillis(TTL)),
                e -> ContainerIds.prefix12(e.containerId), Types.STRING);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void shortIdsOfEverySourceTakeThePodLearnedFromAFullId() throws Exception {
        process(fact(1_000, FULL, "metrics-agent-7c6d9f8b5-qz4tw"));
        process(runtime(2_000, EventKind.SERVICE_CREATE, "falco:1", FALCO_ID));
        process(runtime(3_000, EventKind.SERVICE_CREATE, "tetragon:1", TETRAGON_DOCKER_ID));

        List<SecurityEvent> out = values();
        assertEquals(3, out.size());
        for (SecurityEvent e : out) {
            assertEquals("payments", e.namespace);
            assertEquals("metrics-agent-7c6d9f8b5-qz4tw", e.pod);
            assertEquals("worker-2", e.node);
        }
        assertEquals(FALCO_ID, out.get(1).containerId, "the sensor's own id is kept");
    }

    @Test
    void anEventWaitsForALateFactAndTheWatermarkIsHeldBelowIt() throws Exception {
        process(runtime(10_000, EventKind.SERVICE_CREATE, "falco:early", FALCO_ID));
        harness.processWatermark(new Watermark(20_000));
        assertTrue(values().isEmpty(), "waits for its pod");
        assertEquals(List.of(9_999L), watermarks(), "held just below the waiting event");

        process(fact(21_000, FULL, "metrics-agent-7c6d9f8b5-qz4tw"));
        List<SecurityEvent> out = values();
        assertEquals(2, out.size());
        SecurityEvent released = out.stream().filter(e -> "falco:early".equals(e.rawRef)).findFirst().orElseThrow();
        assertEquals("metrics-agent-7c6d9f8b5-qz4tw", released.pod);

        harness.processWatermark(new Watermark(25_000));
        assertEquals(List.of(9_999L, 25_000L), watermarks(), "released: the watermark goes on");
    }

    @Test
    void anIdleInputDoesNotMakeTheOperatorIdleWhileEventsWait() throws Exception {
        process(runtime(10_000, EventKind.SERVICE_CREATE, "falco:early", FALCO_ID));
        harness.processWatermark(new Watermark(20_000));
        harness.processWatermarkStatus(WatermarkStatus.IDLE);
        assertEquals(List.of(new Watermark(9_999)), new ArrayList<>(harness.getOutput()),
                "idle would let a downstream valve jump past the held watermark");

        process(fact(21_000, FULL, "metrics-agent-7c6d9f8b5-qz4tw"));
        List<Object> output = new ArrayList<>(harness.getOutput());
        int released = indexOfRecord(output, "falco:early");
        assertEquals(new Watermark(20_000), output.get(released + 1), "the held watermark goes on after the event");
        assertEquals(WatermarkStatus.IDLE, output.get(released + 2), "then the idleness");
    }

    @Test
    void aRestoredOperatorStillHoldsTheWatermarkForEventsThatWereWaiting() throws Exception {
        process(runtime(10_000, EventKind.SERVICE_CREATE, "falco:early", FALCO_ID));
        var snapshot = harness.snapshot(1L, 1L);
        harness.close();

        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new ContainerIdentityResolver(Duration.ofMillis(WAIT), Duration.ofMillis(TTL)),
                e -> ContainerIds.prefix12(e.containerId), Types.STRING);
        harness.initializeState(snapshot);
        harness.open();
        harness.processWatermark(new Watermark(20_000));
        assertEquals(List.of(9_999L), watermarks(), "the hold is rebuilt from the restored state");

        process(fact(21_000, FULL, "metrics-agent-7c6d9f8b5-qz4tw"));
        assertEquals("metrics-agent-7c6d9f8b5-qz4tw", values().stream()
                .filter(e -> "falco:early".equals(e.rawRef)).findFirst().orElseThrow().pod);
    }

    @Test
    void withoutAFactTheEventGoesOnWithAnUnknownPodAfterTheWait() throws Exception {
        process(runtime(10_000, EventKind.NETWORK_CONNECT, "falco:orphan", FALCO_ID));
        harness.processWatermark(new Watermark(10_000 + WAIT - 1));
        assertTrue(values().isEmpty());
        harness.processWatermark(new Watermark(10_000 + WAIT));

        List<Object> output = new ArrayList<>(harness.getOutput());
        assertEquals(3, output.size(), output.toString());
        SecurityEvent released = ((StreamRecord<SecurityEvent>) output.get(1)).getValue();
        assertEquals("falco:orphan", released.rawRef);
        assertNull(released.pod, "kept, not dropped, with an unknown pod");
        assertEquals(10_000L, ((StreamRecord<?>) output.get(1)).getTimestamp());
        assertEquals(new Watermark(10_000 + WAIT), output.get(2), "released before the watermark that passes it");
    }

    @Test
    void twoFullIdsBehindOneShortIdAreAmbiguousAndNotMerged() throws Exception {
        process(fact(1_000, FULL, "metrics-agent-7c6d9f8b5-qz4tw"));
        process(fact(1_500, OTHER_FULL, "web-5f6d7c8b9-abcde"));
        process(runtime(2_000, EventKind.SERVICE_CREATE, "falco:short", FALCO_ID));
        process(runtime(2_500, EventKind.SERVICE_CREATE, "tetragon:full", OTHER_FULL));

        List<SecurityEvent> out = values();
        assertEquals(4, out.size(), "nothing waits: ambiguity is decided at once");
        assertNull(out.get(2).pod, "the 12-hex id matches two containers");
        assertEquals("web-5f6d7c8b9-abcde", out.get(3).pod, "a full id still resolves exactly");
    }

    @Test
    void bindingsOfAQuietContainerAreClearedAfterTheTtl() throws Exception {
        process(fact(1_000, FULL, "metrics-agent-7c6d9f8b5-qz4tw"));
        harness.processWatermark(new Watermark(1_000 + TTL - 1));
        assertTrue(harness.numKeyedStateEntries() > 0, "kept for the whole TTL");
        // expiry timers are coalesced to the minute after the TTL
        harness.processWatermark(new Watermark(1_000 + TTL + 60_000));
        assertEquals(0, harness.numKeyedStateEntries(), "state of a gone container is cleared");

        process(runtime(1_000 + TTL + 60_001, EventKind.SERVICE_CREATE, "falco:after", FALCO_ID));
        assertEquals(1, values().size(), "only the fact; the late sighting waits again");
    }

    private static SecurityEvent fact(long t, String containerId, String pod) {
        SecurityEvent e = inPod(runtime(t, EventKind.OBSERVATION, "tetragon:fact@" + t, containerId), "payments", pod);
        e.node = "worker-2";
        e.container = "agent";
        return e;
    }

    private void process(SecurityEvent e) throws Exception {
        harness.processElement(e, e.eventTime);
    }

    private static int indexOfRecord(List<Object> output, String rawRef) {
        for (int i = 0; i < output.size(); i++) {
            if (output.get(i) instanceof StreamRecord<?> r && rawRef.equals(((SecurityEvent) r.getValue()).rawRef)) {
                return i;
            }
        }
        throw new AssertionError(rawRef + " not emitted: " + output);
    }

    private List<SecurityEvent> values() {
        return harness.extractOutputValues();
    }

    private List<Long> watermarks() {
        List<Long> out = new ArrayList<>();
        for (Object o : harness.getOutput()) {
            if (o instanceof Watermark) {
                out.add(((Watermark) o).getTimestamp());
            }
        }
        return out;
    }
}
