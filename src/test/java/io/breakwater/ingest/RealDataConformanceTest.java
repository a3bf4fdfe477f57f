package io.breakwater.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.breakwater.event.EventKind;
import io.breakwater.event.NetworkPeer;
import io.breakwater.event.SecurityEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every real sample under ../shared/realdata (k8s-audit, falco, tetragon) must normalise without a dead letter,
 * except the known-bad ones. Skipped when the folder is absent (a fresh clone). Prints nothing from the records.
 */
class RealDataConformanceTest {
    private static final Path DIR = Paths.get("..", "shared", "realdata");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final TelemetryNormalizer normalizer = new TelemetryNormalizer();

    @BeforeEach
    void requireRealData() {
        Assumptions.assumeTrue(Files.isDirectory(DIR), "../shared/realdata absent: conformance skipped");
    }

    @Test
    void everyAuditFalcoAndTetragonSampleNormalises() throws IOException {
        List<String> failures = new ArrayList<>();
        int records = 0;
        for (String folder : List.of("k8s-audit/falco", "k8s-audit/crowdsec", "k8s-audit/audit2rbac", "falco",
                "tetragon")) {
            for (Path file : files(DIR.resolve(folder))) {
                for (JsonNode value : topLevelValues(file)) {
                    records++;
                    ParseOutcome out = normalizer.normalise(value.toString(), file.toString());
                    boolean malformedSample = file.getFileName().toString().equals("fal_01_003.json");
                    if (malformedSample) {
                        assertTrue(out.isDeadLetter(), "fal_01_003.json must be rejected");
                        assertEquals("unknown-format", out.deadLetter.reason);
                    } else if (out.isDeadLetter()) {
                        failures.add(file + ": " + out.deadLetter.reason + " " + out.deadLetter.detail);
                    }
                }
            }
        }
        assertTrue(records > 60, "expected the sample files, read " + records);
        assertEquals(List.of(), failures);
    }

