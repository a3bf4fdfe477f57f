package io.breakwater.correlate;

import io.breakwater.event.EventKind;
import io.breakwater.event.SecurityEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Tells every event of a workload what its deploys said: whether the pod is privileged or shares the host's PID
 * namespace, network or filesystem, its image, its owning workload. An exec is only "into a privileged pod" if
 * this stage says so.
 *
 * <p>Keyed by {@code <namespace>/<workload>}. Events are released in event-time order (buffered until the
 * watermark passes them, ties broken by {@link EventOrder}), so an exec that arrives before the deploy it follows
 * still sees it, and the result does not depend on arrival order.
 *
 * <p>The profile is cleared once the workload has not been deployed for {@code profileTtl} of event time.
 */
public class WorkloadContextEnricher extends KeyedProcessFunction<String, SecurityEvent, SecurityEvent> {
    private static final long serialVersionUID = 1L;
    private static final EventOrder ORDER = new EventOrder();

    private final long profileTtlMs;
    private transient MapState<Long, List<SecurityEvent>> pending;
    private transient ValueState<WorkloadProfile> profile;

    public WorkloadContextEnricher(Duration profileTtl) {
        this.profileTtlMs = profileTtl.toMillis();
    }

    @Override
    public void open(OpenContext ctx) {
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending-by-time", Types.LONG,
                Types.LIST(TypeInformation.of(SecurityEvent.class))));
        profile = getRuntimeContext().getState(
                new ValueStateDescriptor<>("workload-profile", TypeInformation.of(WorkloadProfile.class)));
    }

    @Override
    public void processElement(SecurityEvent event, Context ctx, Collector<SecurityEvent> out) throws Exception {
        List<SecurityEvent> atTime = pending.get(event.eventTime);
        if (atTime == null) {
            atTime = new ArrayList<>();
            ctx.timerService().registerEventTimeTimer(event.eventTime);
        }
        atTime.add(event);
        pending.put(event.eventTime, atTime);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SecurityEvent> out) throws Exception {
        List<SecurityEvent> due = pending.get(timestamp);
        WorkloadProfile known = profile.value();
        if (due != null) {
            pending.remove(timestamp);
            due.sort(ORDER);
            for (SecurityEvent e : due) {
                if (e.kind == EventKind.WORKLOAD_DEPLOY) {
                    if (known == null) {
                        known = new WorkloadProfile();
                    }
                    known.learn(e);
                    profile.update(known);
                    ctx.timerService().registerEventTimeTimer(known.lastDeployTime + profileTtlMs);
                }
                SecurityEvent enriched = e.copy();
                if (known != null) {
                    known.applyTo(enriched);
                }
                out.collect(enriched);
            }
        }
        if (known != null && known.lastDeployTime + profileTtlMs <= timestamp) {
            // not redeployed for the whole TTL: the workload is probably gone, and its profile with it
            profile.clear();
        }
    }
}
