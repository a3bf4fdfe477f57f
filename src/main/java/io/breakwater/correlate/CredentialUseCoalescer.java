package io.breakwater.correlate;

import io.breakwater.event.SecurityEvent;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

/**
 * Lets one credential use per principal and kind of credential through per {@code window} of event time.
 *
 * <p>Every request made with a pod's bound service-account token is a credential use, and in-cluster clients make
 * many a second. Each one that reached the CEP stages would open a partial match for the whole window, and every
 * later event of that principal is tried against all of them: CPU and state grow with the square of the request
 * rate. One use per window keeps the partial matches per principal at most {@code within / window}. The patterns
 * fed by this stage widen their bound by {@code window}, so a deploy that follows a suppressed use still matches.
 *
 * <p>Keyed by {@code principal|credentialType|credentialPod}, in event-time order, so which use is kept does not
 * depend on arrival order. The last-kept time is cleared one window after it was set.
 */
public class CredentialUseCoalescer extends EventTimeOrderedFunction {
    private static final long serialVersionUID = 1L;

    private final long windowMs;
    private transient ValueState<Long> lastKept;
    private transient Counter coalesced;

    public CredentialUseCoalescer(Duration window) {
        this.windowMs = window.toMillis();
    }

    public static String keyOf(SecurityEvent e) {
        return e.principal + "|" + e.credentialType + "|" + e.credentialPod;
    }

    @Override
    public void open(OpenContext ctx) throws Exception {
        super.open(ctx);
        lastKept = getRuntimeContext().getState(new ValueStateDescriptor<>("last-kept", Types.LONG));
        coalesced = getRuntimeContext().getMetricGroup().addGroup("breakwater").counter("credentialUsesCoalesced");
    }

    @Override
    protected void onOrderedEvent(SecurityEvent e, OnTimerContext ctx, Collector<SecurityEvent> out) throws Exception {
        Long kept = lastKept.value();
        if (kept != null && e.eventTime - kept < windowMs) {
            coalesced.inc();
            return;
        }
        lastKept.update(e.eventTime);
        ctx.timerService().registerEventTimeTimer(e.eventTime + windowMs);
        out.collect(e);
    }

    @Override
    protected void onTimerAfterRelease(long timestamp, OnTimerContext ctx) throws Exception {
        Long kept = lastKept.value();
        if (kept != null && kept + windowMs <= timestamp) {
            lastKept.clear();
        }
    }
}
