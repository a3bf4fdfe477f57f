package io.breakwater.ingest;

import static io.breakwater.ingest.JsonSupport.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.breakwater.event.EventKind;
import io.breakwater.event.NetworkPeer;
import io.breakwater.event.ProcessInfo;
import io.breakwater.event.SecurityEvent;
import io.breakwater.event.TelemetrySource;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.StreamSupport;

/**
 * Falco alerts (JSON output): syscall alerts and k8s_audit plugin alerts. Field keys contain dots and brackets
 * ({@code proc.aname[2]}); values may be null, {@code <NA>}, arrays or numeric strings.
 */
public class FalcoAlertParser implements TelemetryParser {
    public static final String FORMAT = "falco";

    private static final Set<String> EXEC_TYPES = Set.of("execve", "execveat");
    private static final Set<String> OPEN_TYPES = Set.of("open", "openat", "openat2", "creat");
    private static final Set<String> RENAME_TYPES =
            Set.of("rename", "renameat", "renameat2", "link", "linkat", "symlink", "symlinkat");
    private static final Set<String> CONNECT_TYPES = Set.of("connect");
    private static final Map<String, String> WORKLOAD_KINDS = Map.of("pods", "Pod", "deployments", "Deployment",
            "daemonsets", "DaemonSet", "statefulsets", "StatefulSet", "replicasets", "ReplicaSet", "jobs", "Job",
            "cronjobs", "CronJob");

    @Override
    public boolean accepts(JsonNode record) {
        return record != null && record.path("rule").isTextual() && record.path("output").isTextual()
                && (record.path("output_fields").isObject() || record.path("priority").isTextual());
    }

    @Override
    public List<SecurityEvent> parse(JsonNode record) throws MalformedRecordException {
        if (!record.path("output_fields").isObject()) {
            // an alert without its fields names no container, process or file: nothing can tie it to a workload,
            // and dropping a security alert as "of no interest" would hide it
            throw new MalformedRecordException("missing-fields",
                    "Falco alert '" + text(record, "rule") + "' without output_fields");
        }
        Fields f = new Fields(record.path("output_fields"));
        long eventTime = eventTime(record, f);
        String source = text(record, "source");
        boolean k8sAudit = "k8s_audit".equals(source) || "k8saudit".equals(source);

        SecurityEvent base = new SecurityEvent(eventTime, TelemetrySource.FALCO, EventKind.OBSERVATION);
        base.sensorRule = text(record, "rule");
        base.rawRef = FORMAT + ":" + JsonSupport.sha256Prefix(record.toString(), 16);
        base.outcome = k8sAudit ? httpOutcome(f.get("ka.response.code")) : outcome(f.get("evt.res"));
        base.node = firstNonNull(text(record, "hostname"), f.get("evt.hostname"));
        base.namespace = f.get("k8s.ns.name");
        base.pod = f.get("k8s.pod.name");
        base.containerId = ContainerIds.normalise(f.get("container.id"));
        base.container = base.containerId == null ? null : f.get("container.name");
        base.image = image(f);
        // the runtime's own word on privilege: it covers workloads deployed before the job saw their deploy
        base.privileged = base.containerId != null && "true".equals(f.get("container.privileged"));
        return k8sAudit ? classifyAudit(base, f) : classifySyscall(base, f);
    }

    /** output_fields evt.time (or evt.time.iso8601, Falco ≤ 0.x) as int64 ns, else the top-level RFC 3339 time. */
    private static long eventTime(JsonNode record, Fields f) throws MalformedRecordException {
        for (String key : List.of("evt.time", "evt.time.iso8601", "evt.rawtime")) {
            Long nanos = JsonSupport.longValue(f.node(key));
            if (nanos != null) {
                return Timestamps.nanosToMillis(nanos);
            }
        }
        String time = text(record, "time");
        if (time == null) {
            throw new MalformedRecordException("missing-event-time", "no output_fields evt.time nor time");
        }
        return Timestamps.parseRfc3339(time);
    }