    @Test
    void pantherCasesNormaliseOrLackOnlyTheTime() throws IOException {
        List<String> failures = new ArrayList<>();
        List<JsonNode> cases = pantherCases();
        assertTrue(cases.size() > 100);
        for (JsonNode c : cases) {
            ParseOutcome out = normalizer.normalise(c.path("log").toString(), "panther");
            if (out.isDeadLetter() && !"missing-event-time".equals(out.deadLetter.reason)) {
                failures.add(c.path("panther_rule_id").asText() + " / " + c.path("test_name").asText() + ": "
                        + out.deadLetter.reason + " " + out.deadLetter.detail);
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void pantherExecPositivesAreContainerExec() throws Exception {
        AuditEventParser parser = new AuditEventParser(MAPPER);
        int positives = 0;
        for (JsonNode c : pantherCases()) {
            if (c.path("panther_rule_id").asText().equals("Kubernetes.Pod.Exec")
                    && c.path("expected_result").asBoolean()) {
                positives++;
                List<SecurityEvent> events = parser.parse(c.path("log"), 0L);
                SecurityEvent exec = only(events, EventKind.CONTAINER_EXEC);
                assertEquals("default", exec.namespace, c.path("test_name").asText());
                assertEquals("nginx-pod", exec.pod, c.path("test_name").asText());
            }
        }
        assertEquals(3, positives);
    }

    @Test
    void pantherPrivilegedPodPositivesAreDeploys() throws Exception {
        AuditEventParser parser = new AuditEventParser(MAPPER);
        int privileged = 0;
        for (JsonNode c : pantherCases()) {
            if (c.path("panther_rule_id").asText().equals("Kubernetes.Pod.Privileged.Created")
                    && c.path("expected_result").asBoolean()) {
                SecurityEvent deploy = only(parser.parse(c.path("log"), 0L), EventKind.WORKLOAD_DEPLOY);
                assertEquals("Pod", deploy.workloadKind);
                // Panther also flags root-user pods; only securityContext.privileged counts as privileged here
                if (c.path("log").toString().contains("\\\"privileged\\\":true")
                        || c.path("log").toString().contains("\"privileged\":true")) {
                    assertTrue(deploy.privileged, c.path("test_name").asText());
                    privileged++;
                }
            }
        }
        assertEquals(3, privileged); // EKS, AKS, GKE
    }

    @Test
    void falcoTraceExecIsContainerExec() throws IOException {
        SecurityEvent exec = only(events("k8s-audit/falco/exec_pod.json"), EventKind.CONTAINER_EXEC);
        assertEquals("default", exec.namespace);
        assertEquals("nginx-deployment-7998647bdf-phvq7", exec.pod);
        assertEquals("nginx1", exec.container);
        assertEquals("bash", exec.process.binary);
        assertArrayEquals(new String[0], exec.process.arguments);
    }

    @Test
    void crowdsecExecIsContainerExec() throws IOException {
        SecurityEvent exec = only(events("k8s-audit/crowdsec/k8s-audit-pod-exec-file.log"), EventKind.CONTAINER_EXEC);
        assertEquals("foo", exec.namespace);
        assertEquals("test-pod-1", exec.pod);
        assertEquals("/bin/bash", exec.process.binary);
        assertEquals("/bin/bash", exec.target);
    }

    @Test
    void privilegedPodsAreFlagged() throws IOException {
        SecurityEvent first = only(events("k8s-audit/falco/create_nginx_pod_privileged.json"),
                EventKind.WORKLOAD_DEPLOY);
        assertTrue(first.privileged);
        assertEquals("default", first.namespace);
        assertTrue(first.pod != null && first.pod.startsWith("nginx-deployment-"));

        SecurityEvent second = only(events("k8s-audit/falco/create_nginx_pod_privileged_2nd_container.json"),
                EventKind.WORKLOAD_DEPLOY);
        assertTrue(second.privileged);
        assertEquals("default", second.namespace);
        assertEquals("nginx-deployment-544b59f8b8-ffkxm", second.pod);
        assertEquals("ReplicaSet/nginx-deployment-544b59f8b8", second.target);

        SecurityEvent crowdsec = only(events("k8s-audit/crowdsec/k8s-audit-priv-pod-file.log"),
                EventKind.WORKLOAD_DEPLOY);
        assertTrue(crowdsec.privileged);
        assertEquals("foo", crowdsec.namespace);
        assertEquals("test-pod-1", crowdsec.pod);

        SecurityEvent unprivileged = only(events("k8s-audit/falco/create_nginx_pod_unprivileged.json"),
                EventKind.WORKLOAD_DEPLOY);
        assertFalse(unprivileged.privileged);
    }

    @Test
    void tetragonNcConnectIsNetworkConnect() throws IOException {
        SecurityEvent connect = only(events("tetragon/00_process_lifecycle/nc_process_connect.json"),
                EventKind.NETWORK_CONNECT);
        assertEquals(new NetworkPeer("64.225.45.153", 443, "TCP"), connect.peer);
        assertEquals("elasticsearch-56f8fc6988-65smb", connect.pod);
        assertEquals("tenant-jobs", connect.namespace);
        assertEquals(64, connect.containerId.length());
        assertTrue(ContainerIds.sameContainer(connect.containerId, "e6af4dff4ea3b8d50313c59f"));
    }

    private List<SecurityEvent> events(String relative) throws IOException {
        List<SecurityEvent> all = new ArrayList<>();
        for (JsonNode value : topLevelValues(DIR.resolve(relative))) {
            ParseOutcome out = normalizer.normalise(value.toString(), relative);
            assertFalse(out.isDeadLetter(), relative + ": " + out.deadLetter);
            all.addAll(out.events);
        }
        return all;
    }

    private static SecurityEvent only(List<SecurityEvent> events, EventKind kind) {
        List<SecurityEvent> matching = events.stream().filter(e -> e.kind == kind).collect(Collectors.toList());
        assertEquals(1, matching.size(), "events of kind " + kind + " in " + events);
        return matching.get(0);
    }

    private static List<JsonNode> pantherCases() throws IOException {
        return topLevelValues(DIR.resolve("k8s-audit/panther-labelled/panther_k8s_rule_tests.extracted.jsonl"));
    }

    /** A file's top-level JSON values: one pretty-printed object, or one object per line. */
    private static List<JsonNode> topLevelValues(Path file) throws IOException {
        try (MappingIterator<JsonNode> it = MAPPER.readerFor(JsonNode.class).readValues(file.toFile())) {
            return it.readAll();
        }
    }

    private static List<Path> files(Path folder) throws IOException {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
        }
    }
}
