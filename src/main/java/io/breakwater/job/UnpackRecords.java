package io.breakwater.job;

import io.breakwater.event.SecurityEvent;
import io.breakwater.ingest.DeadLetter;
import io.breakwater.source.NormalisedRecord;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Normalised records in, events out; every unusable record goes to the dead-letter side output with its reason.
 * Counts records per format, events per kind and dead letters per reason ({@code records}, {@code events},
 * {@code deadLetters}). Events keep the record's timestamp, which the source assigned from their event time.
 */
public class UnpackRecords extends ProcessFunction<NormalisedRecord, SecurityEvent> {
    private static final long serialVersionUID = 1L;

    private final String cluster;
    private final OutputTag<DeadLetter> deadLetters;
    private transient Map<String, Counter> counters;
    private transient MetricGroup metrics;

    public UnpackRecords(String cluster, OutputTag<DeadLetter> deadLetters) {
        this.cluster = cluster;
        this.deadLetters = deadLetters;
    }

    @Override
    public void open(OpenContext ctx) {
        counters = new HashMap<>();
        metrics = getRuntimeContext().getMetricGroup();
    }

    @Override
    public void processElement(NormalisedRecord record, Context ctx, Collector<SecurityEvent> out) {
        count("records", "all");
        if (record.isDeadLetter()) {
            count("deadLetters", record.deadLetter.reason);
            ctx.output(deadLetters, record.deadLetter);
            return;
        }
        count("records", record.format);
        for (SecurityEvent e : record.events) {
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
