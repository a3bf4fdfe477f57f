package io.breakwater.ingest;

import static io.breakwater.ingest.JsonSupport.at;
import static io.breakwater.ingest.JsonSupport.intValue;
import static io.breakwater.ingest.JsonSupport.isTrue;
import static io.breakwater.ingest.JsonSupport.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.breakwater.event.EventKind;
import io.breakwater.event.ProcessInfo;
import io.breakwater.event.SecurityEvent;
import io.breakwater.event.TelemetrySource;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Kubernetes audit events (audit.k8s.io v1 / v1beta1, with or without {@code apiVersion}), also inside an AKS
 * diagnostic-log envelope ({@code properties.log}, a JSON string or object) and as GKE Cloud Audit Logs
 * ({@code protoPayload} with {@code methodName io.k8s...}).
 *
 * <p>Kinds are decided on resource and subresource, never on the verb of an exec (kubectl ≥ 1.30 execs with
 * {@code get} over WebSocket). Secret payloads ({@code responseObject} of a secrets read, Secret data, env
 * values, annotations) are never read.
 */
public class AuditEventParser implements TelemetryParser {
    public static final String FORMAT = "k8s_audit";
    static final String POD_NAME_EXTRA = "authentication.kubernetes.io/pod-name";

    /** Workload resources whose create is a deploy, with the object kind. */
    private static final Map<String, String> WORKLOAD_KINDS = Map.of("pods", "Pod", "deployments", "Deployment",
            "daemonsets", "DaemonSet", "statefulsets", "StatefulSet", "replicasets", "ReplicaSet", "jobs", "Job",
            "cronjobs", "CronJob");
    private static final Set<String> SECRET_READ_VERBS = Set.of("get", "list", "watch");
    /** An API version segment in a GKE resource or method name: v1, v1beta1, v2alpha1. */
    private static final Pattern API_VERSION = Pattern.compile("v\\d+(?:(?:alpha|beta)\\d+)?");

    private final ObjectMapper mapper;

