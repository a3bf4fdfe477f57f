package io.breakwater.job;

import io.breakwater.event.SecurityEvent;
import io.breakwater.ingest.DeadLetter;
import io.breakwater.ingest.ParseOutcome;
import io.breakwater.ingest.TelemetryNormalizer;
import io.breakwater.source.RawRecord;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Raw records in, normalised events out; everything that cannot be used goes to the dead-letter side output with
 * its reason, and is counted per format and per reason ({@code records}, {@code events}, {@code deadLetters}).
 */
public class NormaliseRecords extends ProcessFunction<RawRecord, SecurityEvent> {
    private static final long serialVersionUID = 1L;

    private final TelemetryNormalizer normalizer;
    private final String cluster;
    private final OutputTag<DeadLetter> deadLetters;
    private transient Map<String, Counter> counters;
    private transient MetricGroup metrics;

    public NormaliseRecords(TelemetryNormalizer normalizer, String cluster, OutputTag<DeadLetter> deadLetters) {
        this.normalizer = normalizer;
        this.cluster = cluster;
        this.deadLetters = deadLetters;
    }

    @Override
    public void open(OpenContext ctx) {
        counters = new HashMap<>();
        metrics = getRuntimeContext().getMetricGroup();
    }

    @Override
    public void processElement(RawRecord record, Context ctx, Collector<SecurityEvent> out) {
        count("records", "all");
        ParseOutcome outcome = normalizer.normalise(record.text, record.origin);
        if (outcome.isDeadLetter()) {
            DeadLetter d = outcome.deadLetter;
            if (record.truncated()) {
                // the reader kept only the start of the record: report the size it really had
                d.rawBytes = Math.max(d.rawBytes, record.size);
                d.detail = "record of " + record.size + " characters exceeds limits.max-record-chars";
            }
            count("deadLetters", d.reason);
            ctx.output(deadLetters, d);
            return;
        }
        count("records", outcome.format);
        for (SecurityEvent e : outcome.events) {
            if (e.cluster == null) {
                e.cluster = cluster;
            }
            count("events", e.kind.name());
            out.collect(e);
        }
    }

    private void count(String name, String label) {
        counters.computeIfAbsent(name + "/" + label, k -> metrics.addGroup("breakwater").addGroup(
                "label", label).counter(name)).inc();
    }
}
