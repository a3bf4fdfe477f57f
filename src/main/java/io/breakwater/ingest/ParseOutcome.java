package io.breakwater.ingest;

import io.breakwater.event.SecurityEvent;
import java.util.List;

/**
 * What normalising one raw record gave: events (possibly none, for a well-formed record of no interest),
 * or a dead letter. Exactly one of {@code events} and {@code deadLetter} is non-null.
 */
public final class ParseOutcome {
    public final List<SecurityEvent> events;
    public final DeadLetter deadLetter;
    /** The detected format, e.g. k8s_audit, falco, tetragon; null when none was recognised. */
    public final String format;

    private ParseOutcome(List<SecurityEvent> events, DeadLetter deadLetter, String format) {
        this.events = events;
        this.deadLetter = deadLetter;
        this.format = format;
    }

    public static ParseOutcome events(String format, List<SecurityEvent> events) {
        return new ParseOutcome(List.copyOf(events), null, format);
    }

    public static ParseOutcome deadLetter(String format, DeadLetter deadLetter) {
        return new ParseOutcome(null, deadLetter, format);
    }

    public boolean isDeadLetter() {
        return deadLetter != null;
    }
}
