package io.breakwater.source;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.impl.StreamFormatAdapter;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.connector.file.src.util.RecordAndPosition;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * Reads telemetry files for Flink's FileSource: one record per JSON value (see {@link JsonRecordSplitter}), tagged
 * with its origin {@code <path>#<record number>} so a dead letter points at the record to fix, and normalised
 * here, as the Kafka source does, so the source knows its event time. (Flink's stream formats do not see the
 * file's path; this bulk format wraps one and does.)
 */
public class TelemetryFileFormat implements BulkFormat<NormalisedRecord, FileSourceSplit> {
    private static final long serialVersionUID = 1L;

    private final StreamFormatAdapter<RawRecord> records;
    private final RecordNormaliser normaliser;

    public TelemetryFileFormat(int maxRecordChars, RecordNormaliser normaliser) {
        this.records = new StreamFormatAdapter<>(new JsonRecords(maxRecordChars));
        this.normaliser = normaliser;
    }

    @Override
    public Reader<NormalisedRecord> createReader(Configuration config, FileSourceSplit split) throws IOException {
        return normalised(records.createReader(config, split), split);
    }

    @Override
    public Reader<NormalisedRecord> restoreReader(Configuration config, FileSourceSplit split) throws IOException {
        return normalised(records.restoreReader(config, split), split);
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<NormalisedRecord> getProducedType() {
        return TypeInformation.of(NormalisedRecord.class);
    }

    private Reader<NormalisedRecord> normalised(Reader<RawRecord> reader, FileSourceSplit split) {
        java.net.URI uri = split.path().toUri();
        String path = uri.getScheme() == null || "file".equals(uri.getScheme()) ? uri.getPath() : uri.toString();
        return new Reader<>() {
            @Override
            public RecordIterator<NormalisedRecord> readBatch() throws IOException {
                RecordIterator<RawRecord> batch = reader.readBatch();
                if (batch == null) {
                    return null;
                }
                return new RecordIterator<>() {
                    @Override
                    public RecordAndPosition<NormalisedRecord> next() {
                        RecordAndPosition<RawRecord> next = batch.next();
                        if (next == null) {
                            return null;
                        }
                        RawRecord raw = next.getRecord();
                        // the skip count is the number of records read from the split, this one included
                        raw.origin = path + "#" + next.getRecordSkipCount();
                        return new RecordAndPosition<>(normaliser.normalise(raw), next.getOffset(),
                                next.getRecordSkipCount());
                    }

                    @Override
                    public void releaseBatch() {
                        batch.releaseBatch();
                    }
                };
            }

            @Override
            public void close() throws IOException {
                reader.close();
            }
        };
    }

    /** The records of one file stream, in file order. */
    static final class JsonRecords extends SimpleStreamFormat<RawRecord> {
        private static final long serialVersionUID = 1L;
        private final int maxRecordChars;

        JsonRecords(int maxRecordChars) {
            this.maxRecordChars = maxRecordChars;
        }

        @Override
        public StreamFormat.Reader<RawRecord> createReader(Configuration config, FSDataInputStream stream) {
            BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
            JsonRecordSplitter splitter = new JsonRecordSplitter(reader, maxRecordChars);
            return new StreamFormat.Reader<>() {
                @Override
                public RawRecord read() throws IOException {
                    return splitter.next();
                }

                @Override
                public void close() throws IOException {
                    reader.close();
                }
            };
        }

        @Override
        public TypeInformation<RawRecord> getProducedType() {
            return TypeInformation.of(RawRecord.class);
        }
    }
}
