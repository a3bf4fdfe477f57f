package io.breakwater.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonRecordSplitterTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void jsonLinesGiveOneRecordPerLine() throws IOException {
        List<RawRecord> records = split("{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n", 1000);
        assertEquals(List.of("{\"a\":1}", "{\"b\":2}", "{\"c\":3}"), texts(records));
        assertEquals(7, records.get(0).size);
        assertNull(records.get(0).origin);
    }

    @Test
    void crlfJsonLinesAndMissingFinalNewline() throws IOException {
        assertEquals(List.of("{\"a\":1}", "{\"b\":2}"), texts(split("{\"a\":1}\r\n{\"b\":2}", 1000)));
    }

    @Test
    void onePrettyPrintedObjectIsOneRecord() throws IOException {
        String pretty = "{\n  \"kind\": \"Event\",\n  \"objectRef\": {\n    \"resource\": \"pods\"\n  },\n"
                + "  \"items\": [\n    {\"x\": 1}\n  ]\n}\n";
        List<RawRecord> records = split(pretty, 1000);
        assertEquals(1, records.size());
        assertEquals(pretty.strip(), records.get(0).text);
        assertEquals("pods", MAPPER.readTree(records.get(0).text).path("objectRef").path("resource").asText());
    }

    @Test
    void objectsBackToBackOnOneLine() throws IOException {
        assertEquals(List.of("{\"a\":1}", "{\"b\":{\"c\":2}}", "{\"d\":3}"),
                texts(split("{\"a\":1}{\"b\":{\"c\":2}}  {\"d\":3}\n", 1000)));
    }

    @Test
    void aJsonArrayIsOneRecord() throws IOException {
        assertEquals(List.of("[{\"a\":1},{\"b\":[2,3]}]", "{\"c\":4}"),
                texts(split("[{\"a\":1},{\"b\":[2,3]}]\n{\"c\":4}\n", 1000)));
        String prettyArray = "[\n  {\"a\": 1},\n  {\"b\": 2}\n]";
        assertEquals(List.of(prettyArray), texts(split(prettyArray + "\n", 1000)));
    }

    @Test
    void bracesAndEscapedQuotesInsideStringsDoNotEndTheRecord() throws IOException {
        String tricky = "{\"cmd\":\"a\\\"}{\",\"n\":\"[[\",\"back\":\"x\\\\\",\"end\":\"}\"}";
        List<RawRecord> records = split(tricky + "\n{\"next\":true}\n", 1000);
        assertEquals(List.of(tricky, "{\"next\":true}"), texts(records));
        JsonNode parsed = MAPPER.readTree(records.get(0).text);
        assertEquals("a\"}{", parsed.path("cmd").asText());
        assertEquals("x\\", parsed.path("back").asText());
    }

    @Test
    void blankLinesAndAUtf8BomAreSkipped() throws IOException {
        List<RawRecord> records = split("\uFEFF{\"a\":1}\n\n   \n\t\n{\"b\":2}\n\n", 1000);
        assertEquals(List.of("{\"a\":1}", "{\"b\":2}"), texts(records));
    }

    @Test
    void emptyInputHasNoRecords() throws IOException {
        assertEquals(List.of(), split("", 10));
        assertEquals(List.of(), split("\uFEFF\n \n", 10));
    }

    @Test
    void aNonJsonLineIsItsOwnRecord() throws IOException {
        List<RawRecord> records = split("{\"a\":1}\nnot json at all  \r\n{\"b\":2}\n", 1000);
        assertEquals(List.of("{\"a\":1}", "not json at all", "{\"b\":2}"), texts(records));
    }

    @Test
    void anUnterminatedObjectDoesNotSwallowTheFollowingRecords() throws IOException {
        List<RawRecord> records = split("{not json\n{\"a\":1}\n{\"b\":2}\n", 1000);
        assertEquals(3, records.size(), texts(records).toString());
        assertEquals("{not json", records.get(0).text.strip());
        assertEquals("{\"a\":1}", records.get(1).text);
        assertEquals("{\"b\":2}", records.get(2).text);
    }

    @Test
    void anObjectCutOffInsideAStringDoesNotSwallowTheFollowingPrettyPrintedRecords() throws IOException {
        String pretty = "{\n  \"a\": {\n    \"b\": 1\n  }\n}";
        List<RawRecord> records = split("{\"cut\": \"off\n" + pretty + "\n" + pretty + "\n", 1000);
        assertEquals(3, records.size(), texts(records).toString());
        assertEquals(pretty, records.get(1).text);
        assertEquals(pretty, records.get(2).text);
    }

    @Test
    void anUnterminatedObjectAtTheEndIsReturned() throws IOException {
        List<RawRecord> records = split("{\"a\":1}\n{\"b\":[1,2", 1000);
        assertEquals(List.of("{\"a\":1}", "{\"b\":[1,2"), texts(records));
    }

    @Test
    void anOversizedRecordKeepsMaxCharsPlusOneAndReportsItsFullSize() throws IOException {
        String big = "{\"payload\":\"" + "x".repeat(500) + "\"}";
        List<RawRecord> records = split("{\"a\":1}\n" + big + "\n{\"b\":2}\n{\"c\":3}\n", 20);
        assertEquals(4, records.size());
        RawRecord cut = records.get(1);
        assertEquals(21, cut.text.length());
        assertEquals(big.substring(0, 21), cut.text);
        assertEquals(big.length(), cut.size);
        assertTrue(cut.truncated());
        assertEquals(List.of("{\"a\":1}", "{\"b\":2}", "{\"c\":3}"),
                List.of(records.get(0).text, records.get(2).text, records.get(3).text));
        assertFalse(records.get(2).truncated());
    }

    @Test
    void anOversizedNonJsonLineIsCutAndTheNextRecordIsIntact() throws IOException {
        String line = "garbage ".repeat(40).strip();
        List<RawRecord> records = split(line + "\n{\"b\":2}\n", 10);
        assertEquals(2, records.size());
        assertEquals(line.substring(0, 11), records.get(0).text);
        assertEquals(line.length(), records.get(0).size);
        assertEquals("{\"b\":2}", records.get(1).text);
    }

    @Test
    void aRecordOfExactlyMaxCharsIsNotTruncated() throws IOException {
        RawRecord r = split("{\"a\":12}\n", 8).get(0);
        assertEquals("{\"a\":12}", r.text);
        assertEquals(8, r.size);
        assertFalse(r.truncated());
    }

    static List<RawRecord> split(String text, int maxChars) throws IOException {
        JsonRecordSplitter splitter = new JsonRecordSplitter(new StringReader(text), maxChars);
        List<RawRecord> out = new ArrayList<>();
        for (RawRecord r = splitter.next(); r != null; r = splitter.next()) {
            out.add(r);
            if (out.size() > 1000) {
                throw new AssertionError("splitter does not terminate");
            }
        }
        assertNull(splitter.next(), "stays at end of input");
        return out;
    }

    static List<String> texts(List<RawRecord> records) {
        return records.stream().map(r -> r.text).toList();
    }
}