    /** @param mapper parses AKS envelopes whose {@code properties.log} is a JSON string */
    public AuditEventParser(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public AuditEventParser() {
        this(new ObjectMapper());
    }

    /**
     * The audit event inside an AKS envelope {@code {"properties":{"log": <string or object>}}}, or the record
     * itself when it is not one.
     */
    public static JsonNode unwrapAksEnvelope(JsonNode record, ObjectMapper mapper) throws JsonProcessingException {
        JsonNode log = at(record, "properties", "log");
        if (log.isObject()) {
            return log;
        }
        if (log.isTextual() && log.asText().trim().startsWith("{")) {
            return mapper.readTree(log.asText());
        }
        return record;
    }

    @Override
    public boolean accepts(JsonNode record) {
        JsonNode r;
        try {
            r = unwrapAksEnvelope(record, mapper);
        } catch (JsonProcessingException | RuntimeException e) {
            return false;
        }
        if (r == null || !r.isObject()) {
            return false;
        }
        if (r.path("protoPayload").isObject()) {
            String method = text(r, "protoPayload", "methodName");
            return method != null && method.startsWith("io.k8s.");
        }
        if (!"Event".equals(text(r, "kind")) || !r.path("kind").isTextual()) {
            return false;
        }
        boolean verbAndTarget = r.path("verb").isTextual()
                && (r.has("auditID") || r.path("objectRef").isObject() || r.has("requestURI"));
        String apiVersion = text(r, "apiVersion");
        // a core/v1 Event object also has kind "Event": without a verb only the audit apiVersion tells them apart
        return verbAndTarget || apiVersion != null && apiVersion.startsWith("audit.k8s.io/");
    }

    /** @throws MalformedRecordException missing-event-time when the record carries no time stamp */
    @Override
    public List<SecurityEvent> parse(JsonNode record) throws MalformedRecordException {
        return parse(record, null);
    }

    /**
     * Like {@link #parse(JsonNode)}, but a record without any time stamp gets {@code fallbackEventTime} (e.g. the
     * ingest or Kafka record time) instead of being rejected.
     */
    public List<SecurityEvent> parse(JsonNode record, long fallbackEventTime) throws MalformedRecordException {
        return parse(record, Long.valueOf(fallbackEventTime));
    }

    private List<SecurityEvent> parse(JsonNode record, Long fallbackEventTime) throws MalformedRecordException {
        JsonNode r;
        try {
            r = unwrapAksEnvelope(record, mapper);
        } catch (JsonProcessingException e) {
            throw new MalformedRecordException("malformed-json", "AKS properties.log: " + e.getOriginalMessage());
        }
        AuditRequest a = r.path("protoPayload").isObject() ? AuditRequest.fromGke(r) : AuditRequest.fromAudit(r);
        if ("RequestReceived".equals(a.stage)) {
            return List.of(); // the later stage of the same auditID carries the outcome
        }
        long eventTime;
        if (a.timeText != null) {
            eventTime = Timestamps.parseRfc3339(a.timeText);
        } else if (fallbackEventTime != null) {
            eventTime = fallbackEventTime;
        } else {
            throw new MalformedRecordException("missing-event-time",
                    "no requestReceivedTimestamp, stageTimestamp or timestamp");
        }
        return classify(a, eventTime);
    }

    private static List<SecurityEvent> classify(AuditRequest a, long eventTime) {
        List<SecurityEvent> events = new ArrayList<>();
        String resource = a.resource == null ? "" : a.resource;
        String sub = a.subresource == null ? "" : a.subresource;
        String verb = a.verb == null ? "" : a.verb;

        if (a.credentialPod != null) {
            SecurityEvent e = a.event(eventTime, EventKind.CREDENTIAL_ACCESS);
            e.credentialType = "pod-service-account-token";
            e.target = a.name == null ? resource : resource + "/" + a.name;
            events.add(e);
        }
        if (resource.equals("pods") && (sub.equals("exec") || sub.equals("attach"))) {
            events.add(exec(a, eventTime, sub));
        } else if (resource.equals("secrets") && sub.isEmpty() && SECRET_READ_VERBS.contains(verb)) {
            SecurityEvent e = a.event(eventTime, EventKind.CREDENTIAL_ACCESS);
            e.credentialType = "secret";
            e.target = a.name == null ? "*" : a.name;
            events.add(e);
        } else if (resource.equals("serviceaccounts") && sub.equals("token") && verb.equals("create")) {
            SecurityEvent e = a.event(eventTime, EventKind.CREDENTIAL_ACCESS);
            e.credentialType = "service-account-token-request";
            e.target = a.name;
            events.add(e);
        } else if (verb.equals("create") && sub.isEmpty() && WORKLOAD_KINDS.containsKey(resource)
                && queryParameters(a.requestUri, "dryRun").isEmpty()) {
            // a server-side dry run (kubectl diff, GitOps previews) validates a create that never happens
            events.add(deploy(a, eventTime, WORKLOAD_KINDS.get(resource)));
        }
        if (!resource.equals("secrets")) {
            events.addAll(podStatusFacts(a, eventTime));
        }
        return events;
    }

    private static SecurityEvent exec(AuditRequest a, long eventTime, String subresource) {
        SecurityEvent e = a.event(eventTime, EventKind.CONTAINER_EXEC);
        e.action = "pods/" + subresource;
        e.pod = a.name;
        List<String> command = queryParameters(a.requestUri, "command");
        if (command.isEmpty()) {
            for (JsonNode c : at(a.requestObject, "command")) {
                if (c.isTextual()) {
                    command.add(c.asText());
                }
            }
        }
        List<String> container = queryParameters(a.requestUri, "container");
        e.container = container.isEmpty() ? text(a.requestObject, "container") : container.get(0);
        if (!command.isEmpty()) {
            String[] argv = SecretRedactor.redactArguments(command.toArray(new String[0]));
            e.process = new ProcessInfo(argv[0], Arrays.copyOfRange(argv, 1, argv.length), null);
            e.target = String.join(" ", argv);
        }
        return e;
    }

    /** All values of a repeated query parameter, URL-decoded ('+' is a space), in order. */
    static List<String> queryParameters(String requestUri, String name) {
        List<String> values = new ArrayList<>();
        int q = requestUri == null ? -1 : requestUri.indexOf('?');
        if (q < 0) {
            return values;
        }
        for (String pair : requestUri.substring(q + 1).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && decode(pair.substring(0, eq)).equals(name)) {
                values.add(decode(pair.substring(eq + 1)));
            }
        }
        return values;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException badEscape) {
            return s;
        }
    }

    private static SecurityEvent deploy(AuditRequest a, long eventTime, String workloadKind) {
        SecurityEvent e = a.event(eventTime, EventKind.WORKLOAD_DEPLOY);
        JsonNode object = a.requestObject.isObject() ? a.requestObject : a.responseObject;
        e.workloadKind = workloadKind;
        String name = a.name != null ? a.name : text(object, "metadata", "name");
        String createdName = text(a.responseObject, "metadata", "name");
        if (name == null && createdName != null) {
            name = createdName;
        }
        if (name == null) {
            String generateName = text(object, "metadata", "generateName");
            name = generateName == null ? null : generateName.replaceAll("-+$", "");
        } else if (workloadKind.equals("Pod")) {
            e.pod = name;
        }
        e.workloadName = name;
        e.target = controllerOwner(object);
        JsonNode spec = switch (workloadKind) {
            case "Pod" -> at(object, "spec");
            case "CronJob" -> at(object, "spec", "jobTemplate", "spec", "template", "spec");
            default -> at(object, "spec", "template", "spec");
        };
        if (workloadKind.equals("Pod")) {
            e.node = text(spec, "nodeName");
        }
        Set<String> images = new LinkedHashSet<>();
        for (String list : List.of("initContainers", "containers", "ephemeralContainers")) {
            for (JsonNode c : spec.path(list)) {
                String image = text(c, "image");
                if (image != null) {
                    images.add(image);
                }
                e.privileged |= isTrue(at(c, "securityContext", "privileged"));
            }
        }
        e.images = images.toArray(new String[0]);
        // the first application container's image, not an init container's
        String firstApp = text(spec.path("containers").path(0), "image");
        e.image = firstApp != null ? firstApp : images.stream().findFirst().orElse(null);
        e.hostPid = isTrue(spec.path("hostPID"));
        e.hostNetwork = isTrue(spec.path("hostNetwork"));
        for (JsonNode volume : spec.path("volumes")) {
            e.hostPath |= volume.path("hostPath").isObject();
        }
        return e;
    }

    /** "Kind/name" of the controller owner (ownerReferences[].controller == true), or null. */
    private static String controllerOwner(JsonNode object) {
        for (JsonNode owner : at(object, "metadata", "ownerReferences")) {
            if (isTrue(owner.path("controller")) && text(owner, "kind") != null) {
                return text(owner, "kind") + "/" + text(owner, "name");
            }
        }
        return null;
    }

    /** One OBSERVATION per container status with a container id: the container → pod identity fact. */
    private static List<SecurityEvent> podStatusFacts(AuditRequest a, long eventTime) {
        JsonNode pod = isPodWithStatus(a.responseObject) ? a.responseObject
                : isPodWithStatus(a.requestObject) ? a.requestObject : null;
        if (pod == null) {
            return List.of();
        }
        List<SecurityEvent> facts = new ArrayList<>();
        for (String list : List.of("initContainerStatuses", "containerStatuses", "ephemeralContainerStatuses")) {
            for (JsonNode status : at(pod, "status", list)) {
                String containerId = ContainerIds.normalise(text(status, "containerID"));
                if (containerId == null) {
                    continue;
                }
                SecurityEvent e = a.event(eventTime, EventKind.OBSERVATION);
                e.action = "pod-status";
                e.namespace = firstNonNull(text(pod, "metadata", "namespace"), a.namespace);
                e.pod = firstNonNull(text(pod, "metadata", "name"), a.name);
                e.container = text(status, "name");
                e.image = text(status, "image");
                e.containerId = containerId;
                e.node = text(pod, "spec", "nodeName");
                facts.add(e);
            }
        }
        return facts;
    }

    private static boolean isPodWithStatus(JsonNode object) {
        return object != null && "Pod".equals(text(object, "kind")) && at(object, "status").isObject();
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }

    /** The fields of one API request, read from a native audit event or a GKE audit log entry. */
    private static final class AuditRequest {
        String verb;
        String resource;
        String subresource;
        String namespace;
        String name;
        String requestUri;
        String stage;
        String timeText;
        String principal;
        String credentialPod;
        String sourceIp;
        String outcome;
        String rawRef;
        JsonNode requestObject;
        JsonNode responseObject;

        static AuditRequest fromAudit(JsonNode r) {
            AuditRequest a = new AuditRequest();
            a.verb = text(r, "verb");
            JsonNode ref = r.path("objectRef");
            a.resource = text(ref, "resource");
            a.subresource = text(ref, "subresource");
            a.namespace = text(ref, "namespace");
            a.name = text(ref, "name");
            a.requestUri = text(r, "requestURI");
            a.stage = text(r, "stage");
            // when the request was made, which every stage of it repeats: the stages of one request then carry one
            // event time, and which stage survives deduplication changes nothing downstream
            a.timeText = firstNonNull(text(r, "requestReceivedTimestamp"),
                    firstNonNull(text(r, "stageTimestamp"), text(r, "timestamp")));
            String impersonated = text(r, "impersonatedUser", "username");
            a.principal = impersonated != null ? impersonated : text(r, "user", "username");
            JsonNode podName = at(r, "user", "extra", POD_NAME_EXTRA);
            a.credentialPod = podName.isArray() ? text(podName.path(0)) : text(podName);
            a.sourceIp = text(r.path("sourceIPs").path(0));
            Integer code = intValue(at(r, "responseStatus", "code"));
            a.outcome = code == null ? "unknown"
                    : code >= 200 && code < 300 || code == 101 ? "success" : code >= 400 ? "failure" : "unknown";
            String auditId = text(r, "auditID");
            a.rawRef = FORMAT + ":" + (auditId != null ? auditId : JsonSupport.sha256Prefix(r.toString(), 16));
            a.requestObject = r.path("requestObject");
            a.responseObject = a.resource != null && a.resource.equals("secrets") ? null : r.path("responseObject");
            return a;
        }

        /**
         * GKE: verb from methodName ({@code io.k8s.core.v1.pods.exec.create}), object from resourceName
         * ({@code core/v1/namespaces/<ns>/pods/<pod>/exec}), request/response bodies, callerIP, principalEmail.
         */
        static AuditRequest fromGke(JsonNode r) {
            AuditRequest a = new AuditRequest();
            JsonNode p = r.path("protoPayload");
            String method = text(p, "methodName");
            String[] methodParts = method.substring("io.k8s.".length()).split("\\.");
            a.verb = methodParts[methodParts.length - 1];
            String resourceName = text(p, "resourceName");
            List<String> path = resourceName != null ? List.of(resourceName.split("/"))
                    : List.of(methodParts).subList(0, methodParts.length - 1);
            int version = 0;
            while (version < path.size() && !API_VERSION.matcher(path.get(version)).matches()) {
                version++;
            }
            List<String> rest = version < path.size() ? path.subList(version + 1, path.size()) : List.of();
            if (rest.size() >= 3 && rest.get(0).equals("namespaces")) {
                a.namespace = rest.get(1);
                rest = rest.subList(2, rest.size());
            }
            a.resource = rest.isEmpty() ? null : rest.get(0);
            if (resourceName != null) {
                a.name = rest.size() > 1 ? rest.get(1) : null;
                a.subresource = rest.size() > 2 ? rest.get(2) : null;
            } else {
                a.subresource = rest.size() > 1 ? rest.get(1) : null;
            }
            a.timeText = firstNonNull(text(r, "timestamp"), text(r, "receiveTimestamp"));
            a.principal = firstNonNull(text(p, "authenticationInfo", "principalEmail"),
                    text(p, "authenticationInfo", "principalSubject"));
            a.sourceIp = text(p, "requestMetadata", "callerIP");
            a.outcome = gkeOutcome(p);
            String insertId = text(r, "insertId");
            a.rawRef = FORMAT + ":" + (insertId != null ? insertId : JsonSupport.sha256Prefix(r.toString(), 16));
            a.requestObject = p.path("request");
            a.responseObject = a.resource != null && a.resource.equals("secrets") ? null : p.path("response");
            return a;
        }

        /** google.rpc.Status code 0 (or omitted) is OK; a denied authorization check is a failure. */
        private static String gkeOutcome(JsonNode p) {
            for (JsonNode check : p.path("authorizationInfo")) {
                if (check.has("granted") && !isTrue(check.path("granted"))) {
                    return "failure";
                }
            }
            if (p.path("status").isObject()) {
                Integer code = intValue(at(p, "status", "code"));
                return code == null || code == 0 ? "success" : "failure";
            }
            return "unknown";
        }

        SecurityEvent event(long eventTime, EventKind kind) {
            SecurityEvent e = new SecurityEvent(eventTime, TelemetrySource.K8S_AUDIT, kind);
            String resourcePath = resource == null ? "" : subresource == null ? resource : resource + "/" + subresource;
            e.action = resourcePath + "." + (verb == null ? "" : verb);
            e.outcome = outcome;
            e.namespace = namespace;
            e.principal = principal;
            e.credentialPod = credentialPod;
            e.sourceIp = sourceIp;
            e.rawRef = rawRef;
            return e;
        }
    }
}
