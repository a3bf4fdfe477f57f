package io.breakwater.event;

/** Which sensor reported an event. */
public enum TelemetrySource {
    K8S_AUDIT,
    FALCO,
    TETRAGON
}
