package io.breakwater.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.local.LocalDataInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TelemetryFileFormatTest {

    @Test
    void readsUtf8RecordsWithFileOriginAndTheSizeLimit(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("events.jsonl");
        String big = "{\"p\":\"" + "y".repeat(100) + "\"}";
        Files.writeString(file, "\uFEFF{\"user\":\"Jürgen ✓\"}\n" + big + "\nnot json\n{\"z\":1}\n", StandardCharsets.UTF_8);

        TelemetryFileFormat format = new TelemetryFileFormat(30);
        List<RawRecord> records = new ArrayList<>();
        StreamFormat.Reader<RawRecord> reader =
                format.createReader(new Configuration(), new LocalDataInputStream(file.toFile()));
        try {
            for (RawRecord r = reader.read(); r != null; r = reader.read()) {
                records.add(r);
            }
            assertNull(reader.read());
        } finally {
            reader.close();
        }

        assertEquals(4, records.size());
        assertTrue(records.stream().allMatch(r -> "file".equals(r.origin)));
        assertEquals("{\"user\":\"Jürgen ✓\"}", records.get(0).text);
        assertEquals(31, records.get(1).text.length());
        assertEquals(big.length(), records.get(1).size);
        assertEquals("not json", records.get(2).text);
        assertEquals("{\"z\":1}", records.get(3).text);
        assertEquals(RawRecord.class, format.getProducedType().getTypeClass());
    }
}
