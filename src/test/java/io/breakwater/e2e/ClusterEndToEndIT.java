package io.breakwater.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job as a user runs it: a real Kafka broker and a real Flink session cluster (separate JVMs, started from
 * Maven jars by {@link LocalClusterExtension}), the shaded job jar uploaded and run through the Flink REST API,
 * raw telemetry produced to Kafka, findings and dead letters read back from Kafka.
 *
 * <p>Runs in {@code mvn verify} (failsafe, after {@code package} has built {@code target/breakwater-job.jar}).
 */
class ClusterEndToEndIT {

    @RegisterExtension
    static final LocalClusterExtension CLUSTER = new LocalClusterExtension();

    static final String ENTRY_CLASS = "io.breakwater.job.BreakwaterJob";
    static final String CHAIN_PATTERN = "breakwater.chain.container-persistence-c2";
    /** The pod the bundled scenario's attack chain runs in (src/main/resources/scenario). */
    static final String CHAIN_NAMESPACE = "payments";
    static final String CHAIN_POD = "metrics-agent-7c6d9f8b5-qz4tw";
    /** Every finding the bundled scenario should raise, one each; nothing for its benign part. */
    static final Set<String> EXPECTED_PATTERNS = Set.of(
            CHAIN_PATTERN,
            "breakwater.exec-then-service-create",
            "breakwater.pod-token-then-privileged-exec");

    static final int INPUT_PARTITIONS = 2;
    static final Duration JOB_RUNNING_TIMEOUT = Duration.ofSeconds(90);
    static final Duration FINDING_TIMEOUT = Duration.ofSeconds(120);
    /** After the chain finding: how long to keep reading, to see that nothing else (no duplicate) follows. */
    static final Duration SETTLE = Duration.ofSeconds(12);
    static final Duration DEAD_LETTER_TIMEOUT = Duration.ofSeconds(60);
    static final Duration CANCEL_TIMEOUT = Duration.ofSeconds(60);
    static final Duration POLL = Duration.ofMillis(500);

    static final String MALFORMED = "{not json";
    static final String UNKNOWN_FORMAT =
            "{\"sensor\":\"e2e-unknown\",\"message\":\"a well-formed record of no supported format\",\"n\":1}";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path baseDir = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String inputTopic = "breakwater.telemetry.e2e-" + run;
    private final String findingsTopic = "breakwater.findings.e2e-" + run;
    private final String deadLetterTopic = "breakwater.deadletters.e2e-" + run;

    @Test
    void scenarioThroughKafkaAndARealFlinkClusterRaisesExactlyTheExpectedFindings() throws Exception {
        long t0 = System.nanoTime();
        Path jar = Path.of(System.getProperty("breakwater.e2e.job-jar",
                baseDir.resolve("target/breakwater-job.jar").toString()));
        assertTrue(Files.isRegularFile(jar), jar + " is missing: the IT runs after `package` (mvn verify)");
        Path scenarioDir = Path.of(System.getProperty("breakwater.e2e.scenario-dir",
                baseDir.resolve("src/main/resources/scenario").toString()));
        assertTrue(Files.isDirectory(scenarioDir), scenarioDir + " is missing");

        String bootstrap = CLUSTER.kafkaBootstrap();
        FlinkRestClient flink = new FlinkRestClient(CLUSTER.flinkRest());
        createTopics(bootstrap);

        String jobId = null;
        boolean cancelled = false;
        try {
            Path copy = intactCopy(jar);
            String jarId;
            try {
                jarId = flink.uploadJar(copy);
            } finally {
                Files.deleteIfExists(copy);
            }
            step(t0, "uploaded " + jar.getFileName() + " as " + jarId);
            jobId = flink.runJar(jarId, ENTRY_CLASS, programArgs(bootstrap), 2);
            step(t0, "submitted job " + jobId);
            awaitRunning(flink, jobId);
            step(t0, "job " + jobId + " and all its tasks are RUNNING");

            int produced = produceScenario(bootstrap, scenarioDir);
            step(t0, "produced " + produced + " records to " + inputTopic);

            List<JsonNode> findings = readFindings(flink, jobId, bootstrap);
            step(t0, "read " + findings.size() + " finding(s)");
            assertFindings(findings);

            Map<String, JsonNode> deadLetters = readDeadLetters(flink, jobId, bootstrap);
            step(t0, "dead letters for both bad records: " + deadLetters.keySet());

            flink.cancel(jobId);
            awaitState(flink, jobId, "CANCELED", CANCEL_TIMEOUT);
            cancelled = true;
            step(t0, "job " + jobId + " CANCELED");
        } catch (Throwable t) {
            if (jobId != null) {
                printJobDiagnostics(flink, jobId);
            }
            throw t;
        } finally {
            if (jobId != null && !cancelled) {
                try {
                    flink.cancel(jobId);
                } catch (Exception e) {
                    System.out.println("[e2e] cancelling " + jobId + " after a failure failed: " + e);
                }
            }
        }
    }

