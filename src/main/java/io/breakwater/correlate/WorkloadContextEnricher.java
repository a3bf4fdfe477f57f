package io.breakwater.correlate;

import io.breakwater.event.EventKind;
import io.breakwater.event.SecurityEvent;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.Collector;

/**
 * Tells every event of a workload what its deploys said: whether the pod is privileged or shares the host's PID
 * namespace, network or filesystem, its image, its owning workload. An exec is only "into a privileged pod" if
 * this stage says so.
 *
 * <p>Keyed by {@code <namespace>/<workload>}, in event-time order ({@link EventTimeOrderedFunction}), so an exec
 * that arrives before the deploy it follows still sees it, and the result does not depend on arrival order.
 *
 * <p>The profile is cleared once nothing has been heard of the workload for {@code profileTtl} of event time.
 */
public class WorkloadContextEnricher extends EventTimeOrderedFunction {
    private static final long serialVersionUID = 1L;

    private final long profileTtlMs;
    private transient ValueState<WorkloadProfile> profile;

    public WorkloadContextEnricher(Duration profileTtl) {
        this.profileTtlMs = profileTtl.toMillis();
    }

    @Override
    public void open(OpenContext ctx) throws Exception {
        super.open(ctx);
        profile = getRuntimeContext().getState(
                new ValueStateDescriptor<>("workload-profile", TypeInformation.of(WorkloadProfile.class)));
    }

    @Override
    protected void onOrderedEvent(SecurityEvent e, OnTimerContext ctx, Collector<SecurityEvent> out) throws Exception {
        WorkloadProfile known = profile.value();
        boolean teaches = e.kind == EventKind.WORKLOAD_DEPLOY && !"failure".equals(e.outcome);
        if (known != null || teaches || e.privileged) {
            if (known == null) {
                known = new WorkloadProfile();
            }
            if (teaches) {
                // a deploy that was refused (admission, RBAC) never ran: it says nothing about the pods
                known.learn(e);
            }
            known.observe(e);
            profile.update(known);
            ctx.timerService().registerEventTimeTimer(ExpiryTimers.minuteAfter(known.lastSeen + profileTtlMs));
        }
        SecurityEvent enriched = e.copy();
        if (known != null) {
            known.applyTo(enriched);
        }
        out.collect(enriched);
    }

    @Override
    protected void onTimerAfterRelease(long timestamp, OnTimerContext ctx) throws Exception {
        WorkloadProfile known = profile.value();
        if (known != null && known.lastSeen + profileTtlMs <= timestamp) {
            // nothing heard of the workload for the whole TTL: it is probably gone, and its profile with it
            profile.clear();
        }
    }
}
