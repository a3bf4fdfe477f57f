package io.breakwater.job;

import io.breakwater.finding.Finding;
import io.breakwater.finding.FindingJson;
import io.breakwater.ingest.DeadLetter;
import io.breakwater.sink.DeadLetterJson;
import io.breakwater.sink.JsonLinesSink;
import io.breakwater.source.KafkaRecordReader;
import io.breakwater.ingest.TelemetryNormalizer;
import io.breakwater.source.NormalisedRecord;
import io.breakwater.source.RecordNormaliser;
import io.breakwater.source.TelemetryFiles;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Breakwater's entry point: reads the settings, picks the sources and sinks they name, and runs
 * {@link DetectionPipeline} between them. Nothing here detects anything.
 *
 * <pre>
 *   mvn -q -B compile exec:exec                               # bundled scenario, findings on stdout
 *   flink run target/breakwater-job.jar --config jobs/kafka.yaml --kafka.bootstrap-servers broker:9092
 * </pre>
 */
public final class BreakwaterJob {
    private BreakwaterJob() {}

    public static void main(String[] args) throws Exception {
        JobSettings settings = JobSettings.fromArgs(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        wire(env, settings);
        env.execute(settings.get("name"));
    }

    /**
     * Configures {@code env} and builds the whole job graph on it, sources and sinks included: what {@link #main}
     * runs, and what the integration tests run on their mini cluster.
     */
    public static void wire(StreamExecutionEnvironment env, JobSettings settings) {
        Configuration conf = new Configuration();
        // every type on the wire is a POJO with its own serializer: fail loudly rather than fall back to Kryo
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        // no operator mutates or keeps a record it has emitted (enrichment works on copies), so chained operators
        // may hand records over without a defensive serializer copy
        conf.set(PipelineOptions.OBJECT_REUSE, true);
        env.configure(conf);
        env.setParallelism(settings.integer("parallelism"));
        if (settings.kafkaInput()) {
            env.enableCheckpointing(settings.duration("checkpoint.interval").toMillis());
        }
        DetectionPipeline.Outputs out = DetectionPipeline.build(source(env, settings), settings);
        FindingJson findingJson = new FindingJson();
        DeadLetterJson deadLetterJson = new DeadLetterJson();
        if (settings.get("output.findings") != null) {
            out.findings.sinkTo(new JsonLinesSink<>(settings.get("output.findings"), findingJson::toJson))
                    .name("findings-file").uid("findings-file").setParallelism(1);
        }
        if (settings.get("kafka.findings-topic") != null) {
            out.findings.sinkTo(kafkaSink(settings, settings.get("kafka.findings-topic"),
                    f -> f.findingId, findingJson::toJson, "findings")).name("findings-kafka").uid("findings-kafka");
        }
        if (settings.get("kafka.dead-letter-topic") != null) {
            out.deadLetters.sinkTo(kafkaSink(settings, settings.get("kafka.dead-letter-topic"),
                    d -> d.origin, deadLetterJson::toJson, "dead-letters"))
                    .name("dead-letters-kafka").uid("dead-letters-kafka");
        }
        String deadLetterFile = settings.get("output.dead-letters");
        if (deadLetterFile != null && !"none".equals(deadLetterFile)) {
            out.deadLetters.sinkTo(new JsonLinesSink<DeadLetter>(deadLetterFile, deadLetterJson::toJson))
                    .name("dead-letters-file").uid("dead-letters-file").setParallelism(1);
        }
    }

    private static DataStream<NormalisedRecord> source(StreamExecutionEnvironment env, JobSettings settings) {
        int maxChars = settings.integer("limits.max-record-chars");
        RecordNormaliser normaliser = new RecordNormaliser(new TelemetryNormalizer(maxChars,
                settings.integer("limits.dead-letter-raw-chars")));
        WatermarkStrategy<NormalisedRecord> watermarks = DetectionPipeline.watermarks(settings);
        if (settings.kafkaInput()) {
            KafkaSource<NormalisedRecord> kafka = KafkaSource.<NormalisedRecord>builder()
                    .setBootstrapServers(settings.get("kafka.bootstrap-servers"))
                    .setTopics(settings.list("kafka.input-topics"))
                    .setGroupId(settings.get("kafka.group-id"))
                    .setStartingOffsets(startingOffsets(settings.get("kafka.starting-offsets")))
                    .setDeserializer(new KafkaRecordReader(maxChars, normaliser))
                    .build();
            return env.fromSource(kafka, watermarks, "kafka-telemetry").uid("kafka-telemetry");
        }
        return env.fromSource(TelemetryFiles.source(settings.inputPaths(), maxChars, normaliser), watermarks,
                "file-telemetry").uid("file-telemetry");
    }

    /** Unique per job and cluster by default: two jobs sharing a broker must not fence each other's transactions. */
    private static String transactionalIdPrefix(JobSettings settings) {
        String prefix = settings.get("kafka.transactional-id-prefix");
        return prefix != null ? prefix : settings.get("name") + "-" + settings.get("cluster.name");
    }

    private static OffsetsInitializer startingOffsets(String mode) {
        return switch (mode) {
            case "earliest" -> OffsetsInitializer.earliest();
            case "latest" -> OffsetsInitializer.latest();
            case "committed" -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            default -> throw new IllegalArgumentException(
                    "kafka.starting-offsets must be earliest, latest or committed, got " + mode);
        };
    }

    private static <T> Sink<T> kafkaSink(JobSettings settings, String topic,
            org.apache.flink.util.function.SerializableFunction<T, String> key,
            org.apache.flink.util.function.SerializableFunction<T, String> value, String idSuffix) {
        boolean exactlyOnce = "exactly-once".equals(settings.get("kafka.delivery-guarantee"));
        Properties props = new Properties();
        // below the broker's default transaction.max.timeout.ms (15 min), or an exactly-once job restarts forever
        props.setProperty("transaction.timeout.ms", "600000");
        KafkaRecordSerializationSchema<T> schema = (element, context, timestamp) -> {
            String k = key.apply(element);
            return new ProducerRecord<>(topic, k == null ? null : k.getBytes(StandardCharsets.UTF_8),
                    value.apply(element).getBytes(StandardCharsets.UTF_8));
        };
        return KafkaSink.<T>builder()
                .setBootstrapServers(settings.get("kafka.bootstrap-servers"))
                .setKafkaProducerConfig(props)
                .setRecordSerializer(schema)
                .setDeliveryGuarantee(exactlyOnce ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE)
                .setTransactionalIdPrefix(transactionalIdPrefix(settings) + "-" + idSuffix)
                .build();
    }
}
