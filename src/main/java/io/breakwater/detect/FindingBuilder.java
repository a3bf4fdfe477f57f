package io.breakwater.detect;

import io.breakwater.event.Evidence;
import io.breakwater.event.SecurityEvent;
import io.breakwater.finding.Finding;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.util.Collector;

/** Turns a CEP match into a finding described by its pattern file. */
public class FindingBuilder extends PatternProcessFunction<SecurityEvent, Finding> {
    private static final long serialVersionUID = 1L;

    private final DetectionPattern pattern;
    private final List<String> stepNames;
    private final String cluster;

    /** @param stepNames the pattern's step names in chain order */
    public FindingBuilder(DetectionPattern pattern, List<String> stepNames, String cluster) {
        this.pattern = pattern;
        this.stepNames = List.copyOf(stepNames);
        this.cluster = cluster;
    }

    @Override
    public void processMatch(Map<String, List<SecurityEvent>> match, Context ctx, Collector<Finding> out) {
        List<SecurityEvent> events = new ArrayList<>();
        for (String step : stepNames) {
            events.addAll(match.getOrDefault(step, List.of()));
        }
        out.collect(build(events, ctx.currentProcessingTime()));
    }

    Finding build(List<SecurityEvent> events, long detectionTime) {
        List<Evidence> evidence = new ArrayList<>();
        for (SecurityEvent e : events) {
            if (e.cause != null) {
                evidence.add(e.cause);
            }
            evidence.add(Evidence.of(e));
        }
        Finding f = new Finding();
        f.patternId = pattern.id;
        f.patternVersion = pattern.version;
        f.title = pattern.title;
        f.description = pattern.description;
        f.severity = pattern.severity;
        f.techniques = pattern.techniques();
        f.response = pattern.response.toArray(new String[0]);
        f.evidence = evidence.toArray(new Evidence[0]);
        f.firstEventTime = evidence.get(0).time;
        f.lastEventTime = evidence.get(evidence.size() - 1).time;
        f.detectionTime = detectionTime;
        f.cluster = cluster;
        describeEntity(f, events);
        f.findingId = idOf(pattern, evidence);
        return f;
    }

    /**
     * The entity is the workload the chain ran in: where-fields from the latest step that knows them (runtime
     * steps know the container), the principal from the earliest step that names one (who used the credential).
     */
    private static void describeEntity(Finding f, List<SecurityEvent> events) {
        for (int i = events.size() - 1; i >= 0; i--) {
            SecurityEvent e = events.get(i);
            f.namespace = first(f.namespace, e.namespace);
            f.pod = first(f.pod, e.pod);
            f.container = first(f.container, e.container);
            f.containerId = first(f.containerId, e.containerId);
            f.image = first(f.image, e.image);
            f.node = first(f.node, e.node);
            if (e.workloadName != null && f.workload == null) {
                f.workload = e.workloadKind == null ? e.workloadName : e.workloadKind + "/" + e.workloadName;
            }
        }
        for (SecurityEvent e : events) {
            String who = e.cause != null && e.cause.principal != null ? e.cause.principal : e.principal;
            f.principal = first(f.principal, who);
        }
    }

    private static String first(String current, String candidate) {
        return current != null ? current : candidate;
    }

    /** Same pattern version and same evidence give the same id, so a replay overwrites rather than duplicates. */
    static String idOf(DetectionPattern pattern, List<Evidence> evidence) {
        StringBuilder sb = new StringBuilder(pattern.id).append('|').append(pattern.version);
        for (Evidence e : evidence) {
            sb.append('|').append(e.kind).append('@').append(e.time).append('#').append(e.rawRef);
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
            String hex = HexFormat.of().formatHex(h, 0, 16);
            return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                    + hex.substring(16, 20) + "-" + hex.substring(20, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
