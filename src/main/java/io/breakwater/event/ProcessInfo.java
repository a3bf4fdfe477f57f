package io.breakwater.event;

import java.util.Arrays;
import java.util.Objects;

/** The process behind a runtime event. A Flink POJO: public fields, no-arg constructor. */
public class ProcessInfo {
    /** Absolute path of the executable, e.g. {@code /usr/bin/systemctl}. */
    public String binary;
    /** argv without argv[0]; may be empty when the sensor did not report it. */
    public String[] arguments;
    public String parentBinary;
    public Integer pid;
    public Integer uid;
    /** Sensor's process identity, e.g. Tetragon exec_id. */
    public String execId;
    public String parentExecId;

    public ProcessInfo() {}

    public ProcessInfo(String binary, String[] arguments, String parentBinary) {
        this.binary = binary;
        this.arguments = arguments;
        this.parentBinary = parentBinary;
    }

    /** The basename of the binary, or null. */
    public String name() {
        if (binary == null) {
            return null;
        }
        int slash = binary.lastIndexOf('/');
        return slash < 0 ? binary : binary.substring(slash + 1);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ProcessInfo)) {
            return false;
        }
        ProcessInfo p = (ProcessInfo) o;
        return Objects.equals(binary, p.binary) && Arrays.equals(arguments, p.arguments)
                && Objects.equals(parentBinary, p.parentBinary) && Objects.equals(pid, p.pid)
                && Objects.equals(uid, p.uid) && Objects.equals(execId, p.execId)
                && Objects.equals(parentExecId, p.parentExecId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(binary, Arrays.hashCode(arguments), parentBinary, pid, execId);
    }

    @Override
    public String toString() {
        return binary + " " + (arguments == null ? "" : String.join(" ", arguments));
    }
}
