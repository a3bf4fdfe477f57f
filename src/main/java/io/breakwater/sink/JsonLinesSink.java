package io.breakwater.sink;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Writes one JSON document per line to stdout, stderr or a file (appended to, so a restarted local run keeps what
 * it wrote). Meant for local runs and files that SIEM shippers tail; run it at parallelism 1 when writing a file.
 */
public class JsonLinesSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    private final String target;
    private final SerializableFunction<T, String> toJson;

    /** @param target {@code stdout}, {@code stderr} or a file path */
    public JsonLinesSink(String target, SerializableFunction<T, String> toJson) {
        this.target = target;
        this.toJson = toJson;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        Writer out;
        boolean shared = true;
        if ("stdout".equals(target)) {
            out = new OutputStreamWriter(new NonClosing(System.out), StandardCharsets.UTF_8);
        } else if ("stderr".equals(target)) {
            out = new OutputStreamWriter(new NonClosing(System.err), StandardCharsets.UTF_8);
        } else {
            Path file = Path.of(target);
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            shared = false;
        }
        return new LineWriter<>(shared ? new BufferedWriter(out) : out, toJson);
    }

    private static final class LineWriter<T> implements SinkWriter<T> {
        private final Writer out;
        private final SerializableFunction<T, String> toJson;

        LineWriter(Writer out, SerializableFunction<T, String> toJson) {
            this.out = out;
            this.toJson = toJson;
        }

        @Override
        public void write(T element, Context context) throws IOException {
            out.write(toJson.apply(element));
            out.write('\n');
            // findings are rare and wanted at once: flush per line rather than on checkpoints only
            out.flush();
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    /** Keeps the JVM's stdout/stderr open when the writer closes. */
    private static final class NonClosing extends PrintStream {
        NonClosing(PrintStream delegate) {
            super(delegate, true, StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            flush();
        }
    }
}
