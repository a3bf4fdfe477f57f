package io.breakwater.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.breakwater.event.SecurityEvent;
import io.breakwater.ingest.ParseOutcome;
import io.breakwater.ingest.TelemetryNormalizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real job graph ({@link BreakwaterJob#wire}, the code path of {@code main}: file source, normalise,
 * correlate, CEP, JSON sinks) on a mini cluster at parallelism 2.
 */
class DetectionJobIntegrationTest {
    private static final Path SCENARIO = Path.of("src/main/resources/scenario");
    private static final Path NEAR_MISS = Path.of("src/test/resources/scenario-near-miss");
    private static final long BOUND_MS = 120_000;
    private static final String CHAIN = "breakwater.chain.container-persistence-c2";
    private static final String EXEC_THEN_SERVICE = "breakwater.exec-then-service-create";
    private static final String TOKEN_THEN_EXEC = "breakwater.pod-token-then-privileged-exec";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .build());

    @TempDir
    Path tmp;

    @Test
    void bundledScenarioShuffledWithinTheBoundGivesExactlyTheAttackFindings() throws Exception {
        List<String> records = recordsInEventTimeOrder(SCENARIO);
        Map<String, Map<String, JsonNode>> runs = new HashMap<>();
        for (long seed : new long[] {1, 7, 42}) {
            Path input = tmp.resolve("shuffled-" + seed);
            Files.createDirectories(input);
            Files.write(input.resolve("mixed.jsonl"), shuffleWithin(records, BOUND_MS - 1000, seed));
            runs.put("seed " + seed, byPattern(run(input, "2m", "run-" + seed).findings));
        }
        Map<String, JsonNode> first = runs.get("seed 1");
        assertEquals(List.of(CHAIN, EXEC_THEN_SERVICE, TOKEN_THEN_EXEC), first.keySet().stream().sorted().toList(),
                "one finding per pattern, nothing for the benign part");

        JsonNode chain = first.get(CHAIN);
        assertEquals(List.of(
                "CREDENTIAL_ACCESS k8s_audit:5f0d6c1e-8a2b-4c7d-9e3f-1a2b3c4d5e01",
                "WORKLOAD_DEPLOY k8s_audit:5f0d6c1e-8a2b-4c7d-9e3f-1a2b3c4d5e02",
                "CONTAINER_EXEC k8s_audit:5f0d6c1e-8a2b-4c7d-9e3f-1a2b3c4d5e05",
                "SERVICE_CREATE " + rawRefOfFalcoRename(),
                "NETWORK_CONNECT tetragon:process_connect:d29ya2VyLTI6MTAyMDAwMDAwOjQzMDA=@2026-11-20T09:17:00.500000Z"),
                evidence(chain));
        JsonNode entity = chain.at("/unmapped/entity");
        assertEquals("payments", entity.get("namespace").asText());
        assertEquals("metrics-agent-7c6d9f8b5-qz4tw", entity.get("pod").asText());
        assertEquals("Deployment/metrics-agent", entity.get("workload").asText());
        assertEquals("system:serviceaccount:payments:build-runner", entity.get("principal").asText());
        assertEquals("worker-2", entity.get("node").asText());
        assertEquals("ghcr.io/pwn-lab/metrics-agent:2.1", entity.get("image").asText());
        assertEquals(2004, chain.get("class_uid").asInt());
        assertEquals("Critical", chain.get("severity").asText());

        assertEquals(List.of("CONTAINER_EXEC k8s_audit:5f0d6c1e-8a2b-4c7d-9e3f-1a2b3c4d5e05",
                "SERVICE_CREATE " + rawRefOfFalcoRename()), evidence(first.get(EXEC_THEN_SERVICE)));
        assertEquals(List.of("CREDENTIAL_ACCESS k8s_audit:5f0d6c1e-8a2b-4c7d-9e3f-1a2b3c4d5e01",
                "CONTAINER_EXEC k8s_audit:5f0d6c1e-8a2b-4c7d-9e3f-1a2b3c4d5e05"), evidence(first.get(TOKEN_THEN_EXEC)));

        // arrival order changes nothing: same findings, same deterministic ids
        for (Map.Entry<String, Map<String, JsonNode>> run : runs.entrySet()) {
            assertEquals(ids(first), ids(run.getValue()), run.getKey());
        }
    }

    @Test
    void nearMissWithoutServiceCreationGivesNoChainFinding() throws Exception {
        Result result = run(NEAR_MISS, "unbounded", "near-miss");
        Map<String, JsonNode> findings = byPattern(result.findings);
        assertFalse(findings.containsKey(CHAIN), "no service creation, no chain: " + findings.keySet());
        assertFalse(findings.containsKey(EXEC_THEN_SERVICE), findings.keySet().toString());
        // the rest of the scenario still runs through the job: the token/privileged-exec pair is there
        assertTrue(findings.containsKey(TOKEN_THEN_EXEC), findings.keySet().toString());
    }

    @Test
    void deniedProbesWithTheSameTokenDoNotHideTheSuccessfulUses() throws Exception {
        // an attacker's 403s just before each real use must not stand in for them when uses are coalesced
        List<String> records = new ArrayList<>(recordsInEventTimeOrder(SCENARIO));
        String secretRead = records.get(indexOf(records, "\"stage\":\"ResponseComplete\"", "registry-creds"));
        for (String at : new String[] {"2026-11-20T09:09:59", "2026-11-20T09:14:59"}) {
            records.add(0, secretRead.replace("5f0d6c1e-8a2b-4c7d-9e3f-1a2b3c4d5e01", "denied-probe-" + at)
                    .replace("\"verb\":\"get\"", "\"verb\":\"list\"").replace("\"code\":200", "\"code\":403")
                    .replaceAll("2026-11-20T09:10:00", at));
        }
        Map<String, JsonNode> findings = byPattern(run(write("denied-probes", records), "unbounded", "denied").findings);
        assertEquals(List.of(CHAIN, EXEC_THEN_SERVICE, TOKEN_THEN_EXEC), findings.keySet().stream().sorted().toList());
    }

    @Test
    void theChainsBoundIsConfigurableAndEnforced() throws Exception {
        // the bundled chain spans about eight minutes from credential use to the first beacon
        Map<String, JsonNode> findings = byPattern(run(SCENARIO, "unbounded", "short-bound",
                Map.of("detection.chain-within", "4m")).findings);
        assertFalse(findings.containsKey(CHAIN), findings.keySet().toString());
        assertTrue(findings.containsKey(EXEC_THEN_SERVICE), "the shorter patterns keep their own bounds");
    }

    @Test
    void sameMillisecondOfTwoSourcesGivesTheSameFindingsInEitherArrivalOrder() throws Exception {
        // the Falco rename (service creation) is moved onto the exact millisecond of the audit exec
        List<String> records = new ArrayList<>(recordsInEventTimeOrder(SCENARIO));
        int exec = indexOf(records, "\"stage\":\"ResponseStarted\"", "5e05");
        int rename = indexOf(records, "renameat2", "");
        String audit = records.get(exec);
        String falcoSameMs = records.get(rename)
                .replaceAll("\"evt.time\":\\d+", "\"evt.time\":" + epochNanosOf(audit))
                .replaceAll("\"time\":\"[^\"]+\"", "\"time\":\"" + isoOf(audit) + "\"");
        records.remove(rename);

        List<String> execFirst = new ArrayList<>(records);
        execFirst.add(records.indexOf(audit) + 1, falcoSameMs);
        List<String> serviceFirst = new ArrayList<>(records);
        serviceFirst.add(records.indexOf(audit), falcoSameMs);

        // the audit exec and the rename now complete one exec-then-service match, the runtime shell and the later
        // systemctl another: two findings of that pattern, whichever record of the tie arrives first
        List<String> a = patternAndId(run(write("exec-first", execFirst), "2m", "exec-first").findings);
        List<String> b = patternAndId(run(write("service-first", serviceFirst), "2m", "service-first").findings);
        assertEquals(4, a.size(), a.toString());
        assertEquals(2, a.stream().filter(f -> f.startsWith(EXEC_THEN_SERVICE)).count(), a.toString());
        assertEquals(a, b);
    }

    @Test
    void badRecordsGoToDeadLettersAndTheJobCarriesOn() throws Exception {
        Path input = tmp.resolve("with-bad-records");
        Files.createDirectories(input);
        for (Path f : scenarioFiles(SCENARIO)) {
            Files.copy(f, input.resolve(f.getFileName()));
        }
        Files.writeString(input.resolve("junk.jsonl"), String.join("\n",
                "{not json",
                "{\"kind\": 0}",
                "[1, 2, 3]",
                "{\"rule\":\"x\",\"output\":\"y\",\"priority\":\"Notice\",\"output_fields\":{\"token\":\"s3cr3t-t0ken-value\"}}",
                "just a line of text with password=hunter2") + "\n");
        Result result = run(input, "unbounded", "bad-records");
        assertEquals(3, result.findings.size(), "the scenario's findings still come");
        Map<String, Long> reasons = result.deadLetters.stream()
                .collect(Collectors.groupingBy(d -> d.get("reason").asText(), Collectors.counting()));
        assertEquals(5, result.deadLetters.size(), result.deadLetters.toString());
        assertTrue(reasons.containsKey("malformed-json"), reasons.toString());
        assertTrue(reasons.containsKey("unknown-format"), reasons.toString());
        assertTrue(reasons.containsKey("missing-event-time"), reasons.toString());
        assertTrue(result.deadLetters.stream().allMatch(d -> d.get("origin").asText().matches(".*/junk\\.jsonl#[1-5]")),
                "each dead letter names its file and record: " + result.deadLetters);
        String all = result.deadLetters.toString() + result.findings;
        assertFalse(all.contains("s3cr3t-t0ken-value"), "a token never reaches a dead letter");
        assertFalse(all.contains("hunter2"), "a password never reaches a dead letter");
        assertFalse(all.contains("eyJhdXRocyI6"), "the dockerconfigjson never reaches an output");
    }

    // ---------------------------------------------------------------------------------------------------------

    private record Result(List<JsonNode> findings, List<JsonNode> deadLetters) {}

    private Result run(Path input, String outOfOrderness, String name) throws Exception {
        return run(input, outOfOrderness, name, Map.of());
    }

    private Result run(Path input, String outOfOrderness, String name, Map<String, String> extra) throws Exception {
        Path findings = tmp.resolve(name + "-findings.jsonl");
        Path deadLetters = tmp.resolve(name + "-dead-letters.jsonl");
        Map<String, String> values = new HashMap<>(extra);
        values.putAll(Map.of(
                "parallelism", "2",
                "cluster.name", "it",
                "input.paths", input.toString(),
                "output.findings", findings.toString(),
                "output.dead-letters", deadLetters.toString(),
                "time.out-of-orderness", outOfOrderness,
                "network.internal-cidrs", "10.96.0.0/12,10.244.0.0/16"));
        JobSettings settings = JobSettings.of(values);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        BreakwaterJob.wire(env, settings);
        env.execute(name);
        return new Result(readLines(findings), readLines(deadLetters));
    }

    private static List<JsonNode> readLines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    private static Map<String, JsonNode> byPattern(List<JsonNode> findings) {
        Map<String, JsonNode> out = new HashMap<>();
        for (JsonNode f : findings) {
            String pattern = f.at("/finding_info/analytic/uid").asText();
            assertFalse(out.containsKey(pattern), "one finding per pattern instance, got two for " + pattern);
            out.put(pattern, f);
        }
        return out;
    }

    private static Map<String, String> ids(Map<String, JsonNode> byPattern) {
        Map<String, String> ids = new HashMap<>();
        byPattern.forEach((k, v) -> ids.put(k, v.at("/finding_info/uid").asText()));
        return ids;
    }

    private static List<String> patternAndId(List<JsonNode> findings) {
        return findings.stream().map(f -> f.at("/finding_info/analytic/uid").asText() + " "
                + f.at("/finding_info/uid").asText()).sorted().toList();
    }

    private static List<String> evidence(JsonNode finding) {
        List<String> out = new ArrayList<>();
        finding.get("evidences").forEach(e -> out.add(e.at("/data/kind").asText() + " " + e.at("/data/raw_ref").asText()));
        return out;
    }

    /** The raw reference the normaliser gives the scenario's Falco rename (a content hash). */
    private static String rawRefOfFalcoRename() throws IOException {
        for (String r : recordsInEventTimeOrder(SCENARIO)) {
            if (r.contains("renameat2")) {
                return new TelemetryNormalizer().normalise(r, "test").events.get(0).rawRef;
            }
        }
        throw new AssertionError("the scenario has a Falco rename");
    }

    private static List<Path> scenarioFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".jsonl")).sorted().toList();
        }
    }

    /** Every record of the folder, ordered by event time as the normaliser reads it. */
    private static List<String> recordsInEventTimeOrder(Path dir) throws IOException {
        TelemetryNormalizer normalizer = new TelemetryNormalizer();
        List<Map.Entry<Long, String>> timed = new ArrayList<>();
        for (Path f : scenarioFiles(dir)) {
            for (String line : Files.readAllLines(f)) {
                if (line.isBlank()) {
                    continue;
                }
                ParseOutcome o = normalizer.normalise(line, f.toString());
                long t = o.isDeadLetter() || o.events.isEmpty() ? 0 : o.events.get(0).eventTime;
                timed.add(Map.entry(t, line));
            }
        }
        timed.sort(Map.Entry.comparingByKey());
        return timed.stream().map(Map.Entry::getValue).toList();
    }

    /**
     * Arrival order = event time plus a random delay below the bound: every record arrives less than the bound
     * after any record with a later event time, so nothing is late, yet neighbours are thoroughly reordered.
     */
    private static List<String> shuffleWithin(List<String> inOrder, long maxDelayMs, long seed) {
        TelemetryNormalizer normalizer = new TelemetryNormalizer();
        Random random = new Random(seed);
        List<Map.Entry<Long, String>> arrivals = new ArrayList<>();
        for (String r : inOrder) {
            ParseOutcome o = normalizer.normalise(r, "test");
            long t = o.events.isEmpty() ? 0 : o.events.get(0).eventTime;
            arrivals.add(Map.entry(t + (long) (random.nextDouble() * maxDelayMs), r));
        }
        arrivals.sort(Comparator.comparing(Map.Entry::getKey));
        List<String> out = arrivals.stream().map(Map.Entry::getValue).toList();
        assertFalse(out.equals(inOrder), "the shuffle must reorder something");
        return out;
    }

    private Path write(String name, List<String> records) throws IOException {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        Files.write(dir.resolve("mixed.jsonl"), records);
        return dir;
    }

    private static int indexOf(List<String> records, String a, String b) {
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).contains(a) && records.get(i).contains(b)) {
                return i;
            }
        }
        throw new AssertionError("no record with " + a + " and " + b);
    }

    private static long eventTimeOf(String record) {
        SecurityEvent e = new TelemetryNormalizer().normalise(record, "test").events.get(0);
        return e.eventTime;
    }

    private static long epochNanosOf(String record) {
        return eventTimeOf(record) * 1_000_000L;
    }

    private static String isoOf(String record) {
        return java.time.Instant.ofEpochMilli(eventTimeOf(record)).toString();
    }
}
