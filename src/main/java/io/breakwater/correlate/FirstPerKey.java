package io.breakwater.correlate;

import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Passes the first element of each key and drops (and counts) the rest: one event per audited request whatever
 * the number of stages logged, one stage-1 result per deploy, one finding per completing event and pattern.
 * CEP emits all matches completed by one event together and in a deterministic order, so "first" is the same
 * on every replay.
 *
 * <p>The marker is cleared {@code memory} of event time after the first element: by then the window in which a
 * duplicate can come (the request's later stages, the pattern's bound) has closed.
 */
public class FirstPerKey<T> extends KeyedProcessFunction<String, T, T> {
    private static final long serialVersionUID = 1L;

    private final long memoryMs;
    private final String metricName;
    private transient ValueState<Boolean> seen;
    private transient Counter suppressed;

    public FirstPerKey(Duration memory, String metricName) {
        this.memoryMs = memory.toMillis();
        this.metricName = metricName;
    }

    @Override
    public void open(OpenContext ctx) {
        seen = getRuntimeContext().getState(new ValueStateDescriptor<>("first-seen", Types.BOOLEAN));
        suppressed = getRuntimeContext().getMetricGroup().counter(metricName);
    }

    @Override
    public void processElement(T value, Context ctx, Collector<T> out) throws Exception {
        if (seen.value() != null) {
            suppressed.inc();
            return;
        }
        seen.update(true);
        Long ts = ctx.timestamp();
        if (ts != null) {
            ctx.timerService().registerEventTimeTimer(ts + memoryMs);
        }
        out.collect(value);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<T> out) {
        seen.clear();
    }
}
