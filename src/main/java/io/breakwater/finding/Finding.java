package io.breakwater.finding;

import io.breakwater.event.Evidence;
import java.util.Arrays;
import java.util.Objects;

/**
 * One detection: a pattern matched a sequence of events about one entity. A Flink POJO; serialised to OCSF
 * Detection Finding JSON by {@link FindingJson} at the sink (see docs/findings.md).
 */
public class Finding {
    /** Deterministic for the same pattern version and the same evidence: a replay gives the same id. */
    public String findingId;
    public String patternId;
    public String patternVersion;
    public String title;
    public String description;
    /** low, medium, high or critical. */
    public String severity;
    /** The MITRE ATT&CK techniques the pattern file names. */
    public AttackTechnique[] techniques;
    public String[] response;

    // the entity the finding is about
    public String cluster;
    public String namespace;
    public String pod;
    public String container;
    public String containerId;
    public String image;
    public String node;
    public String principal;
    public String workload;

    public long firstEventTime;
    public long lastEventTime;
    /** Wall-clock time of detection, epoch ms. */
    public long detectionTime;
    /** The matched events in chain order. */
    public Evidence[] evidence;

    public Finding() {}

    /** The raw reference of the event that completed the match: one finding per completing event and pattern. */
    public String completingRef() {
        return evidence == null || evidence.length == 0 ? null : evidence[evidence.length - 1].rawRef;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Finding)) {
            return false;
        }
        Finding f = (Finding) o;
        return firstEventTime == f.firstEventTime && lastEventTime == f.lastEventTime
                && detectionTime == f.detectionTime && Objects.equals(findingId, f.findingId)
                && Objects.equals(patternId, f.patternId) && Objects.equals(patternVersion, f.patternVersion)
                && Objects.equals(title, f.title) && Objects.equals(description, f.description)
                && Objects.equals(severity, f.severity) && Arrays.equals(techniques, f.techniques)
                && Arrays.equals(response, f.response) && Objects.equals(cluster, f.cluster)
                && Objects.equals(namespace, f.namespace) && Objects.equals(pod, f.pod)
                && Objects.equals(container, f.container) && Objects.equals(containerId, f.containerId)
                && Objects.equals(image, f.image) && Objects.equals(node, f.node)
                && Objects.equals(principal, f.principal) && Objects.equals(workload, f.workload)
                && Arrays.equals(evidence, f.evidence);
    }

    @Override
    public int hashCode() {
        return Objects.hash(findingId, patternId);
    }

    @Override
    public String toString() {
        return "Finding[" + patternId + " " + findingId + " " + namespace + "/" + pod + " evidence="
                + Arrays.toString(evidence) + "]";
    }
}
