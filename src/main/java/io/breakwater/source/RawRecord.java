package io.breakwater.source;

import java.util.Objects;

/** One telemetry record as read, before parsing. A Flink POJO. */
public class RawRecord {
    /** The record's text, cut to the reader's limit when it was longer (see {@link #size}). */
    public String text;
    /** Where it came from: {@code file}, or {@code <topic>/<partition>@<offset>}. */
    public String origin;
    /** Length of the whole record in characters, also when {@link #text} was cut. */
    public long size;

    public RawRecord() {}

    public RawRecord(String text, String origin, long size) {
        this.text = text;
        this.origin = origin;
        this.size = size;
    }

    public static RawRecord of(String text, String origin) {
        return new RawRecord(text, origin, text.length());
    }

    public boolean truncated() {
        return text != null && size > text.length();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RawRecord)) {
            return false;
        }
        RawRecord r = (RawRecord) o;
        return size == r.size && Objects.equals(text, r.text) && Objects.equals(origin, r.origin);
    }

    @Override
    public int hashCode() {
        return Objects.hash(text, origin, size);
    }

    @Override
    public String toString() {
        return "RawRecord[" + origin + " " + size + " chars]";
    }
}
