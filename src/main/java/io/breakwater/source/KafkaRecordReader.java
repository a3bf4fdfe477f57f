package io.breakwater.source;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One Kafka message value is one telemetry record. Never fails: an empty or oversized value becomes a record
 * that the normaliser sends to the dead letters, with its topic, partition and offset as origin.
 */
public class KafkaRecordReader implements KafkaRecordDeserializationSchema<RawRecord> {
    private static final long serialVersionUID = 1L;

    private final int maxRecordChars;

    public KafkaRecordReader(int maxRecordChars) {
        this.maxRecordChars = maxRecordChars;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawRecord> out) {
        byte[] value = record.value();
        String origin = record.topic() + "/" + record.partition() + "@" + record.offset();
        if (value == null) {
            out.collect(new RawRecord("", origin, 0));
            return;
        }
        // decode at most limit+1 characters' worth of bytes: enough to see it is oversized, never the whole value
        int keep = Math.min(value.length, (maxRecordChars + 1) * 4);
        String text = new String(value, 0, keep, StandardCharsets.UTF_8);
        long size = value.length > keep ? value.length : text.length();
        if (text.length() > maxRecordChars + 1) {
            text = text.substring(0, maxRecordChars + 1);
        }
        out.collect(new RawRecord(text, origin, size));
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }
}