    private static List<SecurityEvent> classifyAudit(SecurityEvent base, Fields f) {
        base.principal = f.get("ka.user.name");
        base.namespace = firstNonNull(f.get("ka.target.namespace"), base.namespace);
        // "" for absent: the immutable lookup sets reject null
        String resource = Objects.toString(f.get("ka.target.resource"), "");
        String sub = Objects.toString(f.get("ka.target.subresource"), "");
        String verb = Objects.toString(f.get("ka.verb"), "");
        String name = f.get("ka.target.name");
        base.action = (sub.isEmpty() ? resource : resource + "/" + sub) + "." + verb;
        if (resource.equals("pods") && (sub.equals("exec") || sub.equals("attach"))) {
            base.kind = EventKind.CONTAINER_EXEC;
            base.action = "pods/" + sub;
            base.pod = name;
            String command = f.get("ka.uri.param[command]");
            if (command != null) {
                String redacted = SecretRedactor.redactArgument(command);
                base.process = new ProcessInfo(redacted, new String[0], null);
                base.target = redacted;
            }
        } else if (resource.equals("secrets") && sub.isEmpty() && Set.of("get", "list", "watch").contains(verb)) {
            base.kind = EventKind.CREDENTIAL_ACCESS;
            base.credentialType = "secret";
            base.target = name == null ? "*" : name;
        } else if (verb.equals("create") && sub.isEmpty() && WORKLOAD_KINDS.containsKey(resource)) {
            base.kind = EventKind.WORKLOAD_DEPLOY;
            base.workloadKind = WORKLOAD_KINDS.get(resource);
            base.workloadName = name;
            base.pod = resource.equals("pods") ? name : null;
            base.images = f.all("ka.req.pod.containers.image");
            base.image = base.images.length > 0 ? base.images[0] : null;
            base.privileged = Arrays.asList(f.all("ka.req.pod.containers.privileged")).contains("true");
            base.hostNetwork = "true".equals(f.get("ka.req.pod.host_network"));
            base.hostPid = "true".equals(f.get("ka.req.pod.host_pid"));
            base.hostPath = f.all("ka.req.pod.volumes.hostpath").length > 0;
        } else {
            return List.of();
        }
        return List.of(base);
    }

    private static List<SecurityEvent> classifySyscall(SecurityEvent base, Fields f) {
        base.principal = f.get("user.name");
        String evtType = Objects.toString(f.get("evt.type"), "");
        base.action = evtType.isEmpty() ? null : evtType;
        ProcessInfo process = process(f);
        base.process = process.binary == null && process.arguments.length == 0 ? null : process;

        ServiceCreation.ServiceCommand service = evtType.isEmpty() || EXEC_TYPES.contains(evtType)
                ? ServiceCreation.inspect(process.binary, f.args()) : null;
        String written = OPEN_TYPES.contains(evtType) && isWriteOpen(f)
                ? firstNonNull(f.get("fd.name"), f.get("evt.arg.name"), f.get("evt.arg.path"), f.get("fs.path.name"))
                : null;
        String linkDestination = RENAME_TYPES.contains(evtType) ? firstNonNull(f.get("evt.arg.newpath"),
                f.get("evt.arg.linkpath"), f.get("fs.path.target"), f.get("evt.arg.path")) : null;
        String remoteIp = firstNonNull(f.get("fd.rip"), f.get("fd.sip"));

        if (service != null) {
            base.kind = EventKind.SERVICE_CREATE;
            base.action = service.action();
            base.target = service.target();
        } else if (ServiceCreation.isUnitFilePath(written)) {
            base.kind = EventKind.SERVICE_CREATE;
            base.target = ServiceCreation.normalisePath(written);
        } else if (ServiceCreation.isUnitFilePath(linkDestination)) {
            base.kind = EventKind.SERVICE_CREATE;
            base.target = ServiceCreation.normalisePath(linkDestination);
        } else if (remoteIp != null && (CONNECT_TYPES.contains(evtType) || isOutboundRule(base.sensorRule))) {
            base.kind = EventKind.NETWORK_CONNECT;
            base.action = "connect";
            String protocol = f.get("fd.l4proto");
            base.peer = new NetworkPeer(remoteIp, JsonSupport.intValue(f.node(f.has("fd.rport") ? "fd.rport"
                    : "fd.sport")), protocol == null ? null : protocol.toUpperCase(Locale.ROOT));
        } else if (Processes.isShell(process.binary) && base.containerId != null
                && (Processes.isContainerRuntime(process.parentBinary)
                        || "Terminal shell in container".equals(base.sensorRule))) {
            base.kind = EventKind.CONTAINER_EXEC;
            base.action = "shell";
            base.target = process.toString().trim();
        } else if (base.containerId == null || base.pod == null) {
            return List.of();
        }
        return List.of(base);
    }

