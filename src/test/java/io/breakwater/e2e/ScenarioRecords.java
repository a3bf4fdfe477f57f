package io.breakwater.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/** The bundled scenario as raw Kafka message values, plus the records the end-to-end test adds. */
final class ScenarioRecords {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One raw record: its compact JSON, where it came from, its event time when one could be read (else null). */
    record Raw(String json, String origin, Long eventTimeMs) {}

    private ScenarioRecords() {}

    /**
     * Every JSON record of every file in the folder (JSONL or pretty-printed objects, one after another), in
     * file-name order, re-serialised compactly: one Kafka message value each.
     */
    static List<Raw> load(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().matches("(?i).*\\.(md|txt)$"))
                    .sorted()
                    .toList();
        }
        List<Raw> out = new ArrayList<>();
        for (Path f : files) {
            int n = 0;
            try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8);
                    MappingIterator<JsonNode> it = JSON.readerFor(JsonNode.class).readValues(r)) {
                while (it.hasNextValue()) {
                    JsonNode node = it.nextValue();
                    n++;
                    out.add(new Raw(JSON.writeValueAsString(node), f.getFileName() + "#" + n, eventTime(node)));
                }
            }
        }
        return out;
    }

    /**
     * The records in event-time order, as a collector merging several sensor feeds would ship them; the order of
     * records with equal or unreadable times is kept (a record without a time keeps its predecessor's).
     */
    static List<Raw> inEventTimeOrder(List<Raw> records) {
        List<Raw> filled = new ArrayList<>();
        long last = Long.MIN_VALUE;
        for (Raw r : records) {
            if (r.eventTimeMs() != null) {
                last = r.eventTimeMs();
            }
            filled.add(new Raw(r.json(), r.origin(), r.eventTimeMs() != null ? r.eventTimeMs() : last));
        }
        List<Raw> sorted = new ArrayList<>(filled);
        sorted.sort(Comparator.comparingLong(Raw::eventTimeMs)); // stable
        return sorted;
    }

    /** Best-effort event time of a Kubernetes audit, Falco or Tetragon record, epoch ms; null when none found. */
    static Long eventTime(JsonNode n) {
        for (String f : List.of("time", "stageTimestamp", "requestReceivedTimestamp", "timestamp", "@timestamp")) {
            Long t = toMillis(n.get(f));
            if (t != null) {
                return t;
            }
        }
        Long t = toMillis(n.path("output_fields").get("evt.time"));
        if (t != null) {
            return t;
        }
        // Tetragon without "time": the top-level key names the event type
        Iterator<JsonNode> values = n.elements();
        while (values.hasNext()) {
            JsonNode v = values.next();
            if (v.isObject() && v.path("process").isObject()) {
                t = toMillis(v.path("process").get("start_time"));
                if (t != null) {
                    return t;
                }
            }
        }
        return null;
    }

    private static Long toMillis(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return null;
        }
        if (v.isNumber() || (v.isTextual() && v.asText().matches("\\d{9,}"))) {
            long x = v.asLong();
            if (x > 100_000_000_000_000_000L / 10) { // ns
                return x / 1_000_000;
            }
            if (x > 100_000_000_000_000L) { // µs
                return x / 1_000;
            }
            if (x > 100_000_000_000L) { // ms
                return x;
            }
            return x * 1000;
        }
        if (v.isTextual()) {
            try {
                return OffsetDateTime.parse(v.asText()).toInstant().toEpochMilli();
            } catch (DateTimeParseException e) {
                try {
                    return Instant.parse(v.asText()).toEpochMilli();
                } catch (DateTimeParseException e2) {
                    return null;
                }
            }
        }
        return null;
    }

    /**
     * A benign Tetragon process_exec of /bin/ls in a pod of its own, at the given time: it only moves the
     * watermark on.
     */
    static String trailingTetragonExec(long timeMs, int i) {
        String iso = Instant.ofEpochMilli(timeMs).toString();
        String cid = String.format("%064x", 0xe2e0000L + i).replace(' ', '0');
        ObjectNode root = JSON.createObjectNode();
        ObjectNode exec = root.putObject("process_exec");
        ObjectNode process = exec.putObject("process");
        process.put("exec_id", "ZTJlLXdhdGVybWFyay0" + i);
        process.put("pid", 4200 + i);
        process.put("uid", 1000);
        process.put("cwd", "/");
        process.put("binary", "/bin/ls");
        process.put("arguments", "-l /tmp");
        process.put("flags", "execve clone");
        process.put("start_time", iso);
        process.put("auid", 4294967295L);
        ObjectNode pod = process.putObject("pod");
        pod.put("namespace", "e2e-watermark");
        pod.put("name", "watermark-ticker-" + i);
        ObjectNode container = pod.putObject("container");
        container.put("id", "containerd://" + cid);
        container.put("name", "ticker");
        ObjectNode image = container.putObject("image");
        image.put("id", "docker.io/library/busybox@sha256:" + "0".repeat(64));
        image.put("name", "docker.io/library/busybox:1.36");
        container.put("start_time", iso);
        container.put("pid", 7);
        pod.putObject("pod_labels").put("app", "watermark-ticker");
        process.put("docker", cid.substring(0, 31));
        process.put("parent_exec_id", "ZTJlLXdhdGVybWFyay1wYXJlbnQ" + i);
        process.put("refcnt", 1);
        ObjectNode parent = exec.putObject("parent");
        parent.put("exec_id", "ZTJlLXdhdGVybWFyay1wYXJlbnQ" + i);
        parent.put("pid", 7);
        parent.put("uid", 1000);
        parent.put("cwd", "/");
        parent.put("binary", "/bin/sh");
        parent.put("arguments", "-c 'while true; do ls -l /tmp; sleep 60; done'");
        parent.put("flags", "execve");
        parent.put("start_time", iso);
        root.put("node_name", "e2e-node");
        root.put("time", iso);
        try {
            return JSON.writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
