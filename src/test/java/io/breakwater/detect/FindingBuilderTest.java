package io.breakwater.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.breakwater.Events;
import io.breakwater.event.EventKind;
import io.breakwater.event.Evidence;
import io.breakwater.event.ProcessInfo;
import io.breakwater.event.SecurityEvent;
import io.breakwater.event.TelemetrySource;
import io.breakwater.finding.AttackTechnique;
import io.breakwater.finding.Finding;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

class FindingBuilderTest {
    private static final List<String> STEPS = List.of("deploy", "exec", "service", "connect");
    private static final long T0 = 1_700_000_000_000L;

    static DetectionPattern pattern(String version) {
        DetectionPattern p = new DetectionPattern();
        p.id = "breakwater.test.chain";
        p.version = version;
        p.title = "Test chain";
        p.description = "deploy, exec, service, connect";
        p.severity = "critical";
        p.within = "1h";
        p.response = List.of("Isolate.", "Rotate.");
        p.mitre = List.of(new AttackTechnique("T1609", "Container Administration Command", "Execution"),
                new AttackTechnique("T1071", "Application Layer Protocol", "Command and Control"));
        return p;
    }

    /** A chain as the CEP stage delivers it: a deploy carrying its credential cause, then runtime steps. */
    static List<SecurityEvent> chain() {
        SecurityEvent deploy = Events.deployAfterCredential(T0, "shop", "web", "k8s_audit:deploy-1");
        deploy.principal = "system:serviceaccount:shop:deployer";
        deploy.cause.principal = "mallory";
        deploy.node = "node-deploy";

        SecurityEvent exec = Events.inPod(
                Events.event(T0 + 1_000, TelemetrySource.K8S_AUDIT, EventKind.CONTAINER_EXEC, "k8s_audit:exec-1"),
                "shop", "web-6b7f9d8c54-x2v9r");
        exec.principal = "bob";
        exec.node = "node-exec";
        exec.workloadKind = "ReplicaSet";
        exec.workloadName = "web-6b7f9d8c54";

        SecurityEvent service = Events.inPod(
                Events.runtime(T0 + 2_000, EventKind.SERVICE_CREATE, "tetragon:exec:svc@1", "0123456789ab"),
                "shop", "web-6b7f9d8c54-x2v9r");
        service.node = "node-7";
        service.image = "nginx:1.25";
        service.container = "web";
        service.process = new ProcessInfo("/usr/bin/systemctl", new String[] {"enable", "evil.service"}, "/bin/sh");

        SecurityEvent connect = Events.connect(Events.inPod(
                Events.runtime(T0 + 3_000, EventKind.NETWORK_CONNECT, "tetragon:connect:c2@1", null),
                "shop", "web-6b7f9d8c54-x2v9r"), "203.0.113.77", 4444);
        return List.of(deploy, exec, service, connect);
    }

    @Test
    void theCauseComesFirstInTheEvidenceAndSetsTheFirstEventTime() {
        List<SecurityEvent> events = chain();
        Finding f = new FindingBuilder(pattern("1"), STEPS, "prod").build(events, 42L);
        assertEquals(5, f.evidence.length);
        assertSame(events.get(0).cause, f.evidence[0]);
        assertEquals(EventKind.CREDENTIAL_ACCESS, f.evidence[0].kind);
        assertEquals(EventKind.WORKLOAD_DEPLOY, f.evidence[1].kind);
        assertEquals(List.of("k8s_audit:deploy-1-cred", "k8s_audit:deploy-1", "k8s_audit:exec-1",
                "tetragon:exec:svc@1", "tetragon:connect:c2@1"), refs(f));
        assertEquals(T0 - 1_000, f.firstEventTime);
        assertEquals(T0 + 3_000, f.lastEventTime);
        assertEquals(42L, f.detectionTime);
        assertEquals("tetragon:connect:c2@1", f.completingRef());
        assertEquals("203.0.113.77", f.evidence[4].peerIp);
    }

    @Test
    void thePatternDescribesTheFinding() {
        Finding f = new FindingBuilder(pattern("7"), STEPS, "prod").build(chain(), 42L);
        assertEquals("breakwater.test.chain", f.patternId);
        assertEquals("7", f.patternVersion);
        assertEquals("Test chain", f.title);
        assertEquals("critical", f.severity);
        assertArrayEquals(new String[] {"T1609", "T1071"},
                Arrays.stream(f.techniques).map(t -> t.id).toArray(String[]::new));
        assertArrayEquals(new String[] {"Isolate.", "Rotate."}, f.response);
        assertEquals("prod", f.cluster);
    }

    @Test
    void thePrincipalIsTheOneWhoUsedTheCredential() {
        Finding f = new FindingBuilder(pattern("1"), STEPS, "prod").build(chain(), 0L);
        assertEquals("mallory", f.principal);
    }

