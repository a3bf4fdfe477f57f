package io.breakwater.detect;

import static io.breakwater.Events.connect;
import static io.breakwater.Events.deployAfterCredential;
import static io.breakwater.Events.event;
import static io.breakwater.Events.inPod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.breakwater.correlate.EventOrder;
import io.breakwater.correlate.WorkloadNames;
import io.breakwater.event.EventKind;
import io.breakwater.event.SecurityEvent;
import io.breakwater.event.TelemetrySource;
import io.breakwater.finding.Finding;
import io.breakwater.ingest.DeadLetter;
import io.breakwater.job.LateEventToDeadLetter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.operator.CepOperator;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.streaming.api.operators.StreamMap;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

/** The chain pattern on Flink's CEP operator, driven event by event and watermark by watermark. */
class ContainerPersistenceChainUnitTest {
    private static final Duration WITHIN = Duration.ofHours(1);
    private static final InternalNetworks INTERNAL = new InternalNetworks(InternalNetworks.DEFAULT_RANGES);
    private static final String NS = "payments";
    private static final String POD_A = "metrics-agent-7c6d9f8b5-qz4tw";
    private static final String POD_B = "metrics-agent-7c6d9f8b5-r8m2k";

    @Test
    void aCompletedChainIsEmittedWhenItsLastStepArrivesNotHeldBehindAnOlderPartialMatch() throws Exception {
        try (var harness = harness(Detections.containerPersistenceChain(WITHIN, Duration.ZERO, INTERNAL))) {
            feed(harness, olderHalfChainThenFullChain());
            harness.processWatermark(13_000);
            List<Finding> out = harness.extractOutputValues();
            assertTrue(out.stream().anyMatch(f -> refs(f).equals(
                            List.of("deploy-2-cred", "deploy-2", "exec-b", "service-b", "connect-b"))),
                    "emitted at the connect, while the older half-chain (deploy-1, exec-a) is still open: " + out);
            assertEquals(List.of("connect-b"), out.stream().map(Finding::completingRef).distinct().toList());
        }
    }

    /** Why the chain uses noSkip: with a skip strategy Flink CEP holds the same match back. */
    @Test
    void withSkipPastLastEventTheSameMatchWouldWaitForTheOlderPartialMatchToTimeOut() throws Exception {
        Pattern<SecurityEvent, ?> skipping = Pattern.<SecurityEvent>begin("deploy",
                        AfterMatchSkipStrategy.skipPastLastEvent()).where(new Detections.DeployAfterCredential())
                .followedBy("exec").where(new Detections.Succeeded(EventKind.CONTAINER_EXEC))
                .followedBy("service").where(new Detections.InSamePodAs(EventKind.SERVICE_CREATE, "exec"))
                .followedBy("connect").where(new Detections.ExternalConnection(INTERNAL, WITHIN.toMillis()))
                .within(WITHIN);
        try (var harness = harness(skipping)) {
            feed(harness, olderHalfChainThenFullChain());
            harness.processWatermark(13_000);
            assertTrue(harness.extractOutputValues().isEmpty(), "held back behind the older partial match");
            harness.processWatermark(WITHIN.toMillis() + 60_000);
            assertEquals(1, harness.extractOutputValues().size(), "only released when that one times out");
        }
    }

    @Test
    void repeatedStepsArrivingOutOfOrderAllCompleteAtTheFirstConnectWithTheFirstEventsFirst() throws Exception {
        List<SecurityEvent> chain = new ArrayList<>(List.of(
                deployAfterCredential(1_000, NS, "metrics-agent", "deploy"),
                exec(2_000, POD_A, "exec-1"), exec(2_500, POD_A, "exec-2"),
                service(3_000, POD_A, "service-1"), service(3_500, POD_A, "service-2"),
                outbound(4_000, POD_A, "connect-1"), outbound(4_500, POD_A, "connect-2")));
        List<SecurityEvent> arrival = new ArrayList<>(chain);
        java.util.Collections.reverse(arrival);
        try (var harness = harness(Detections.containerPersistenceChain(WITHIN, Duration.ZERO, INTERNAL))) {
            feed(harness, arrival);
            harness.processWatermark(10_000);
            List<Finding> out = harness.extractOutputValues();
            // every exec may start the rest of the chain (followedByAny), but all matches end at the first
            // connect: the pipeline keeps one finding per completing event, the first, made of each step's first
            assertEquals(List.of("connect-1"), out.stream().map(Finding::completingRef).distinct().toList());
            assertEquals(List.of("deploy-cred", "deploy", "exec-1", "service-1", "connect-1"), refs(out.get(0)));
        }
    }

    @Test
    void anExecIntoAnotherReplicaFirstDoesNotHideTheRealOne() throws Exception {
        try (var harness = harness(Detections.containerPersistenceChain(WITHIN, Duration.ZERO, INTERNAL))) {
            feed(harness, List.of(
                    deployAfterCredential(1_000, NS, "metrics-agent", "deploy"),
                    exec(2_000, POD_B, "probe-exec-in-other-replica"),
                    exec(3_000, POD_A, "attacker-exec"),
                    service(4_000, POD_A, "service"),
                    outbound(5_000, POD_A, "connect")));
            harness.processWatermark(10_000);
            List<Finding> out = harness.extractOutputValues();
            assertEquals(1, out.size());
            assertEquals(List.of("deploy-cred", "deploy", "attacker-exec", "service", "connect"), refs(out.get(0)));
        }
    }

