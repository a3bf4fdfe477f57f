package io.breakwater.source;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One Kafka message value is one telemetry record, normalised here so the source knows its event time and keeps
 * a watermark per partition. Never fails: an empty, oversized or unusable value becomes a dead letter with its
 * topic, partition and offset as origin.
 */
public class KafkaRecordReader implements KafkaRecordDeserializationSchema<NormalisedRecord> {
    private static final long serialVersionUID = 1L;

    private final int maxRecordChars;
    private final RecordNormaliser normaliser;

    public KafkaRecordReader(int maxRecordChars, RecordNormaliser normaliser) {
        this.maxRecordChars = maxRecordChars;
        this.normaliser = normaliser;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<NormalisedRecord> out) {
        out.collect(normaliser.normalise(raw(record)));
    }

    RawRecord raw(ConsumerRecord<byte[], byte[]> record) {
        byte[] value = record.value();
        String origin = record.topic() + "/" + record.partition() + "@" + record.offset();
        if (value == null) {
            return new RawRecord("", origin, 0);
        }
        // decode at most limit+1 characters' worth of bytes: enough to see it is oversized, never the whole value
        int keep = Math.min(value.length, (maxRecordChars + 1) * 4);
        String text = new String(value, 0, keep, StandardCharsets.UTF_8);
        long size = value.length > keep ? value.length : text.length();
        if (text.length() > maxRecordChars + 1) {
            text = text.substring(0, maxRecordChars + 1);
        }
        return new RawRecord(text, origin, size);
    }

    @Override
    public TypeInformation<NormalisedRecord> getProducedType() {
        return TypeInformation.of(NormalisedRecord.class);
    }
}
