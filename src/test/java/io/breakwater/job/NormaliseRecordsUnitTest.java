package io.breakwater.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.breakwater.ingest.DeadLetter;
import io.breakwater.ingest.TelemetryNormalizer;
import io.breakwater.source.RawRecord;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class NormaliseRecordsUnitTest {

    @Test
    void aCutRecordIsReportedWithTheSizeItReallyHadAndItsOrigin() throws Exception {
        try (var harness = ProcessFunctionTestHarnesses.forProcessFunction(new NormaliseRecords(
                new TelemetryNormalizer(100, 50), "test", DetectionPipeline.DEAD_LETTERS))) {
            harness.processElement(new RawRecord("{\"kind\":\"Event\",\"x\":\"" + "a".repeat(90), "f.jsonl#7",
                    5_000_000), 0);
            harness.processElement(RawRecord.of("{not json", "f.jsonl#8"), 0);

            List<DeadLetter> dead = harness.getSideOutput(DetectionPipeline.DEAD_LETTERS).stream()
                    .map(StreamRecord::getValue).collect(Collectors.toList());
            assertEquals(2, dead.size());
            DeadLetter oversized = dead.get(0);
            assertEquals("oversized", oversized.reason);
            assertEquals(5_000_000, oversized.rawBytes);
            assertTrue(oversized.detail.contains("5000000 characters"), oversized.detail);
            assertEquals("f.jsonl#7", oversized.origin);
            assertTrue(oversized.raw.length() <= 50, "raw copy capped");
            assertEquals("malformed-json", dead.get(1).reason);
            assertTrue(harness.extractOutputValues().isEmpty());
        }
    }
}
