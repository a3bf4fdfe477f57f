package io.breakwater.source;

import io.breakwater.event.SecurityEvent;
import io.breakwater.ingest.DeadLetter;
import io.breakwater.ingest.ParseOutcome;
import io.breakwater.ingest.TelemetryNormalizer;
import java.io.Serializable;

/** Normalises a raw record where it is read (Kafka deserializer, file reader). Never throws. */
public final class RecordNormaliser implements Serializable {
    private static final long serialVersionUID = 1L;

    private final TelemetryNormalizer normalizer;

    public RecordNormaliser(TelemetryNormalizer normalizer) {
        this.normalizer = normalizer;
    }

    public NormalisedRecord normalise(RawRecord record) {
        ParseOutcome outcome = normalizer.normalise(record.text, record.origin);
        NormalisedRecord out = new NormalisedRecord();
        out.format = outcome.format;
        out.eventTime = Long.MIN_VALUE;
        if (outcome.isDeadLetter()) {
            DeadLetter d = outcome.deadLetter;
            if (record.truncated()) {
                // the reader kept only the start of the record: report the size it really had
                d.rawBytes = Math.max(d.rawBytes, record.size);
                d.detail = "record of " + record.size + " characters exceeds limits.max-record-chars";
            }
            out.deadLetter = d;
            out.events = new SecurityEvent[0];
            return out;
        }
        out.events = outcome.events.toArray(new SecurityEvent[0]);
        for (SecurityEvent e : out.events) {
            out.eventTime = Math.max(out.eventTime, e.eventTime);
        }
        return out;
    }
}
