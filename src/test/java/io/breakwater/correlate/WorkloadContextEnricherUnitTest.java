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
    void theProfileLivesWhileTheWorkloadIsBusyAndIsForgottenAfterTheTtlOfSilence() throws Exception {
        harness.processElement(privilegedDeploy(1_000), 1_000);
        SecurityEvent busy = execAt(TTL - 1_000, "exec-while-busy");
        harness.processElement(busy, busy.eventTime);
        harness.processWatermark(1_000 + TTL + 60_000);
        assertTrue(harness.numKeyedStateEntries() > 0, "a day after the deploy, but the workload was busy since");

        // expiry timers are coalesced to the minute after the TTL
        harness.processWatermark(TTL - 1_000 + TTL + 60_000);
        assertEquals(0, harness.numKeyedStateEntries(), "profile and buffer cleared");

        SecurityEvent later = execAt(3 * TTL, "late-exec");
        harness.processElement(later, later.eventTime);
        harness.processWatermark(3 * TTL);
        assertFalse(harness.extractOutputValues().get(2).privileged);
    }

    @Test
    void privilegeReportedByTheRuntimeCountsAndARefusedDeployDoesNot() throws Exception {
        SecurityEvent refused = privilegedDeploy(1_000);
        refused.outcome = "failure";
        harness.processElement(refused, 1_000);
        SecurityEvent exec = execAt(2_000, "exec-after-refused-deploy");
        harness.processElement(exec, exec.eventTime);
        SecurityEvent runtime = inPod(event(3_000, TelemetrySource.FALCO, EventKind.OBSERVATION, "falco-fact"),
                "payments", "metrics-agent-7c6d9f8b5-qz4tw");
        runtime.privileged = true;
        harness.processElement(runtime, runtime.eventTime);
        SecurityEvent later = execAt(4_000, "exec-after-runtime-fact");
        harness.processElement(later, later.eventTime);
        harness.processWatermark(4_000);

        List<SecurityEvent> out = harness.extractOutputValues();
        assertFalse(out.get(1).privileged, "a deploy admission refused never ran");
        assertTrue(out.get(3).privileged, "the runtime saw a privileged container");
    }

    private static SecurityEvent execAt(long t, String ref) {
        return inPod(event(t, TelemetrySource.K8S_AUDIT, EventKind.CONTAINER_EXEC, ref),
                "payments", "metrics-agent-7c6d9f8b5-qz4tw");
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