    /**
     * A copy of the job jar, read through once (every entry's CRC checked): a jar that another build is rewriting
     * at this moment fails here with a clear message rather than as a ClassFormatError inside the job.
     */
    private Path intactCopy(Path jar) throws java.io.IOException {
        Path copy = baseDir.resolve("target/e2e/breakwater-job-" + run + ".jar");
        Files.createDirectories(copy.getParent());
        Files.copy(jar, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        int entries = 0;
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(Files.newInputStream(copy))) {
            byte[] buf = new byte[64 * 1024];
            while (in.getNextEntry() != null) {
                while (in.read(buf) >= 0) {
                    // read to the end of the entry: checks its CRC
                }
                entries++;
            }
        } catch (java.io.IOException e) {
            throw new java.io.IOException(jar + " is not an intact jar (being rebuilt?): " + e, e);
        }
        assertTrue(entries > 0, jar + " has no entries");
        return copy;
    }

    private List<String> programArgs(String bootstrap) {
        // every setting as a program argument, as an operator submitting through the REST API does: main runs on
        // the JobManager, where a --config path from the client's machine need not exist
        List<String> args = new ArrayList<>();
        args.addAll(List.of(
                "--kafka.bootstrap-servers", bootstrap,
                "--kafka.input-topics", inputTopic,
                "--kafka.findings-topic", findingsTopic,
                "--kafka.dead-letter-topic", deadLetterTopic,
                "--kafka.group-id", "breakwater-e2e-" + run,
                "--kafka.starting-offsets", "earliest",
                "--parallelism", "2",
                "--cluster.name", "e2e",
                "--output.dead-letters", "none",
                "--network.internal-cidrs", "10.96.0.0/12,10.244.0.0/16"));
        return args;
    }

