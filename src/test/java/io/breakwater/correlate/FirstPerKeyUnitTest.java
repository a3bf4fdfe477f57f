package io.breakwater.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class FirstPerKeyUnitTest {

    @Test
    void passesTheFirstOfEachKeyAndForgetsTheKeyAfterItsMemory() throws Exception {
        try (var harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new FirstPerKey<String>(Duration.ofMinutes(10), "testDuplicates"), (String s) -> s.split("/")[0],
                Types.STRING)) {
            harness.processElement("a/1", 1_000);
            harness.processElement("a/2", 2_000);
            harness.processElement("b/1", 2_000);
            assertEquals(List.of("a/1", "b/1"), harness.extractOutputValues());

            harness.processWatermark(1_000 + Duration.ofMinutes(10).toMillis());
            assertEquals(1, harness.numKeyedStateEntries(), "key a forgotten, key b not yet");
            harness.processElement("a/3", 700_000);
            assertEquals(List.of("a/1", "b/1", "a/3"), harness.extractOutputValues());
        }
    }
}
