package io.breakwater.correlate;

import io.breakwater.event.SecurityEvent;
import java.util.Objects;

/** The pod a container id was seen in. A Flink POJO kept in keyed state. */
public class PodBinding {
    public String namespace;
    public String pod;
    public String container;
    public String image;
    public String node;

    public PodBinding() {}

    static PodBinding of(SecurityEvent e) {
        PodBinding b = new PodBinding();
        b.namespace = e.namespace;
        b.pod = e.pod;
        b.container = e.container;
        b.image = e.image;
        b.node = e.node;
        return b;
    }

    /** A copy of the event with what it did not know filled in; never overwrites what a sensor reported. */
    SecurityEvent appliedTo(SecurityEvent event) {
        SecurityEvent e = event.copy();
        e.namespace = namespace;
        e.pod = pod;
        if (e.container == null) {
            e.container = container;
        }
        if (e.image == null) {
            e.image = image;
        }
        if (e.node == null) {
            e.node = node;
        }
        return e;
    }

    /** Keeps details a later sighting adds (a name, an image) without changing which pod this is. */
    PodBinding mergedWith(PodBinding later) {
        PodBinding m = new PodBinding();
        m.namespace = namespace;
        m.pod = pod;
        m.container = later.container != null ? later.container : container;
        m.image = later.image != null ? later.image : image;
        m.node = later.node != null ? later.node : node;
        return m;
    }

    boolean samePod(PodBinding o) {
        return Objects.equals(namespace, o.namespace) && Objects.equals(pod, o.pod);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof PodBinding)) {
            return false;
        }
        PodBinding b = (PodBinding) o;
        return samePod(b) && Objects.equals(container, b.container) && Objects.equals(image, b.image)
                && Objects.equals(node, b.node);
    }

    @Override
    public int hashCode() {
        return Objects.hash(namespace, pod, container);
    }
}
