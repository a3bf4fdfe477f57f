package io.breakwater.correlate;

import io.breakwater.event.SecurityEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * A keyed function that sees its events in event-time order: each event waits in state until the watermark passes
 * it, then events of one timestamp are handed over sorted by {@link EventOrder}. Decisions that depend on what came
 * before (a profile, a "last emitted" time) then do not depend on arrival order, and replays decide the same.
 *
 * <p>Released events keep their timestamps and are emitted before the watermark that released them is forwarded,
 * so they are not late for the operators downstream. The buffer entry of a timestamp is removed when it fires.
 */
public abstract class EventTimeOrderedFunction extends KeyedProcessFunction<String, SecurityEvent, SecurityEvent> {
    private static final long serialVersionUID = 1L;
    private static final EventOrder ORDER = new EventOrder();

    private transient MapState<Long, List<SecurityEvent>> pending;

    @Override
    public void open(OpenContext ctx) throws Exception {
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending-by-time", Types.LONG,
                Types.LIST(TypeInformation.of(SecurityEvent.class))));
    }

    @Override
    public final void processElement(SecurityEvent event, Context ctx, Collector<SecurityEvent> out) throws Exception {
        List<SecurityEvent> atTime = pending.get(event.eventTime);
        if (atTime == null) {
            atTime = new ArrayList<>();
            ctx.timerService().registerEventTimeTimer(event.eventTime);
        }
        atTime.add(event);
        pending.put(event.eventTime, atTime);
    }

    @Override
    public final void onTimer(long timestamp, OnTimerContext ctx, Collector<SecurityEvent> out) throws Exception {
        List<SecurityEvent> due = pending.get(timestamp);
        if (due != null) {
            pending.remove(timestamp);
            due.sort(ORDER);
            for (SecurityEvent e : due) {
                onOrderedEvent(e, ctx, out);
            }
        }
        onTimerAfterRelease(timestamp, ctx);
    }

    /** One event, in event-time order. */
    protected abstract void onOrderedEvent(SecurityEvent event, OnTimerContext ctx, Collector<SecurityEvent> out)
            throws Exception;

    /** Called for every timer after the events due at it were handed over: the place to expire own state. */
    protected abstract void onTimerAfterRelease(long timestamp, OnTimerContext ctx) throws Exception;
}
