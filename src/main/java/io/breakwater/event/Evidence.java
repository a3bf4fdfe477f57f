package io.breakwater.event;

import java.util.Objects;

/**
 * What a finding shows of one event: enough for an analyst to read the step and find the raw record,
 * nothing more (no payloads). Also used as the "cause" a correlation stage attaches to a later event.
 */
public class Evidence {
    public long time;
    public TelemetrySource source;
    public EventKind kind;
    public String action;
    public String target;
    public String principal;
    public String namespace;
    public String pod;
    public String containerId;
    public String image;
    public String node;
    public String process;
    public String peerIp;
    public Integer peerPort;
    public String protocol;
    public String rawRef;

    public Evidence() {}

    public static Evidence of(SecurityEvent e) {
        Evidence ev = new Evidence();
        ev.time = e.eventTime;
        ev.source = e.source;
        ev.kind = e.kind;
        ev.action = e.action;
        ev.target = e.target;
        ev.principal = e.principal;
        ev.namespace = e.namespace;
        ev.pod = e.pod;
        ev.containerId = e.containerId;
        ev.image = e.image;
        ev.node = e.node;
        ev.process = e.process == null ? null : e.process.toString().trim();
        if (e.peer != null) {
            ev.peerIp = e.peer.ip;
            ev.peerPort = e.peer.port;
            ev.protocol = e.peer.protocol;
        }
        ev.rawRef = e.rawRef;
        return ev;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Evidence)) {
            return false;
        }
        Evidence e = (Evidence) o;
        return time == e.time && source == e.source && kind == e.kind && Objects.equals(action, e.action)
                && Objects.equals(target, e.target) && Objects.equals(principal, e.principal)
                && Objects.equals(namespace, e.namespace) && Objects.equals(pod, e.pod)
                && Objects.equals(containerId, e.containerId) && Objects.equals(image, e.image)
                && Objects.equals(node, e.node) && Objects.equals(process, e.process)
                && Objects.equals(peerIp, e.peerIp) && Objects.equals(peerPort, e.peerPort)
                && Objects.equals(protocol, e.protocol) && Objects.equals(rawRef, e.rawRef);
    }

    @Override
    public int hashCode() {
        return Objects.hash(time, kind, rawRef);
    }

    @Override
    public String toString() {
        return kind + "@" + time + " " + action + " " + rawRef;
    }
}
