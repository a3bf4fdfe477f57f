package io.breakwater.ingest;

import static io.breakwater.ingest.JsonSupport.at;
import static io.breakwater.ingest.JsonSupport.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.breakwater.event.EventKind;
import io.breakwater.event.NetworkPeer;
import io.breakwater.event.ProcessInfo;
import io.breakwater.event.SecurityEvent;
import io.breakwater.event.TelemetrySource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Tetragon JSON export events: the top-level key names the type ({@code process_exec}, {@code process_kprobe},
 * ...). Kprobe {@code bytes_arg} / {@code truncated_bytes_arg} contents are never read: they can hold file data.
 */
public class TetragonEventParser implements TelemetryParser {
    public static final String FORMAT = "tetragon";

    private static final Set<String> TYPES = Set.of("process_exec", "process_exit", "process_kprobe",
            "process_tracepoint", "process_connect", "process_close", "process_listen");
    /** Types of Tetragon's export that carry nothing the detections use yet: well-formed, not of interest. */
    private static final Set<String> KNOWN_UNUSED = Set.of("process_uprobe", "process_lsm", "process_usdt",
            "process_loader", "process_throttle");
    /** Kprobe functions that write to their file argument unconditionally. */
    private static final Set<String> WRITE_FUNCTIONS = Set.of("__x64_sys_write", "__x64_sys_pwrite64",
            "__x64_sys_writev", "__x64_sys_pwritev", "__arm64_sys_write", "vfs_write", "security_path_truncate",
            "security_file_truncate", "__x64_sys_truncate", "__x64_sys_ftruncate");
    /** Kprobe functions that open a file: a write only when the open flags say so. */
    private static final Set<String> OPEN_FUNCTIONS = Set.of("security_file_open", "fd_install", "do_filp_open",
            "__x64_sys_openat", "__x64_sys_open", "__x64_sys_openat2", "__x64_sys_creat");
    private static final Set<String> CONNECT_FUNCTIONS = Set.of("tcp_connect", "__sys_connect", "__x64_sys_connect",
            "__arm64_sys_connect", "security_socket_connect", "udp_sendmsg", "ip4_datagram_connect");
    /** security_file_permission mask bits: MAY_WRITE and MAY_APPEND. */
    private static final int MAY_WRITE_OR_APPEND = 0x2 | 0x8;
    /** Linux open flags: O_WRONLY, O_RDWR, O_CREAT, O_TRUNC. */
    private static final int OPEN_WRITE_FLAGS = 0x1 | 0x2 | 0x40 | 0x200;

    @Override
    public boolean accepts(JsonNode record) {
        return type(record) != null;
    }

    @Override
    public List<SecurityEvent> parse(JsonNode record) throws MalformedRecordException {
        String type = type(record);
        if (type == null || KNOWN_UNUSED.contains(type)) {
            return List.of();
        }
        if (!TYPES.contains(type)) {
            // a type this parser has never seen: say so rather than drop it as if it were of no interest
            throw new MalformedRecordException("unknown-event-type", "Tetragon event type " + type);
        }
        JsonNode body = record.path(type);
        JsonNode process = body.path("process");
        String timeText = text(record, "time");
        if (timeText == null && type.equals("process_exec")) {
            timeText = text(process, "start_time"); // exec events may come without time: the exec is the start
        }
        if (timeText == null) {
            throw new MalformedRecordException("missing-event-time", type + " without time");
        }
        SecurityEvent e = new SecurityEvent(Timestamps.parseRfc3339(timeText), TelemetrySource.TETRAGON,
                EventKind.OBSERVATION);
        e.rawRef = FORMAT + ":" + type + ":" + text(process, "exec_id") + "@" + timeText;
        e.node = text(record, "node_name");
        e.outcome = "unknown";
        JsonNode pod = process.path("pod");
        e.namespace = text(pod, "namespace");
        e.pod = text(pod, "name");
        e.container = text(pod, "container", "name");
        e.image = text(pod, "container", "image", "name");
        // Tetragon 1.1+ reports the container's security context: privilege seen at runtime, deploy or not
        e.privileged = at(pod, "container", "security_context", "privileged").asBoolean(false);
        String fullId = ContainerIds.normalise(text(pod, "container", "id"));
        e.containerId = fullId != null ? fullId : ContainerIds.normalise(text(process, "docker"));
        e.workloadName = text(pod, "workload");
        e.workloadKind = text(pod, "workload_kind");
        e.process = processInfo(process, body.path("parent"));
        e.action = type.substring("process_".length());

        switch (type) {
            case "process_exec" -> classifyExec(e, process, body.path("parent"));
            case "process_connect" -> {
                e.kind = EventKind.NETWORK_CONNECT;
                e.peer = peer(text(body, "destination_ip"), JsonSupport.intValue(body.path("destination_port")),
                        text(body, "protocol"));
            }
            case "process_kprobe" -> classifyKprobe(e, body);
            default -> { } // exit, close, listen, tracepoint: identity facts
        }
        return List.of(e);
    }

