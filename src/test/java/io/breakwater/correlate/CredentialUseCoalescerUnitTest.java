package io.breakwater.correlate;

import static io.breakwater.Events.event;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.breakwater.event.EventKind;
import io.breakwater.event.SecurityEvent;
import io.breakwater.event.TelemetrySource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class CredentialUseCoalescerUnitTest {
    private static final long MINUTE = 60_000;

    @Test
    void keepsOneUsePerWindowWhateverTheArrivalOrder() throws Exception {
        List<SecurityEvent> uses = new ArrayList<>();
        for (long minute : new long[] {0, 1, 4, 6, 7, 12}) {
            uses.add(use(minute * MINUTE, "use-" + minute));
        }
        List<String> inOrder = kept(uses);
        Collections.reverse(uses);
        assertEquals(List.of("use-0", "use-6", "use-12"), inOrder);
        assertEquals(inOrder, kept(uses), "arrival order changes nothing");
    }

    @Test
    void principalsAndCredentialsAreCoalescedSeparately() throws Exception {
        SecurityEvent other = use(MINUTE, "other-principal");
        other.principal = "system:serviceaccount:ci:builder";
        SecurityEvent secret = use(MINUTE, "secret-read");
        secret.credentialType = "secret";
        assertEquals(List.of("other-principal", "secret-read", "use-0"),
                kept(List.of(use(0, "use-0"), other, secret)).stream().sorted().toList());
    }

    @Test
    void stateIsClearedOneWindowAfterTheLastKeptUse() throws Exception {
        try (var harness = harness()) {
            harness.processElement(use(0, "use-0"), 0);
            harness.processWatermark(0);
            assertEquals(1, harness.extractOutputValues().size());
            harness.processWatermark(5 * MINUTE);
            assertEquals(0, harness.numKeyedStateEntries());
        }
    }

    private static List<String> kept(List<SecurityEvent> arrivals) throws Exception {
        try (var harness = harness()) {
            for (SecurityEvent e : arrivals) {
                harness.processElement(e, e.eventTime);
            }
            harness.processWatermark(Long.MAX_VALUE - 1);
            return harness.extractOutputValues().stream().map(e -> e.rawRef).toList();
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, SecurityEvent, SecurityEvent> harness()
            throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new CredentialUseCoalescer(Duration.ofMinutes(5)), CredentialUseCoalescer::keyOf, Types.STRING);
    }

    private static SecurityEvent use(long t, String ref) {
        SecurityEvent e = event(t, TelemetrySource.K8S_AUDIT, EventKind.CREDENTIAL_ACCESS, ref);
        e.principal = "system:serviceaccount:payments:build-runner";
        e.credentialType = "pod-service-account-token";
        e.credentialPod = "build-runner-5d8f9c7b6-k2x9q";
        return e;
    }
}