    private void createTopics(String bootstrap) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000);
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(
                            new NewTopic(inputTopic, INPUT_PARTITIONS, (short) 1),
                            new NewTopic(findingsTopic, 1, (short) 1),
                            new NewTopic(deadLetterTopic, 1, (short) 1)))
                    .all()
                    .get(60, TimeUnit.SECONDS);
            Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            assertTrue(topics.containsAll(List.of(inputTopic, findingsTopic, deadLetterTopic)), "topics: " + topics);
        }
    }

    private void awaitRunning(FlinkRestClient flink, String jobId) throws Exception {
        long deadline = System.nanoTime() + JOB_RUNNING_TIMEOUT.toNanos();
        String state = null;
        while (System.nanoTime() < deadline) {
            state = flink.jobState(jobId);
            if ("FAILED".equals(state) || "CANCELED".equals(state) || "FINISHED".equals(state)) {
                fail("job " + jobId + " is " + state + " instead of RUNNING");
            }
            if ("RUNNING".equals(state) && flink.allTasksRunning(jobId)) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
        }
        fail("job " + jobId + " not RUNNING with all tasks after " + JOB_RUNNING_TIMEOUT + " (last state " + state + ")");
    }

    private void awaitState(FlinkRestClient flink, String jobId, String wanted, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String state = null;
        while (System.nanoTime() < deadline) {
            state = flink.jobState(jobId);
            if (wanted.equals(state)) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
        }
        fail("job " + jobId + " not " + wanted + " after " + timeout + " (last state " + state + ")");
    }

    /**
     * The scenario in event-time order, spread over the input partitions; then the two bad records; then a
     * benign record two hours later on every partition, so every partition's watermark passes the chain.
     */
    private int produceScenario(String bootstrap, Path scenarioDir) throws Exception {
        List<ScenarioRecords.Raw> scenario = ScenarioRecords.inEventTimeOrder(ScenarioRecords.load(scenarioDir));
        assertFalse(scenario.isEmpty(), "no records under " + scenarioDir);
        long maxTime = scenario.stream()
                .filter(r -> r.eventTimeMs() != null && r.eventTimeMs() != Long.MIN_VALUE)
                .mapToLong(ScenarioRecords.Raw::eventTimeMs)
                .max()
                .orElseThrow(() -> new AssertionError("no record of the scenario has a readable event time"));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        int n = 0;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (ScenarioRecords.Raw r : scenario) {
                producer.send(new ProducerRecord<>(inputTopic, n % INPUT_PARTITIONS, null, r.json()));
                n++;
            }
            producer.send(new ProducerRecord<>(inputTopic, 0, null, MALFORMED));
            producer.send(new ProducerRecord<>(inputTopic, 1 % INPUT_PARTITIONS, null, UNKNOWN_FORMAT));
            n += 2;
            long trailing = maxTime + Duration.ofHours(2).plusMinutes(5).toMillis();
            for (int round = 0; round < 3; round++) {
                for (int partition = 0; partition < INPUT_PARTITIONS; partition++) {
                    int i = round * INPUT_PARTITIONS + partition;
                    producer.send(new ProducerRecord<>(inputTopic, partition, null,
                            ScenarioRecords.trailingTetragonExec(trailing + i * 1000L, i)));
                    n++;
                }
                producer.flush();
            }
        }
        System.out.println("[e2e] scenario: " + scenario.size() + " records from " + scenarioDir
                + ", last event time " + java.time.Instant.ofEpochMilli(maxTime));
        return n;
    }

    private List<JsonNode> readFindings(FlinkRestClient flink, String jobId, String bootstrap) throws Exception {
        List<JsonNode> findings = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, findingsTopic)) {
            long deadline = System.nanoTime() + FINDING_TIMEOUT.toNanos();
            long settleUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, settleUntil)) {
                for (ConsumerRecord<String, String> r : consumer.poll(POLL)) {
                    JsonNode f = JSON.readTree(r.value());
                    System.out.println("[e2e] finding key=" + r.key() + " " + abbreviate(r.value(), 600));
                    findings.add(f);
                    if (CHAIN_PATTERN.equals(patternOf(f)) && settleUntil == Long.MAX_VALUE) {
                        settleUntil = System.nanoTime() + SETTLE.toNanos();
                    }
                }
                failIfJobDied(flink, jobId);
            }
        }
        if (findings.stream().noneMatch(f -> CHAIN_PATTERN.equals(patternOf(f)))) {
            fail("no " + CHAIN_PATTERN + " finding on " + findingsTopic + " within " + FINDING_TIMEOUT
                    + "; findings seen: " + findings.size());
        }
        return findings;
    }

    private void assertFindings(List<JsonNode> findings) {
        List<JsonNode> chain = findings.stream().filter(f -> CHAIN_PATTERN.equals(patternOf(f))).toList();
        assertEquals(1, chain.size(), "exactly one chain finding, got " + chain);
        JsonNode c = chain.get(0);
        assertEquals(2004, c.path("class_uid").asInt(), "class_uid of " + c);
        assertFalse(c.path("finding_info").path("uid").asText("").isBlank(), "finding_info.uid of " + c);
        assertFalse(c.path("finding_info").path("title").asText("").isBlank(), "finding_info.title of " + c);
        assertEquals(CHAIN_NAMESPACE, entityField(c, "namespace"), "entity namespace of " + c);
        assertEquals(CHAIN_POD, entityField(c, "pod"), "entity pod of " + c);

        Set<String> uids = new HashSet<>();
        Map<String, Integer> perPattern = new java.util.TreeMap<>();
        for (JsonNode f : findings) {
            assertEquals(2004, f.path("class_uid").asInt(), "class_uid of " + f);
            String uid = f.path("finding_info").path("uid").asText("");
            assertFalse(uid.isBlank(), "finding_info.uid of " + f);
            assertTrue(uids.add(uid), "finding " + uid + " arrived twice");
            perPattern.merge(patternOf(f) + " " + entityField(f, "namespace") + "/" + entityField(f, "pod"), 1,
                    Integer::sum);
        }
        Set<String> patterns = new java.util.TreeSet<>();
        findings.forEach(f -> patterns.add(patternOf(f)));
        assertEquals(new java.util.TreeSet<>(EXPECTED_PATTERNS), patterns,
                "the findings' patterns; findings per pattern and entity: " + perPattern);
        assertEquals(EXPECTED_PATTERNS.size(), findings.size(),
                "one finding per expected pattern; findings per pattern and entity: " + perPattern);
    }

    private Map<String, JsonNode> readDeadLetters(FlinkRestClient flink, String jobId, String bootstrap)
            throws Exception {
        Map<String, Predicate<JsonNode>> wanted = new LinkedHashMap<>();
        wanted.put("malformed-json", d -> "malformed-json".equals(d.path("reason").asText())
                && d.path("raw").asText("").contains("not json"));
        wanted.put("unknown-format", d -> "unknown-format".equals(d.path("reason").asText())
                && d.path("raw").asText("").contains("e2e-unknown"));
        Map<String, JsonNode> found = new LinkedHashMap<>();
        List<String> seen = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, deadLetterTopic)) {
            long deadline = System.nanoTime() + DEAD_LETTER_TIMEOUT.toNanos();
            while (found.size() < wanted.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(POLL)) {
                    System.out.println("[e2e] dead letter " + abbreviate(r.value(), 400));
                    seen.add(abbreviate(r.value(), 200));
                    JsonNode d = JSON.readTree(r.value());
                    wanted.forEach((reason, matches) -> {
                        if (matches.test(d)) {
                            found.putIfAbsent(reason, d);
                        }
                    });
                }
                failIfJobDied(flink, jobId);
            }
        }
        for (String reason : wanted.keySet()) {
            assertNotNull(found.get(reason), "no dead letter with reason " + reason + " for our record on "
                    + deadLetterTopic + " within " + DEAD_LETTER_TIMEOUT + "; seen: " + seen);
        }
        return found;
    }

    private KafkaConsumer<String, String> consumer(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        KafkaConsumer<String, String> c = new KafkaConsumer<>(p);
        List<TopicPartition> partitions = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
        c.assign(partitions);
        c.seekToBeginning(partitions);
        return c;
    }

    private void failIfJobDied(FlinkRestClient flink, String jobId) throws Exception {
        String state = flink.jobState(jobId);
        if (!"RUNNING".equals(state)) {
            fail("job " + jobId + " is " + state + " while the test waits for its output");
        }
    }

    static String patternOf(JsonNode finding) {
        return finding.path("finding_info").path("analytic").path("uid").asText(null);
    }

    /** The entity field of a finding: {@code unmapped.entity.<name>} (also accepted: {@code entity.<name>}). */
    static String entityField(JsonNode finding, String name) {
        for (String path : List.of("/unmapped/entity/", "/entity/", "/unmapped/")) {
            JsonNode v = finding.at(path + name);
            if (v.isTextual()) {
                return v.asText();
            }
        }
        return null;
    }

    private void printJobDiagnostics(FlinkRestClient flink, String jobId) {
        try {
            System.out.println("[e2e] job " + jobId + " state: " + flink.jobState(jobId));
            JsonNode ex = flink.get("/jobs/" + jobId + "/exceptions");
            System.out.println("[e2e] job exceptions: " + abbreviate(ex.toPrettyString(), 6000));
        } catch (Exception e) {
            System.out.println("[e2e] no job diagnostics: " + e);
        }
    }

    private static void step(long t0, String what) {
        System.out.printf("[e2e] %6.1f s  %s%n", (System.nanoTime() - t0) / 1e9, what);
    }

    private static String abbreviate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max) + "...(" + s.length() + " chars)";
    }
}