    private static ProcessInfo process(Fields f) {
        String binary = firstNonNull(f.get("proc.exepath"), f.get("proc.exe"), f.get("proc.name"));
        ProcessInfo p = new ProcessInfo(binary, SecretRedactor.redactArguments(f.args()),
                firstNonNull(f.get("proc.pexepath"), f.get("proc.pname")));
        p.pid = JsonSupport.intValue(f.node("proc.pid"));
        return p;
    }

    /** evt.is_open_write, or O_WRONLY / O_RDWR / O_CREAT in the flags; creat always writes. */
    private static boolean isWriteOpen(Fields f) {
        if ("creat".equals(f.get("evt.type")) || "true".equalsIgnoreCase(f.get("evt.is_open_write"))) {
            return true;
        }
        String flags = f.get("evt.arg.flags");
        return flags != null && (flags.contains("O_WRONLY") || flags.contains("O_RDWR") || flags.contains("O_CREAT"));
    }

    private static boolean isOutboundRule(String rule) {
        String r = rule == null ? "" : rule.toLowerCase(Locale.ROOT);
        return r.contains("outbound") || r.contains("connection to") || r.contains("reverse shell");
    }

    private static String image(Fields f) {
        String repository = f.get("container.image.repository");
        if (repository == null) {
            return f.get("container.image");
        }
        String tag = f.get("container.image.tag");
        return tag == null ? repository : repository + ":" + tag;
    }

    /** k8saudit alerts carry the API server's response code: a denied request is not a successful step. */
    private static String httpOutcome(String code) {
        if (code == null || !code.matches("\\d{3}")) {
            return "unknown";
        }
        int c = Integer.parseInt(code);
        return c < 400 ? "success" : "failure";
    }

    private static String outcome(String evtRes) {
        if (evtRes == null) {
            return "unknown";
        }
        return evtRes.equals("SUCCESS") ? "success" : evtRes.startsWith("E") ? "failure" : "unknown";
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... values) {
        for (T v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    /** output_fields access: null, "" and {@code <NA>} read as absent; arrays read as their first element. */
    private static final class Fields {
        private final JsonNode fields;

        Fields(JsonNode fields) {
            this.fields = fields.isObject() ? fields : MissingNode.getInstance();
        }

        boolean has(String key) {
            return get(key) != null;
        }

        JsonNode node(String key) {
            return fields.path(key);
        }

        String get(String key) {
            JsonNode v = fields.path(key);
            String s = text(v.isArray() ? v.path(0) : v);
            return s == null || s.equals("<NA>") ? null : s;
        }

        /** Every non-absent element of an array field (or the scalar alone). */
        String[] all(String key) {
            JsonNode v = fields.path(key);
            if (!v.isArray()) {
                String s = get(key);
                return s == null ? new String[0] : new String[] {s};
            }
            return StreamSupport.stream(v.spliterator(), false).map(JsonSupport::text)
                    .filter(s -> s != null && !s.equals("<NA>")).toArray(String[]::new);
        }

        /** argv without argv[0]: proc.args, else proc.cmdline minus the program name. */
        String[] args() {
            String args = get("proc.args");
            if (args != null) {
                return Processes.splitArguments(args);
            }
            String[] cmdline = Processes.splitArguments(get("proc.cmdline"));
            return cmdline.length == 0 ? cmdline : Arrays.copyOfRange(cmdline, 1, cmdline.length);
        }
    }
}