    /** The first top-level member named process_* holding an object, or null. */
    private static String type(JsonNode record) {
        if (record == null || !record.isObject()) {
            return null;
        }
        for (Iterator<String> names = record.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (name.startsWith("process_") && record.path(name).path("process").isObject()) {
                return name;
            }
        }
        return null;
    }

    private static ProcessInfo processInfo(JsonNode process, JsonNode parent) {
        String[] argv = SecretRedactor.redactArguments(Processes.splitArguments(text(process, "arguments")));
        ProcessInfo p = new ProcessInfo(text(process, "binary"), argv, text(parent, "binary"));
        p.pid = JsonSupport.intValue(process.path("pid"));
        p.uid = JsonSupport.intValue(process.path("uid"));
        p.execId = text(process, "exec_id");
        p.parentExecId = text(process, "parent_exec_id");
        return p;
    }

    private static void classifyExec(SecurityEvent e, JsonNode process, JsonNode parent) {
        String binary = text(process, "binary");
        ServiceCreation.ServiceCommand service =
                ServiceCreation.inspect(binary, Processes.splitArguments(text(process, "arguments")));
        if (service != null) {
            e.kind = EventKind.SERVICE_CREATE;
            e.action = service.action();
            e.target = service.target();
            return;
        }
        Integer containerPid = JsonSupport.intValue(at(process, "pod", "container", "pid"));
        boolean entrypoint = containerPid != null && containerPid == 1;
        boolean fromOutsideContainer = Processes.isContainerRuntime(text(parent, "binary"))
                || parent.isObject() && !parent.path("pod").isObject()
                || process.path("in_init_tree").isBoolean() && !process.path("in_init_tree").asBoolean();
        if (Processes.isShell(binary) && e.pod != null && !entrypoint && fromOutsideContainer) {
            e.kind = EventKind.CONTAINER_EXEC;
            e.action = "shell";
            e.target = e.process.toString().trim();
        }
    }

    private static void classifyKprobe(SecurityEvent e, JsonNode body) {
        String function = text(body, "function_name");
        e.action = function;
        e.sensorRule = text(body, "policy_name");
        if (function == null) {
            return;
        }
        List<String> paths = new ArrayList<>();
        boolean write = WRITE_FUNCTIONS.contains(function);
        JsonNode sock = null;
        for (JsonNode arg : body.path("args")) {
            JsonNode file = arg.has("file_arg") ? arg.path("file_arg") : arg.path("path_arg");
            if (file.isObject() && text(file, "path") != null) {
                paths.add(ServiceCreation.normalisePath(text(file, "path")));
                write |= OPEN_FUNCTIONS.contains(function) && hasWriteFlags(text(file, "flags"));
            } else if (arg.path("string_arg").isTextual() && arg.path("string_arg").asText().contains("/")) {
                paths.add(ServiceCreation.normalisePath(arg.path("string_arg").asText()));
            } else if (arg.has("int_arg")) {
                int value = arg.path("int_arg").asInt();
                write |= function.equals("security_file_permission") && (value & MAY_WRITE_OR_APPEND) != 0
                        || OPEN_FUNCTIONS.contains(function) && (value & OPEN_WRITE_FLAGS) != 0;
            } else if (arg.path("sock_arg").isObject() || arg.path("sockaddr_arg").isObject()) {
                sock = arg;
            }
        }
        String lowered = function.toLowerCase(Locale.ROOT);
        boolean renameOrLink = lowered.contains("rename") || lowered.contains("link") && !lowered.contains("unlink");
        if (write && !paths.isEmpty() && ServiceCreation.isUnitFilePath(paths.get(0))) {
            e.kind = EventKind.SERVICE_CREATE;
            e.target = paths.get(0);
        } else if (renameOrLink && paths.size() >= 2 && ServiceCreation.isUnitFilePath(paths.get(1))) {
            e.kind = EventKind.SERVICE_CREATE;
            e.target = paths.get(1);
        } else if (CONNECT_FUNCTIONS.contains(function) && sock != null) {
            JsonNode s = sock.has("sock_arg") ? sock.path("sock_arg") : sock.path("sockaddr_arg");
            String ip = firstNonNull(text(s, "daddr"), text(s, "addr"));
            if (ip != null) {
                e.kind = EventKind.NETWORK_CONNECT;
                e.peer = peer(ip, JsonSupport.intValue(s.has("dport") ? s.path("dport") : s.path("port")),
                        text(s, "protocol"));
            }
        }
    }

    /** Flags as Tetragon prints them ("O_WRONLY|O_CREAT") or as a number. */
    private static boolean hasWriteFlags(String flags) {
        if (flags == null) {
            return false;
        }
        try {
            return (Integer.decode(flags.trim()) & OPEN_WRITE_FLAGS) != 0;
        } catch (NumberFormatException symbolic) {
            return flags.contains("O_WRONLY") || flags.contains("O_RDWR") || flags.contains("O_CREAT")
                    || flags.contains("O_TRUNC");
        }
    }

    /** Protocol upper case without Tetragon's IPPROTO_ prefix. */
    private static NetworkPeer peer(String ip, Integer port, String protocol) {
        String p = protocol == null ? null : protocol.toUpperCase(Locale.ROOT).replace("IPPROTO_", "");
        return new NetworkPeer(ip, port, p);
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }
}
