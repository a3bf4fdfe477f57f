package io.breakwater.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.breakwater.ingest.TelemetryNormalizer;
import io.breakwater.source.NormalisedRecord;
import io.breakwater.source.RawRecord;
import io.breakwater.source.RecordNormaliser;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class UnpackRecordsUnitTest {

    @Test
    void eventsGoOnWithTheClusterAndDeadLettersToTheSideOutput() throws Exception {
        RecordNormaliser normaliser = new RecordNormaliser(new TelemetryNormalizer());
        NormalisedRecord good = normaliser.normalise(RawRecord.of("{\"process_exec\":{\"process\":{\"binary\":"
                + "\"/bin/ls\",\"exec_id\":\"x\"}},\"time\":\"2026-11-20T09:00:00Z\"}", "f#1"));
        NormalisedRecord bad = normaliser.normalise(RawRecord.of("{not json", "f#2"));
        try (var harness = ProcessFunctionTestHarnesses.forProcessFunction(
                new UnpackRecords("prod-eu", DetectionPipeline.DEAD_LETTERS))) {
            harness.processElement(good, good.eventTime);
            harness.processElement(bad, Long.MIN_VALUE);
            assertEquals(List.of("prod-eu"), harness.extractOutputValues().stream().map(e -> e.cluster).toList());
            assertEquals(List.of("malformed-json"), harness.getSideOutput(DetectionPipeline.DEAD_LETTERS).stream()
                    .map(StreamRecord::getValue).map(d -> d.reason).toList());
        }
    }
}