    @Test
    void withoutACauseThePrincipalIsTheEarliestThatNamesOne() {
        List<SecurityEvent> events = chain();
        events.get(0).cause = null;
        events.get(0).principal = null;
        Finding f = new FindingBuilder(pattern("1"), STEPS, "prod").build(events, 0L);
        assertEquals("bob", f.principal);
        assertEquals(4, f.evidence.length);
        assertEquals(T0, f.firstEventTime);
    }

    @Test
    void whereFieldsComeFromTheLatestEventThatKnowsThem() {
        Finding f = new FindingBuilder(pattern("1"), STEPS, "prod").build(chain(), 0L);
        assertEquals("shop", f.namespace);
        assertEquals("web-6b7f9d8c54-x2v9r", f.pod);
        assertEquals("0123456789ab", f.containerId, "connect has no container id: the service step's");
        assertEquals("node-7", f.node, "the service step is the latest to know the node");
        assertEquals("nginx:1.25", f.image);
        assertEquals("web", f.container);
        assertEquals("ReplicaSet/web-6b7f9d8c54", f.workload, "the exec is the latest to name a workload");
    }

    @Test
    void theIdIsStableForTheSameEvidence() {
        FindingBuilder builder = new FindingBuilder(pattern("1"), STEPS, "prod");
        Finding a = builder.build(chain(), 1L);
        Finding b = new FindingBuilder(pattern("1"), STEPS, "other-cluster").build(chain(), 999_999L);
        assertEquals(a.findingId, b.findingId, "detection time and cluster are not evidence");
        assertTrue(a.findingId.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), a.findingId);
        assertEquals(a.findingId, FindingBuilder.idOf(pattern("1"), List.of(a.evidence)));
    }

    @Test
    void theIdChangesWhenOneEvidenceRawRefChanges() {
        String base = new FindingBuilder(pattern("1"), STEPS, "prod").build(chain(), 0L).findingId;
        for (int i = 0; i < 4; i++) {
            List<SecurityEvent> events = chain();
            events.get(i).rawRef = events.get(i).rawRef + "-other";
            String changed = new FindingBuilder(pattern("1"), STEPS, "prod").build(events, 0L).findingId;
            assertNotEquals(base, changed, "step " + i);
        }
        List<SecurityEvent> events = chain();
        events.get(0).cause.rawRef = "k8s_audit:another-credential-use";
        assertNotEquals(base, new FindingBuilder(pattern("1"), STEPS, "prod").build(events, 0L).findingId);
    }

    @Test
    void theIdChangesWithThePatternVersion() {
        List<Evidence> evidence = List.of(new FindingBuilder(pattern("1"), STEPS, "prod").build(chain(), 0L).evidence);
        assertNotEquals(FindingBuilder.idOf(pattern("1"), evidence), FindingBuilder.idOf(pattern("2"), evidence));
        DetectionPattern renamed = pattern("1");
        renamed.id = "breakwater.test.other";
        assertNotEquals(FindingBuilder.idOf(pattern("1"), evidence), FindingBuilder.idOf(renamed, evidence));
    }

    @Test
    void processMatchOrdersTheStepsAsDeclared() throws Exception {
        List<SecurityEvent> events = chain();
        Map<String, List<SecurityEvent>> match = new LinkedHashMap<>();
        match.put("connect", List.of(events.get(3)));
        match.put("service", List.of(events.get(2)));
        match.put("exec", List.of(events.get(1)));
        match.put("deploy", List.of(events.get(0)));
        List<Finding> out = new ArrayList<>();
        new FindingBuilder(pattern("1"), STEPS, "prod").processMatch(match, new FixedTime(77L), new Collector<>() {
            @Override
            public void collect(Finding f) {
                out.add(f);
            }

            @Override
            public void close() {}
        });
        assertEquals(1, out.size());
        assertEquals(new FindingBuilder(pattern("1"), STEPS, "prod").build(events, 77L), out.get(0));
        assertEquals(77L, out.get(0).detectionTime);
    }

    @Test
    void thePatternsWindowParses() {
        assertEquals(Duration.ofHours(1), pattern("1").withinDuration());
    }

    private static List<String> refs(Finding f) {
        List<String> refs = new ArrayList<>();
        for (Evidence e : f.evidence) {
            refs.add(e.rawRef);
        }
        return refs;
    }

    private static final class FixedTime implements PatternProcessFunction.Context {
        private final long now;

        FixedTime(long now) {
            this.now = now;
        }

        @Override
        public long timestamp() {
            return now;
        }

        @Override
        public long currentProcessingTime() {
            return now;
        }

        @Override
        public <X> void output(OutputTag<X> outputTag, X value) {
            throw new UnsupportedOperationException();
        }
    }
}
