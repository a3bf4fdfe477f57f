package io.breakwater.detect;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.breakwater.finding.AttackTechnique;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * A detection's description as its pattern file under {@code patterns/} states it: what it is called, how bad it
 * is, which ATT&CK techniques it covers, how long its steps may take and what a responder should do.
 * The engine reads these at job start; the steps themselves are compiled by {@link Detections}.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public class DetectionPattern implements Serializable {
    private static final long serialVersionUID = 1L;

    public String id;
    public String version;
    public String title;
    public String description;
    /** low, medium, high, critical. */
    public String severity;
    /** How the events are keyed: principal, workload or pod. Documentation for readers; the engine defines it. */
    public String key;
    /** ISO-8601 or shorthand (30s, 10m, 1h) bound on the whole match. */
    public String within;
    public List<String> steps;
    public List<AttackTechnique> mitre;
    public List<String> response;
    /** Free-form notes for pattern authors (false positives, tuning). */
    public String notes;

    public DetectionPattern() {}

    public Duration withinDuration() {
        return Durations.parse(within);
    }

    public AttackTechnique[] techniques() {
        return mitre == null ? new AttackTechnique[0] : mitre.toArray(new AttackTechnique[0]);
    }
}
