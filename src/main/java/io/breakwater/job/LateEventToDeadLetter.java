package io.breakwater.job;

import io.breakwater.event.SecurityEvent;
import io.breakwater.ingest.DeadLetter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;

/**
 * An event that reached a pattern after the watermark had passed it: CEP would drop it silently, so it becomes a
 * dead letter naming the pattern, and is counted ({@code lateEvents}). Raise {@code time.out-of-orderness} when
 * this counter grows.
 */
public class LateEventToDeadLetter extends RichMapFunction<SecurityEvent, DeadLetter> {
    private static final long serialVersionUID = 1L;

    private final String stage;
    private transient Counter late;

    public LateEventToDeadLetter(String stage) {
        this.stage = stage;
    }

    @Override
    public void open(OpenContext ctx) {
        late = getRuntimeContext().getMetricGroup().addGroup("breakwater").counter("lateEvents");
    }

    @Override
    public DeadLetter map(SecurityEvent e) {
        late.inc();
        // the event holds no secret values (parsers copy names, not payloads), so its summary is safe to keep
        return new DeadLetter("late", "event time " + e.eventTime + " behind the watermark at " + stage,
                e.rawRef, 0, e.toString(), System.currentTimeMillis());
    }
}
