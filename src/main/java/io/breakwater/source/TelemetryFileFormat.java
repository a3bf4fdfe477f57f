package io.breakwater.source;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/** Reads telemetry files for Flink's FileSource, one {@link RawRecord} per JSON value (see {@link JsonRecordSplitter}). */
public class TelemetryFileFormat extends SimpleStreamFormat<RawRecord> {
    private static final long serialVersionUID = 1L;

    private final int maxRecordChars;

    public TelemetryFileFormat(int maxRecordChars) {
        this.maxRecordChars = maxRecordChars;
    }

    @Override
    public StreamFormat.Reader<RawRecord> createReader(Configuration config, FSDataInputStream stream) {
        BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
        JsonRecordSplitter splitter = new JsonRecordSplitter(reader, maxRecordChars);
        return new StreamFormat.Reader<>() {
            @Override
            public RawRecord read() throws IOException {
                RawRecord r = splitter.next();
                if (r != null) {
                    r.origin = "file";
                }
                return r;
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
