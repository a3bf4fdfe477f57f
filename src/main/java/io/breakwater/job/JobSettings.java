package io.breakwater.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.breakwater.detect.Detections;
import io.breakwater.detect.Durations;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.util.ParameterTool;

/**
 * The job's settings: a job configuration file under {@code jobs/} (nested YAML, read as dotted keys such as
 * {@code time.out-of-orderness}), overridden by {@code --dotted.key value} on the command line.
 * {@code --input} and {@code --output} are short for {@code input.paths} and {@code output.findings}.
 * Unknown keys are refused, so a typo fails the job at submission rather than being ignored.
 */
public final class JobSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    static final Set<String> KNOWN = Set.of("name", "parallelism", "cluster.name",
            "input.paths", "output.findings", "output.dead-letters",
            "kafka.bootstrap-servers", "kafka.input-topics", "kafka.findings-topic", "kafka.dead-letter-topic",
            "kafka.group-id", "kafka.starting-offsets", "kafka.delivery-guarantee", "kafka.transactional-id-prefix",
            "time.out-of-orderness", "time.idleness", "time.container-resolve-wait", "time.container-binding-ttl",
            "time.workload-profile-ttl", "time.audit-stage-window", "time.credential-coalesce-window",
            "patterns.dir", "network.internal-cidrs", "limits.max-record-chars", "limits.dead-letter-raw-chars",
            "checkpoint.interval", "detection.chain-within", "detection.credential-then-deploy-within",
            "detection.exec-then-service-within", "detection.pod-token-then-privileged-exec-within");
    /** Settings that override a pattern file's {@code within}, by pattern id. */
    static final Map<String, String> WITHIN_OVERRIDES = Map.of(
            Detections.CHAIN, "detection.chain-within",
            Detections.CREDENTIAL_THEN_DEPLOY, "detection.credential-then-deploy-within",
            Detections.EXEC_THEN_SERVICE, "detection.exec-then-service-within",
            Detections.TOKEN_THEN_PRIVILEGED_EXEC, "detection.pod-token-then-privileged-exec-within");
    private static final Map<String, String> DEFAULTS = Map.ofEntries(
            Map.entry("name", "breakwater"),
            Map.entry("parallelism", "1"),
            Map.entry("cluster.name", "default"),
            Map.entry("output.dead-letters", "stderr"),
            Map.entry("kafka.group-id", "breakwater"),
            Map.entry("kafka.starting-offsets", "committed"),
            Map.entry("kafka.delivery-guarantee", "at-least-once"),
            Map.entry("time.out-of-orderness", "30s"),
            Map.entry("time.idleness", "1m"),
            Map.entry("time.container-resolve-wait", "30s"),
            Map.entry("time.container-binding-ttl", "24h"),
            Map.entry("time.workload-profile-ttl", "24h"),
            Map.entry("time.audit-stage-window", "10m"),
            Map.entry("time.credential-coalesce-window", "5m"),
            Map.entry("limits.max-record-chars", "1048576"),
            Map.entry("limits.dead-letter-raw-chars", "4096"),
            Map.entry("checkpoint.interval", "30s"));

    private final Map<String, String> values;

    private JobSettings(Map<String, String> values) {
        this.values = values;
    }

    /** Reads {@code --config <file>} (if given) and applies the other arguments over it. */
    public static JobSettings fromArgs(String[] args) {
        ParameterTool cli = ParameterTool.fromArgs(args);
        Map<String, String> merged = new TreeMap<>(DEFAULTS);
        if (cli.has("config")) {
            merged.putAll(readYaml(Path.of(cli.get("config"))));
        }
        for (Map.Entry<String, String> e : cli.toMap().entrySet()) {
            String key = switch (e.getKey()) {
                case "input" -> "input.paths";
                case "output" -> "output.findings";
                default -> e.getKey();
            };
            if (!key.equals("config")) {
                merged.put(key, e.getValue());
            }
        }
        return of(merged);
    }

    public static JobSettings of(Map<String, String> values) {
        Map<String, String> merged = new TreeMap<>(DEFAULTS);
        merged.putAll(values);
        for (String key : merged.keySet()) {
            if (!KNOWN.contains(key)) {
                throw new IllegalArgumentException(
                        "unknown setting '" + key + "'; known: " + String.join(", ", new TreeSet<>(KNOWN)));
            }
        }
        JobSettings s = new JobSettings(merged);
        s.validate();
        return s;
    }

    private void validate() {
        for (String key : WITHIN_OVERRIDES.values()) {
            if (get(key) != null) {
                duration(key);
            }
        }
        for (String key : List.of("time.idleness", "time.container-resolve-wait", "time.container-binding-ttl",
                "time.workload-profile-ttl", "time.audit-stage-window", "time.credential-coalesce-window",
                "checkpoint.interval")) {
            duration(key);
        }
        if (!unboundedOutOfOrderness()) {
            duration("time.out-of-orderness");
        }
        if (kafkaInput() && get("kafka.bootstrap-servers") == null) {
            throw new IllegalArgumentException("kafka.input-topics needs kafka.bootstrap-servers");
        }
        if (!kafkaInput() && inputPaths().isEmpty()) {
            throw new IllegalArgumentException("no input: give --input <dir or files> or Kafka settings");
        }
        if (get("kafka.findings-topic") != null && get("kafka.bootstrap-servers") == null) {
            throw new IllegalArgumentException("kafka.findings-topic needs kafka.bootstrap-servers");
        }
        if (get("output.findings") == null && get("kafka.findings-topic") == null) {
            // a job that computes findings and throws them away reads as "nothing found"
            throw new IllegalArgumentException(
                    "no findings output: give --output <file or stdout> or kafka.findings-topic");
        }
        if (get("kafka.bootstrap-servers") != null && !kafkaInput() && get("kafka.findings-topic") == null
                && get("kafka.dead-letter-topic") == null) {
            throw new IllegalArgumentException("kafka.bootstrap-servers is set but no Kafka topic is: give "
                    + "kafka.input-topics, kafka.findings-topic or kafka.dead-letter-topic");
        }
        integer("parallelism");
        integer("limits.max-record-chars");
        integer("limits.dead-letter-raw-chars");
    }

    private static Map<String, String> readYaml(Path file) {
        try {
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
            Map<String, String> flat = new TreeMap<>();
            if (root != null) {
                flatten("", root, flat);
            }
            return flat;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read job configuration " + file + ": " + e.getMessage(), e);
        }
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                flatten(prefix.isEmpty() ? f.getKey() : prefix + "." + f.getKey(), f.getValue(), out);
            }
        } else if (node.isArray()) {
            List<String> items = new ArrayList<>();
            node.forEach(n -> items.add(n.asText()));
            out.put(prefix, String.join(",", items));
        } else if (!node.isNull()) {
            out.put(prefix, node.asText());
        }
    }

    public String get(String key) {
        String v = values.get(key);
        return v == null || v.isBlank() ? null : v.trim();
    }

    public Duration duration(String key) {
        return Durations.parse(get(key));
    }

    public int integer(String key) {
        try {
            return Integer.parseInt(get(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + get(key) + "'");
        }
    }

    public List<String> list(String key) {
        String v = get(key);
        return v == null ? List.of() : Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    public List<String> inputPaths() {
        return list("input.paths");
    }

    public boolean kafkaInput() {
        return !list("kafka.input-topics").isEmpty();
    }

    /** {@code unbounded}: for replaying files, whose events are only ordered at the end of input. */
    public boolean unboundedOutOfOrderness() {
        return "unbounded".equalsIgnoreCase(get("time.out-of-orderness"));
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
