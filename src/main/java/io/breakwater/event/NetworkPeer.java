package io.breakwater.event;

import java.util.Objects;

/** The remote end of a connection. A Flink POJO. */
public class NetworkPeer {
    public String ip;
    public Integer port;
    /** Upper case, e.g. TCP, UDP. */
    public String protocol;

    public NetworkPeer() {}

    public NetworkPeer(String ip, Integer port, String protocol) {
        this.ip = ip;
        this.port = port;
        this.protocol = protocol;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof NetworkPeer)) {
            return false;
        }
        NetworkPeer n = (NetworkPeer) o;
        return Objects.equals(ip, n.ip) && Objects.equals(port, n.port) && Objects.equals(protocol, n.protocol);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ip, port, protocol);
    }

    @Override
    public String toString() {
        return protocol + " " + ip + ":" + port;
    }
}
