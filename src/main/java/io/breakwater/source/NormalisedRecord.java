package io.breakwater.source;

import io.breakwater.event.SecurityEvent;
import io.breakwater.ingest.DeadLetter;
import java.util.Arrays;
import java.util.Objects;

/**
 * One raw record after normalisation, as the source emits it: its events (possibly none), or its dead letter.
 * Normalising inside the source lets the source know each record's event time, so watermarks are generated per
 * Kafka partition, where the disorder actually is. A Flink POJO.
 */
public class NormalisedRecord {
    public SecurityEvent[] events;
    public DeadLetter deadLetter;
    /** k8s_audit, falco or tetragon; null when no format was recognised. */
    public String format;
    /** The events' time (one record is one moment); {@link Long#MIN_VALUE} for a dead letter or no events. */
    public long eventTime;

    public NormalisedRecord() {}

    public boolean isDeadLetter() {
        return deadLetter != null;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof NormalisedRecord)) {
            return false;
        }
        NormalisedRecord r = (NormalisedRecord) o;
        return eventTime == r.eventTime && Arrays.equals(events, r.events) && Objects.equals(deadLetter, r.deadLetter)
                && Objects.equals(format, r.format);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventTime, format, deadLetter);
    }
}
