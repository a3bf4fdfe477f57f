package io.breakwater.correlate;

import static io.breakwater.Events.event;
import static io.breakwater.Events.inPod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.breakwater.event.EventKind;
import io.breakwater.event.SecurityEvent;
import io.breakwater.event.TelemetrySource;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WorkloadContextEnricherUnitTest {
    private static final long TTL = 86_400_000;
    private KeyedOneInputStreamOperatorTestHarness<String, SecurityEvent, SecurityEvent> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new WorkloadContextEnricher(Duration.ofMillis(TTL)), WorkloadNames::keyOf, Types.STRING);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void anExecArrivingBeforeItsPrivilegedDeployIsStillToldThePodIsPrivileged() throws Exception {
        SecurityEvent exec = inPod(event(2_000, TelemetrySource.K8S_AUDIT, EventKind.CONTAINER_EXEC, "exec"),
                "payments", "metrics-agent-7c6d9f8b5-qz4tw");
        harness.processElement(exec, exec.eventTime);
        harness.processElement(privilegedDeploy(1_000), 1_000);
        assertTrue(harness.extractOutputValues().isEmpty(), "nothing before the watermark passes the events");

        harness.processWatermark(2_000);
        List<SecurityEvent> out = harness.extractOutputValues();
        assertEquals(List.of("deploy", "exec"), out.stream().map(e -> e.rawRef).toList(), "event-time order");
        SecurityEvent enriched = out.get(1);
        assertTrue(enriched.privileged);
        assertTrue(enriched.hostPid);
        assertEquals("ghcr.io/pwn-lab/metrics-agent:2.1", enriched.image);
        assertEquals("metrics-agent", enriched.workloadName);
        assertFalse(exec.privileged, "the input event is not mutated");
    }

    @Test
    void theProfileIsForgottenWhenTheWorkloadWasNotDeployedForTheTtl() throws Exception {
        harness.processElement(privilegedDeploy(1_000), 1_000);
        harness.processWatermark(1_000 + TTL);
        assertEquals(0, harness.numKeyedStateEntries(), "profile and buffer cleared");

        SecurityEvent later = inPod(event(2_000 + TTL, TelemetrySource.K8S_AUDIT, EventKind.CONTAINER_EXEC, "late-exec"),
                "payments", "metrics-agent-7c6d9f8b5-qz4tw");
        harness.processElement(later, later.eventTime);
        harness.processWatermark(2_000 + TTL);
        assertFalse(harness.extractOutputValues().get(1).privileged);
    }

    private static SecurityEvent privilegedDeploy(long t) {
        SecurityEvent d = event(t, TelemetrySource.K8S_AUDIT, EventKind.WORKLOAD_DEPLOY, "deploy");
        d.namespace = "payments";
        d.workloadKind = "Deployment";
        d.workloadName = "metrics-agent";
        d.privileged = true;
        d.hostPid = true;
        d.image = "ghcr.io/pwn-lab/metrics-agent:2.1";
        return d;
    }
}