    @Test
    void noMatchWhenTheServiceIsInAnotherPodOrTheConnectionStaysInside() throws Exception {
        try (var harness = harness(Detections.containerPersistenceChain(WITHIN, Duration.ZERO, INTERNAL))) {
            feed(harness, List.of(
                    deployAfterCredential(1_000, NS, "metrics-agent", "deploy"),
                    exec(2_000, POD_A, "exec"),
                    service(3_000, POD_B, "service-elsewhere"),
                    outbound(4_000, POD_B, "connect-elsewhere"),
                    service(5_000, POD_A, "service"),
                    connect(inPod(event(6_000, TelemetrySource.TETRAGON, EventKind.NETWORK_CONNECT, "dns"), NS, POD_A),
                            "10.96.0.10", 53)));
            harness.processWatermark(10_000);
            assertTrue(harness.extractOutputValues().isEmpty());
        }
    }

    @Test
    void aChainLongerThanItsBoundGivesNothing() throws Exception {
        long late = WITHIN.toMillis() + 5_000;
        try (var harness = harness(Detections.containerPersistenceChain(WITHIN, Duration.ZERO, INTERNAL))) {
            feed(harness, List.of(deployAfterCredential(1_000, NS, "metrics-agent", "deploy"),
                    exec(2_000, POD_A, "exec"), service(3_000, POD_A, "service"), outbound(late, POD_A, "connect")));
            harness.processWatermark(late + 1);
            assertTrue(harness.extractOutputValues().isEmpty());
        }
    }

    @Test
    void anEventBehindTheWatermarkBecomesALateDeadLetterInsteadOfVanishing() throws Exception {
        OutputTag<SecurityEvent> late = new OutputTag<>("late", TypeInformation.of(SecurityEvent.class));
        Pattern<SecurityEvent, ?> chain = Detections.containerPersistenceChain(WITHIN, Duration.ZERO, INTERNAL);
        try (var harness = harness(chain, late)) {
            harness.processWatermark(10_000);
            SecurityEvent old = exec(5_000, POD_A, "exec-late");
            harness.processElement(old, old.eventTime);
            List<SecurityEvent> dropped = harness.getSideOutput(late).stream().map(r -> r.getValue()).toList();
            assertEquals(List.of(old), dropped);

            DeadLetter d;
            try (var toDeadLetter = new OneInputStreamOperatorTestHarness<>(
                    new StreamMap<>(new LateEventToDeadLetter(Detections.CHAIN)))) {
                toDeadLetter.open();
                toDeadLetter.processElement(dropped.get(0), old.eventTime);
                d = toDeadLetter.extractOutputValues().get(0);
            }
            assertEquals("late", d.reason);
            assertEquals("exec-late", d.origin);
            assertTrue(d.detail.contains(Detections.CHAIN), d.detail);
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private static List<SecurityEvent> olderHalfChainThenFullChain() {
        // an older deploy whose pod was exec'd into but never went further, then a full chain in a second pod
        return List.of(
                deployAfterCredential(0, NS, "metrics-agent", "deploy-1"),
                exec(1_000, POD_A, "exec-a"),
                deployAfterCredential(10_000, NS, "metrics-agent", "deploy-2"),
                exec(11_000, POD_B, "exec-b"),
                service(12_000, POD_B, "service-b"),
                outbound(13_000, POD_B, "connect-b"));
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, SecurityEvent, Finding> harness(
            Pattern<SecurityEvent, ?> pattern) throws Exception {
        return harness(pattern, null);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, SecurityEvent, Finding> harness(
            Pattern<SecurityEvent, ?> pattern, OutputTag<SecurityEvent> late) throws Exception {
        DetectionPattern meta = new DetectionPattern();
        meta.id = Detections.CHAIN;
        meta.version = "1";
        meta.title = "chain";
        meta.severity = "critical";
        meta.within = "1h";
        meta.response = List.of("isolate");
        CepOperator<SecurityEvent, String, Finding> cep = new CepOperator<>(
                TypeInformation.of(SecurityEvent.class).createSerializer(new SerializerConfigImpl()), false,
                NFACompiler.compileFactory(pattern, false), new EventOrder(), pattern.getAfterMatchSkipStrategy(),
                new FindingBuilder(meta, List.of("deploy", "exec", "service", "connect"), "test"), late);
        var h = new KeyedOneInputStreamOperatorTestHarness<>(cep, WorkloadNames::keyOf, Types.STRING);
        h.open();
        return h;
    }

    private static void feed(KeyedOneInputStreamOperatorTestHarness<String, SecurityEvent, Finding> h,
            List<SecurityEvent> events) throws Exception {
        for (SecurityEvent e : events) {
            h.processElement(e, e.eventTime);
        }
    }

    private static List<String> refs(Finding f) {
        return Arrays.stream(f.evidence).map(e -> e.rawRef).toList();
    }

    private static SecurityEvent exec(long t, String pod, String ref) {
        return inPod(event(t, TelemetrySource.K8S_AUDIT, EventKind.CONTAINER_EXEC, ref), NS, pod);
    }

    private static SecurityEvent service(long t, String pod, String ref) {
        return inPod(event(t, TelemetrySource.FALCO, EventKind.SERVICE_CREATE, ref), NS, pod);
    }

    private static SecurityEvent outbound(long t, String pod, String ref) {
        return connect(inPod(event(t, TelemetrySource.TETRAGON, EventKind.NETWORK_CONNECT, ref), NS, pod),
                "203.0.113.77", 443);
    }
}
