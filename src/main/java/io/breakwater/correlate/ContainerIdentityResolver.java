package io.breakwater.correlate;

import io.breakwater.event.SecurityEvent;
import io.breakwater.ingest.ContainerIds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Maps runtime events' container ids to their pod.
 *
 * <p>Keyed by the first 12 hex characters of the container id, which every source's form of the id shares
 * (Falco's 12, Tetragon's 31-character {@code docker} field, the full 64 of a pod status), so every sighting of
 * one container meets here whatever its source. Any event that carries both a container id and a pod teaches
 * the binding; an event with only an id takes its pod from what was learned. Two different full ids behind one
 * short prefix are ambiguous: the short-id event is then not merged with either.
 *
 * <p>The container-to-pod fact can arrive after the container's first events. Such events wait in state for a
 * bounded time ({@code resolveWait}, event time), then go on with an unknown pod rather than being dropped.
 * While events wait, this operator holds its output watermark just below the oldest of them, so a released
 * event is never late for the CEP operators downstream.
 *
 * <p>State is cleared when a container has been quiet for {@code bindingTtl} of event time: bindings of
 * containers that are gone are not kept forever.
 */
public class ContainerIdentityResolver extends AbstractStreamOperator<SecurityEvent>
        implements OneInputStreamOperator<SecurityEvent, SecurityEvent>, Triggerable<String, VoidNamespace> {
    private static final long serialVersionUID = 1L;

    private final long resolveWaitMs;
    private final long bindingTtlMs;

    private transient MapState<String, PodBinding> bindings;
    private transient ListState<SecurityEvent> waiting;
    private transient ValueState<Long> lastSeen;
    private transient InternalTimerService<VoidNamespace> timers;
    /** Event times of waiting events across all keys of this subtask (a multiset): what holds the watermark. */
    private transient TreeMap<Long, Integer> heldTimes;
    private transient long lastEmittedWatermark;
    private transient long inputWatermark;
    /** The input went idle while events were waiting: idleness is passed on once the last of them is released. */
    private transient boolean idlenessDeferred;
    private transient Counter resolvedLate;
    private transient Counter unresolved;
    private transient Counter ambiguous;

    public ContainerIdentityResolver(Duration resolveWait, Duration bindingTtl) {
        this.resolveWaitMs = resolveWait.toMillis();
        this.bindingTtlMs = bindingTtl.toMillis();
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        heldTimes = new TreeMap<>();
        lastEmittedWatermark = Long.MIN_VALUE;
        inputWatermark = Long.MIN_VALUE;
        ListStateDescriptor<SecurityEvent> waitingDescriptor =
                new ListStateDescriptor<>("waiting-for-pod", TypeInformation.of(SecurityEvent.class));
        if (context.isRestored()) {
            // the in-memory watermark hold is derived from keyed state, so rebuild it from the restored events
            getKeyedStateBackend().applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                    waitingDescriptor, (key, state) -> {
                        for (SecurityEvent e : state.get()) {
                            hold(e.eventTime);
                        }
                    });
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        bindings = getRuntimeContext().getMapState(new MapStateDescriptor<>("pod-by-container-id",
                Types.STRING, TypeInformation.of(PodBinding.class)));
        waiting = getRuntimeContext().getListState(
                new ListStateDescriptor<>("waiting-for-pod", TypeInformation.of(SecurityEvent.class)));
        lastSeen = getRuntimeContext().getState(new ValueStateDescriptor<>("last-seen", Types.LONG));
        timers = getInternalTimerService("container-identity", VoidNamespaceSerializer.INSTANCE, this);
        resolvedLate = getMetricGroup().counter("containerIdsResolvedAfterWait");
        unresolved = getMetricGroup().counter("containerIdsUnresolved");
        ambiguous = getMetricGroup().counter("containerIdsAmbiguous");
    }

    @Override
    public void processElement(StreamRecord<SecurityEvent> record) throws Exception {
        SecurityEvent event = record.getValue();
        touch(event.eventTime);
        if (event.pod != null) {
            learn(event);
            output.collect(record);
            releaseWaiting(Long.MIN_VALUE); // only what the new binding resolves: the others' wait is not over
            return;
        }
        Resolution r = resolve(event.containerId);
        if (r.binding != null) {
            output.collect(record.replace(r.binding.appliedTo(event)));
        } else if (r.ambiguous) {
            ambiguous.inc();
            output.collect(record);
        } else {
            waiting.add(event);
            hold(event.eventTime);
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, event.eventTime + resolveWaitMs);
        }
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        long now = timer.getTimestamp();
        releaseWaiting(now);
        Long seen = lastSeen.value();
        if (seen != null && seen + bindingTtlMs <= now && !waitingEvents().iterator().hasNext()) {
            // the container has been quiet for the whole TTL: forget it
            bindings.clear();
            lastSeen.clear();
        }
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {
        // only event-time timers are registered
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        inputWatermark = mark.getTimestamp();
        if (timeServiceManager != null) {
            timeServiceManager.advanceWatermark(mark);
        }
        emitHeldWatermark();
    }

    /** Forwards the input watermark, held just below the oldest waiting event. */
    private void emitHeldWatermark() {
        long held = heldTimes.isEmpty() ? inputWatermark : Math.min(inputWatermark, heldTimes.firstKey() - 1);
        if (held > lastEmittedWatermark) {
            lastEmittedWatermark = held;
            output.emitWatermark(new Watermark(held));
        }
    }

    /**
     * An idle input must not make this operator idle while events wait: downstream, an all-idle valve takes the
     * highest watermark of its inputs, which would jump past the held one and make the waiting events late.
     */
    @Override
    public void processWatermarkStatus(WatermarkStatus status) throws Exception {
        if (status.isIdle() && !heldTimes.isEmpty()) {
            idlenessDeferred = true;
            return;
        }
        idlenessDeferred = false;
        super.processWatermarkStatus(status);
    }

    private void learn(SecurityEvent event) throws Exception {
        PodBinding seen = PodBinding.of(event);
        PodBinding known = bindings.get(event.containerId);
        bindings.put(event.containerId, known != null && known.samePod(seen) ? known.mergedWith(seen) : seen);
    }

    /**
     * Releases the waiting events of this key that the bindings learned so far resolve (or show to be ambiguous),
     * and, once event time has reached the end of their wait, the rest with an unknown pod rather than dropping
     * them.
     */
    private void releaseWaiting(long eventTimeNow) throws Exception {
        List<SecurityEvent> stillWaiting = new ArrayList<>();
        boolean released = false;
        for (SecurityEvent e : waitingEvents()) {
            Resolution r = resolve(e.containerId);
            if (r.binding != null) {
                resolvedLate.inc();
                emitReleased(r.binding.appliedTo(e));
            } else if (r.ambiguous) {
                ambiguous.inc();
                emitReleased(e);
            } else if (e.eventTime + resolveWaitMs <= eventTimeNow) {
                unresolved.inc();
                emitReleased(e);
            } else {
                stillWaiting.add(e);
                continue;
            }
            released = true;
        }
        if (released) {
            waiting.update(stillWaiting);
        }
    }

    private Iterable<SecurityEvent> waitingEvents() throws Exception {
        Iterable<SecurityEvent> current = waiting.get();
        return current == null ? List.of() : current;
    }

    private Resolution resolve(String containerId) throws Exception {
        PodBinding found = null;
        String foundFullId = null;
        for (Map.Entry<String, PodBinding> known : bindings.entries()) {
            String id = known.getKey();
            if (!ContainerIds.sameContainer(containerId, id)) {
                continue;
            }
            boolean fullId = id.length() >= 64;
            if (found != null && (!found.samePod(known.getValue())
                    || (fullId && foundFullId != null && !foundFullId.equals(id)))) {
                return Resolution.AMBIGUOUS;
            }
            if (found == null) {
                found = known.getValue();
            }
            if (fullId) {
                foundFullId = id;
            }
        }
        return found == null ? Resolution.UNKNOWN : new Resolution(found, false);
    }

    private void emitReleased(SecurityEvent e) {
        output.collect(new StreamRecord<>(e, e.eventTime));
        unhold(e.eventTime);
    }

    private void touch(long eventTime) throws Exception {
        Long seen = lastSeen.value();
        if (seen == null || eventTime > seen) {
            lastSeen.update(eventTime);
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, ExpiryTimers.minuteAfter(eventTime + bindingTtlMs));
        }
    }

    private void hold(long t) {
        heldTimes.merge(t, 1, Integer::sum);
    }

    private void unhold(long t) {
        heldTimes.computeIfPresent(t, (k, n) -> n == 1 ? null : n - 1);
        if (idlenessDeferred && heldTimes.isEmpty()) {
            // no watermark will come while the input is idle: pass on the one that was held, then the idleness
            emitHeldWatermark();
            idlenessDeferred = false;
            output.emitWatermarkStatus(WatermarkStatus.IDLE);
        }
    }

    private static final class Resolution {
        static final Resolution UNKNOWN = new Resolution(null, false);
        static final Resolution AMBIGUOUS = new Resolution(null, true);
        final PodBinding binding;
        final boolean ambiguous;

        Resolution(PodBinding binding, boolean ambiguous) {
            this.binding = binding;
            this.ambiguous = ambiguous;
        }
    }
}
