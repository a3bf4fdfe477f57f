package io.breakwater.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.RecordAndPosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TelemetryFileFormatTest {

    @Test
    void readsUtf8RecordsWithFileOriginAndTheSizeLimit(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("events.jsonl");
        String big = "{\"p\":\"" + "y".repeat(100) + "\"}";
        Files.writeString(file, "\uFEFF{\"user\":\"Jürgen ✓\"}\n" + big + "\nnot json\n{\"z\":1}\n", StandardCharsets.UTF_8);

        TelemetryFileFormat format = new TelemetryFileFormat(30,
                new RecordNormaliser(new io.breakwater.ingest.TelemetryNormalizer(30, 4096)));
        List<NormalisedRecord> records = new ArrayList<>();
        FileSourceSplit split = new FileSourceSplit("0", new org.apache.flink.core.fs.Path(file.toUri()), 0,
                Files.size(file), 0, Files.size(file));
        try (BulkFormat.Reader<NormalisedRecord> reader = format.createReader(new Configuration(), split)) {
            for (BulkFormat.RecordIterator<NormalisedRecord> batch = reader.readBatch(); batch != null;
                    batch = reader.readBatch()) {
                for (RecordAndPosition<NormalisedRecord> r = batch.next(); r != null; r = batch.next()) {
                    records.add(r.getRecord());
                }
                batch.releaseBatch();
            }
        }

        assertEquals(4, records.size());
        for (int i = 0; i < records.size(); i++) {
            assertEquals(file.toUri().getPath() + "#" + (i + 1), records.get(i).deadLetter.origin,
                    "file and record number");
        }
        assertEquals("unknown-format", records.get(0).deadLetter.reason);
        assertEquals("{\"user\":\"Jürgen ✓\"}", records.get(0).deadLetter.raw, "UTF-8 read, BOM skipped");
        assertEquals("oversized", records.get(1).deadLetter.reason);
        assertEquals(big.length(), records.get(1).deadLetter.rawBytes);
        assertEquals("malformed-json", records.get(2).deadLetter.reason);
        assertEquals("not json", records.get(2).deadLetter.raw);
        assertEquals("unknown-format", records.get(3).deadLetter.reason);
        assertEquals(NormalisedRecord.class, format.getProducedType().getTypeClass());
    }
}
