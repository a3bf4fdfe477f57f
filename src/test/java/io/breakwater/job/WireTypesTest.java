package io.breakwater.job;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.breakwater.correlate.PodBinding;
import io.breakwater.correlate.WorkloadProfile;
import io.breakwater.event.Evidence;
import io.breakwater.event.SecurityEvent;
import io.breakwater.finding.Finding;
import io.breakwater.ingest.DeadLetter;
import io.breakwater.source.NormalisedRecord;
import io.breakwater.source.RawRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every type on the wire or in keyed state is a Flink POJO: the job runs with generic types disabled, and a type
 * that falls back to Kryo would fail it at start (and cost most of the throughput if it did not).
 */
class WireTypesTest {

    @ParameterizedTest
    @ValueSource(classes = {RawRecord.class, NormalisedRecord.class, SecurityEvent.class, Evidence.class, Finding.class, DeadLetter.class,
            PodBinding.class, WorkloadProfile.class})
    void isAFlinkPojo(Class<?> type) {
        assertInstanceOf(PojoTypeInfo.class, TypeInformation.of(type), type + " would fall back to Kryo");
    }
}
