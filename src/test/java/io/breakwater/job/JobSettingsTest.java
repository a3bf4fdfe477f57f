package io.breakwater.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobSettingsTest {
    @TempDir
    Path dir;

    private Path yaml(String text) throws IOException {
        Path file = dir.resolve("job.yaml");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void yamlIsReadAsDottedKeysAndTheCommandLineOverridesIt() throws IOException {
        Path file = yaml("name: from-yaml\nparallelism: 3\ninput:\n  paths: [a.jsonl, b.jsonl]\n"
                + "output:\n  findings: /tmp/yaml-findings\ntime:\n  out-of-orderness: 45s\n  idleness: 2m\n");
        JobSettings s = JobSettings.fromArgs(new String[] {"--config", file.toString(),
                "--time.idleness", "5m", "--parallelism", "4"});
        assertEquals("from-yaml", s.get("name"));
        assertEquals(4, s.integer("parallelism"));
        assertEquals(List.of("a.jsonl", "b.jsonl"), s.inputPaths());
        assertEquals("/tmp/yaml-findings", s.get("output.findings"));
        assertEquals(Duration.ofSeconds(45), s.duration("time.out-of-orderness"));
        assertEquals(Duration.ofMinutes(5), s.duration("time.idleness"));
        assertFalse(s.unboundedOutOfOrderness());
        // defaults fill what neither gives
        assertEquals(Duration.ofMinutes(10), s.duration("time.audit-stage-window"));
        assertEquals("default", s.get("cluster.name"));
        assertFalse(s.kafkaInput());
    }

    @Test
    void inputAndOutputAreAliases() throws IOException {
        Path file = yaml("input:\n  paths: [from-yaml]\noutput:\n  findings: yaml-out\n");
        JobSettings s = JobSettings.fromArgs(new String[] {"--config", file.toString(),
                "--input", "x.jsonl,y.jsonl", "--output", "stdout"});
        assertEquals(List.of("x.jsonl", "y.jsonl"), s.inputPaths());
        assertEquals("stdout", s.get("output.findings"));
        assertNull(s.get("input"));
        assertNull(s.get("config"));
    }

    @Test
    void commandLineAloneIsEnough() {
        JobSettings s = JobSettings.fromArgs(
                new String[] {"--input", "events/", "--cluster.name", "c1", "--output", "stdout"});
        assertEquals(List.of("events/"), s.inputPaths());
        assertEquals("c1", s.get("cluster.name"));
    }

    @Test
    void anUnknownKeyIsRefusedByName() throws IOException {
        IllegalArgumentException cli = assertThrows(IllegalArgumentException.class,
                () -> JobSettings.fromArgs(
                        new String[] {"--input", "x", "--output", "stdout", "--time.out-of-ordernes", "1m"}));
        assertTrue(cli.getMessage().contains("'time.out-of-ordernes'"), cli.getMessage());

        Path file = yaml("input:\n  paths: [x]\nnetwork:\n  internal-cidr: [10.0.0.0/8]\n");
        IllegalArgumentException fromYaml = assertThrows(IllegalArgumentException.class,
                () -> JobSettings.fromArgs(new String[] {"--config", file.toString()}));
        assertTrue(fromYaml.getMessage().contains("'network.internal-cidr'"), fromYaml.getMessage());
    }

    @Test
    void missingInputIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JobSettings.fromArgs(new String[] {"--name", "x"}));
        assertTrue(e.getMessage().contains("no input"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> JobSettings.of(Map.of("input.paths", " , ")));
    }

    @Test
    void kafkaTopicsWithoutBootstrapServersAreRefused() {
        IllegalArgumentException in = assertThrows(IllegalArgumentException.class,
                () -> JobSettings.of(Map.of("kafka.input-topics", "telemetry")));
        assertTrue(in.getMessage().contains("kafka.bootstrap-servers"), in.getMessage());
        IllegalArgumentException out = assertThrows(IllegalArgumentException.class,
                () -> JobSettings.of(Map.of("output.findings", "stdout", "input.paths", "x",
                        "kafka.findings-topic", "findings")));
        assertTrue(out.getMessage().contains("kafka.bootstrap-servers"), out.getMessage());

        JobSettings ok = JobSettings.of(Map.of("kafka.input-topics", "a, b", "kafka.bootstrap-servers", "k:9092",
                "kafka.findings-topic", "findings"));
        assertTrue(ok.kafkaInput());
        assertEquals(List.of("a", "b"), ok.list("kafka.input-topics"));
    }

    @Test
    void aBadDurationIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> JobSettings.of(Map.of("output.findings", "stdout", "input.paths", "x", "time.idleness", "soon")));
        assertThrows(IllegalArgumentException.class,
                () -> JobSettings.of(Map.of("output.findings", "stdout", "input.paths", "x",
                        "time.out-of-orderness", "10 minutes")));
        assertThrows(IllegalArgumentException.class,
                () -> JobSettings.of(Map.of("output.findings", "stdout", "input.paths", "x",
                        "checkpoint.interval", "")));
    }

    @Test
    void aJobWithoutAFindingsOutputIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JobSettings.of(Map.of("input.paths", "x")));
        assertTrue(e.getMessage().contains("no findings output"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> JobSettings.of(Map.of("input.paths", "x",
                "output.findings", "stdout", "kafka.bootstrap-servers", "k:9092")), "brokers but no topic");
    }

    @Test
    void aBadNumberIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JobSettings.of(Map.of("output.findings", "stdout", "input.paths", "x", "parallelism", "two")));
        assertTrue(e.getMessage().contains("parallelism"), e.getMessage());
    }

    @Test
    void unboundedOutOfOrdernessIsAccepted() {
        JobSettings s = JobSettings.of(Map.of("output.findings", "stdout", "input.paths", "x",
                "time.out-of-orderness", "Unbounded"));
        assertTrue(s.unboundedOutOfOrderness());
        assertFalse(JobSettings.of(Map.of("output.findings", "stdout", "input.paths", "x")).unboundedOutOfOrderness());
    }

    @Test
    void listsComeFromYamlArraysAndCommaStrings() throws IOException {
        Path file = yaml("output:\n  findings: stdout\ninput:\n  paths:\n    - one\n    - two\nnetwork:\n  internal-cidrs: \"10.96.0.0/12, 10.244.0.0/16 ,\"\n");
        JobSettings s = JobSettings.fromArgs(new String[] {"--config", file.toString()});
        assertEquals(List.of("one", "two"), s.inputPaths());
        assertEquals(List.of("10.96.0.0/12", "10.244.0.0/16"), s.list("network.internal-cidrs"));
        assertEquals(List.of(), s.list("kafka.input-topics"));
    }

    @Test
    void theRepositorysLocalJobLoads() {
        JobSettings s = JobSettings.fromArgs(new String[] {"--config", "jobs/local.yaml"});
        assertEquals("breakwater-local", s.get("name"));
        assertEquals(2, s.integer("parallelism"));
        assertEquals(List.of("src/main/resources/scenario"), s.inputPaths());
        assertTrue(s.unboundedOutOfOrderness());
        assertFalse(s.kafkaInput());
        assertEquals(List.of("10.96.0.0/12", "10.244.0.0/16"), s.list("network.internal-cidrs"));
    }

    @Test
    void theRepositorysKafkaJobLoadsWithBrokersFromTheCommandLine() {
        assertThrows(IllegalArgumentException.class,
                () -> JobSettings.fromArgs(new String[] {"--config", "jobs/kafka.yaml"}));
        JobSettings s = JobSettings.fromArgs(
                new String[] {"--config", "jobs/kafka.yaml", "--kafka.bootstrap-servers", "x:9092"});
        assertTrue(s.kafkaInput());
        assertEquals(List.of("breakwater.telemetry"), s.list("kafka.input-topics"));
        assertEquals("x:9092", s.get("kafka.bootstrap-servers"));
        assertEquals("breakwater.findings", s.get("kafka.findings-topic"));
        assertEquals(Duration.ofSeconds(30), s.duration("time.out-of-orderness"));
        assertEquals(Duration.ofHours(24), s.duration("time.container-binding-ttl"));
    }
}
