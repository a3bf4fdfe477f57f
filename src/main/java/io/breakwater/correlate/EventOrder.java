package io.breakwater.correlate;

import io.breakwater.event.EventKind;
import io.breakwater.event.SecurityEvent;
import java.util.Comparator;
import java.util.Objects;
import org.apache.flink.cep.EventComparator;

/**
 * Total order on events: event time, then the step's place in the chain, then source and raw reference.
 *
 * <p>CEP sorts the events of one timestamp with this, so two events of different sources in the same
 * millisecond give the same matches in either arrival order. Identity observations sort first: a fact
 * should be known before the event that needs it.
 */
public final class EventOrder implements EventComparator<SecurityEvent> {
    private static final long serialVersionUID = 1L;

    private static final Comparator<SecurityEvent> ORDER = Comparator
            .comparingLong((SecurityEvent e) -> e.eventTime)
            .thenComparingInt(e -> rank(e.kind))
            .thenComparing(e -> e.source == null ? "" : e.source.name())
            .thenComparing(e -> Objects.toString(e.rawRef, ""))
            .thenComparing(e -> Objects.toString(e.action, ""))
            // one record can yield several events of one kind (a pod-token use and a secret read)
            .thenComparing(e -> Objects.toString(e.credentialType, ""))
            .thenComparing(e -> Objects.toString(e.target, ""))
            .thenComparing(e -> Objects.toString(e.containerId, ""))
            .thenComparing(e -> e.cause == null ? "" : Objects.toString(e.cause.rawRef, ""))
            .thenComparing(e -> e.cause == null ? "" : Objects.toString(e.cause.action, ""))
            .thenComparing(e -> e.cause == null ? "" : Objects.toString(e.cause.target, ""));

    @Override
    public int compare(SecurityEvent a, SecurityEvent b) {
        return ORDER.compare(a, b);
    }

    private static int rank(EventKind kind) {
        if (kind == null || kind == EventKind.OBSERVATION) {
            return -1;
        }
        return kind.ordinal();
    }
}
