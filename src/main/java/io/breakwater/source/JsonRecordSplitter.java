package io.breakwater.source;

import java.io.IOException;
import java.io.Reader;

/**
 * Splits a telemetry file into records: each top-level JSON value is one record, whether the file is JSON Lines,
 * one pretty-printed object, or objects back to back; any other text is one record per line (it will fail to
 * parse and go to the dead letters with its reason).
 *
 * <p>A record longer than {@code maxChars} is read to its end but only its first {@code maxChars + 1} characters
 * are kept, so one huge record can neither exhaust memory nor hide the records after it. An unterminated object
 * does not swallow the rest of the file: a line that starts with '{' in column 0 while an object is still open
 * ends the broken record there (pretty-printed objects indent their inner lines).
 */
public final class JsonRecordSplitter {
    private static final int EOF = -1;

    private final Reader in;
    private final int maxChars;
    private int pushedBack = -2;
    private boolean atLineStart = true;

    public JsonRecordSplitter(Reader in, int maxChars) {
        this.in = in;
        this.maxChars = maxChars;
    }

    /** The next record, or null at the end of input. */
    public RawRecord next() throws IOException {
        int c = skipWhitespace();
        if (c == EOF) {
            return null;
        }
        return c == '{' || c == '[' ? readJsonValue(c) : readLine(c);
    }

    private RawRecord readJsonValue(int first) throws IOException {
        Capture text = new Capture(maxChars);
        int depth = 0;
        boolean inString = false;
        boolean escaped = false;
        int c = first;
        while (c != EOF) {
            if (atLineStart && c == '{' && depth > 0 && !inString && text.size > 0) {
                pushBack(c); // an unterminated record: the next one starts here
                return text.toRecord();
            }
            text.append(c);
            atLineStart = c == '\n';
            if (inString) {
                if (c == '\n') {
                    // JSON strings hold no raw line breaks: the string (and the record) was cut off here
                    inString = false;
                    escaped = false;
                } else if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"' ) {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
                if (depth == 0) {
                    return text.toRecord();
                }
            }
            c = read();
        }
        return text.toRecord();
    }

    private RawRecord readLine(int first) throws IOException {
        Capture text = new Capture(maxChars);
        int c = first;
        while (c != EOF && c != '\n') {
            text.append(c);
            c = read();
        }
        atLineStart = true;
        String kept = text.toRecord().text.stripTrailing();
        // trailing blanks (a \r, spaces) are not part of the record; only a cut record reports more than it keeps
        return new RawRecord(kept, null, text.size > maxChars ? text.size : kept.length());
    }

    private int skipWhitespace() throws IOException {
        int c = read();
        while (c != EOF && (Character.isWhitespace(c) || c == '\uFEFF')) {
            atLineStart = c == '\n';
            c = read();
        }
        return c;
    }

    private int read() throws IOException {
        if (pushedBack != -2) {
            int c = pushedBack;
            pushedBack = -2;
            return c;
        }
        return in.read();
    }

    private void pushBack(int c) {
        pushedBack = c;
    }

    /** Keeps the first limit+1 characters and counts the rest. */
    private static final class Capture {
        final StringBuilder kept = new StringBuilder();
        final int limit;
        long size;

        Capture(int limit) {
            this.limit = limit;
        }

        void append(int c) {
            if (kept.length() <= limit) {
                kept.append((char) c);
            }
            size++;
        }

        RawRecord toRecord() {
            return new RawRecord(kept.toString(), null, size);
        }
    }
}
