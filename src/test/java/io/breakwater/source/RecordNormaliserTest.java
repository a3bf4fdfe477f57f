package io.breakwater.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.breakwater.ingest.DeadLetter;
import io.breakwater.ingest.TelemetryNormalizer;
import org.junit.jupiter.api.Test;

class RecordNormaliserTest {
    private final RecordNormaliser normaliser = new RecordNormaliser(new TelemetryNormalizer(100, 50));

    @Test
    void aCutRecordIsReportedWithTheSizeItReallyHadAndItsOrigin() {
        NormalisedRecord r = normaliser.normalise(
                new RawRecord("{\"kind\":\"Event\",\"x\":\"" + "a".repeat(90), "f.jsonl#7", 5_000_000));
        DeadLetter d = r.deadLetter;
        assertEquals("oversized", d.reason);
        assertEquals(5_000_000, d.rawBytes);
        assertTrue(d.detail.contains("5000000 characters"), d.detail);
        assertEquals("f.jsonl#7", d.origin);
        assertTrue(d.raw.length() <= 50, "raw copy capped");
        assertEquals(Long.MIN_VALUE, r.eventTime, "a dead letter never moves a watermark");
        assertEquals(0, r.events.length);
    }

    @Test
    void eventsCarryTheRecordsEventTime() {
        NormalisedRecord r = normaliser.normalise(RawRecord.of("{\"process_exec\":{\"process\":{\"binary\":\"/bin/ls\","
                + "\"exec_id\":\"x\"}},\"time\":\"2026-11-20T09:00:00.123Z\"}", "f.jsonl#1"));
        assertEquals("tetragon", r.format);
        assertEquals(1, r.events.length);
        assertEquals(r.events[0].eventTime, r.eventTime);
        assertEquals(java.time.Instant.parse("2026-11-20T09:00:00.123Z").toEpochMilli(), r.eventTime);
    }
}
