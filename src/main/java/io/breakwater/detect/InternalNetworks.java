package io.breakwater.detect;

import java.io.Serializable;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The address ranges that are "inside": private, loopback, link-local and carrier-grade NAT ranges, plus the
 * cluster's own pod and service CIDRs from the job configuration. A connection to anything else leaves the
 * cluster.
 */
public final class InternalNetworks implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final List<String> DEFAULT_RANGES = List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
            "127.0.0.0/8", "169.254.0.0/16", "100.64.0.0/10", "0.0.0.0/8", "::1/128", "fc00::/7", "fe80::/10");
    /**
     * Dotted-quad IPv4 (each part checked against 255 below), or text with a colon that starts with a hex digit or
     * a colon, which the JDK parses as an IPv6 literal or refuses without a lookup. Looser text ({@code 999.1.1.1},
     * {@code 1.2.3.4.5}, {@code .:}) would be handed to the resolver, and legacy IPv4 forms ({@code 1.2.3},
     * {@code 1234}) would be read as addresses.
     */
    private static final Pattern IP_LITERAL =
            Pattern.compile("^\\d{1,3}(?:\\.\\d{1,3}){3}$|^(?=.*:)[0-9a-fA-F:][0-9a-fA-F:.]*$");

    private final List<Cidr> ranges = new ArrayList<>();

    public InternalNetworks(List<String> cidrs) {
        for (String c : cidrs) {
            ranges.add(Cidr.parse(c.trim()));
        }
    }

    /** True for an IP literal outside every internal range; false for internal, malformed or missing addresses. */
    public boolean isExternal(String ip) {
        byte[] addr = literal(ip);
        if (addr == null) {
            return false;
        }
        for (Cidr c : ranges) {
            if (c.contains(addr)) {
                return false;
            }
        }
        return true;
    }

    /** Parses an IP literal without ever resolving a host name. */
    static byte[] literal(String ip) {
        if (ip == null || !IP_LITERAL.matcher(ip).matches()) {
            return null;
        }
        if (ip.indexOf(':') < 0) {
            for (String part : ip.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return null;
                }
            }
        }
        try {
            return InetAddress.getByName(ip).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static final class Cidr implements Serializable {
        private static final long serialVersionUID = 1L;
        final byte[] network;
        final int prefix;

        Cidr(byte[] network, int prefix) {
            this.network = network;
            this.prefix = prefix;
        }

        static Cidr parse(String cidr) {
            int slash = cidr.indexOf('/');
            byte[] net = literal(slash < 0 ? cidr : cidr.substring(0, slash));
            if (net == null) {
                throw new IllegalArgumentException("not a CIDR: " + cidr);
            }
            int prefix = slash < 0 ? net.length * 8 : Integer.parseInt(cidr.substring(slash + 1));
            if (prefix < 0 || prefix > net.length * 8) {
                throw new IllegalArgumentException("bad prefix length in " + cidr);
            }
            return new Cidr(net, prefix);
        }

        boolean contains(byte[] addr) {
            if (addr.length != network.length) {
                return false;
            }
            int bits = addr.length * 8;
            BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
                    .xor(BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE));
            return new BigInteger(1, addr).and(mask).equals(new BigInteger(1, network).and(mask));
        }
    }
}
