package io.relay.security;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where the platform may send a request that a business chose the address of (a status webhook): only
 * {@code https}, and only to public addresses: never loopback, private (10/8, 172.16/12, 192.168/16),
 * shared (100.64/10), link-local (169.254/16, where cloud metadata lives; fe80::/10), unique-local
 * (fc00::/7), multicast or unspecified, nor an IPv4 address wrapped in IPv6. The receivers a local run or
 * a test needs are named, as {@code host:port}, in the allowed list (WEBHOOK_ALLOWED_HOSTS), which lifts
 * the address and {@code https} rules for those alone.
 */
public final class OutboundTargets {

    private final Set<String> allowed;

    /** {@code allowedHosts}: comma-separated {@code host:port}, as WEBHOOK_ALLOWED_HOSTS gives them. */
    public OutboundTargets(String allowedHosts) {
        this.allowed = allowedHosts == null
                ? Set.of()
                : Arrays.stream(allowedHosts.split(","))
                        .map(String::strip)
                        .filter(s -> !s.isEmpty())
                        .map(s -> s.toLowerCase(Locale.ROOT).replace("[", "").replace("]", ""))
                        .collect(Collectors.toUnmodifiableSet());
    }

    /** Whether {@code host:port} is one of the receivers named in the allowed list. */
    public boolean allowed(String host, int port) {
        return allowed.contains(hostPort(host, port));
    }

    /**
     * Why {@code url} may not be a target (empty when it may): not an absolute http(s) URL with a host,
     * not https, or a host that is, or resolves to, an address inside our walls. A host that does not
     * resolve now is not refused here: it is checked again, address by address, at every send.
     */
    public Optional<String> refusal(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return Optional.of("must be an absolute https URL");
        }
        if (!uri.isAbsolute() || uri.getHost() == null || uri.getRawUserInfo() != null) {
            return Optional.of("must be an absolute https URL with a host and no user info");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            return Optional.of("must be an absolute https URL");
        }
        int port = uri.getPort() > 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        if (allowed(uri.getHost(), port)) {
            return Optional.empty();
        }
        if (!scheme.equals("https")) {
            return Optional.of("must be https");
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(bare(uri.getHost()))) {
                if (internal(address)) {
                    return Optional.of("must not point at a loopback, private, link-local or other internal address");
                }
            }
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * The addresses a send to {@code host:port} may connect to: all of the host's, unless one is
     * internal (then none: a name that resolves inside our walls is refused whole). A named receiver
     * resolves as it is.
     */
    public List<InetAddress> resolve(String host, int port) throws UnknownHostException {
        InetAddress[] addresses = InetAddress.getAllByName(bare(host));
        if (allowed(host, port)) {
            return List.of(addresses);
        }
        for (InetAddress address : addresses) {
            if (internal(address)) {
                throw new UnknownHostException(
                        "refused: the webhook host resolves to an internal address (" + address.getHostAddress() + ")");
            }
        }
        return List.of(addresses);
    }

    /** Loopback, private, shared, link-local, unique-local, multicast, unspecified or IPv4-in-IPv6. */
    public static boolean internal(InetAddress address) {
        if (address.isLoopbackAddress()
                || address.isAnyLocalAddress()
                || address.isLinkLocalAddress()
                || address.isSiteLocalAddress()
                || address.isMulticastAddress()) {
            return true;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first == 0 // "this network"
                    || (first == 100 && second >= 64 && second <= 127) // shared address space (CGNAT)
                    || (first == 192 && second == 0 && (b[2] & 0xff) == 0) // IETF protocol assignments
                    || (first == 198 && (second == 18 || second == 19)) // benchmarking
                    || first >= 240; // reserved and broadcast
        }
        if (address instanceof Inet6Address) {
            int first = b[0] & 0xff;
            if ((first & 0xfe) == 0xfc) {
                return true; // unique-local fc00::/7
            }
            boolean v4Embedded = true; // ::ffff:a.b.c.d and ::a.b.c.d carry an IPv4 address
            for (int i = 0; i < 10; i++) {
                v4Embedded &= b[i] == 0;
            }
            if (v4Embedded && ((b[10] == 0 && b[11] == 0) || (b[10] == (byte) 0xff && b[11] == (byte) 0xff))) {
                return true;
            }
            return (first == 0x20 && (b[1] & 0xff) == 0x02) // 6to4 2002::/16 wraps an IPv4 address
                    || (first == 0x00
                            && (b[1] & 0xff) == 0x64
                            && (b[2] & 0xff) == 0xff
                            && (b[3] & 0xff) == 0x9b); // NAT64
        }
        return true;
    }

    private static String hostPort(String host, int port) {
        return bare(host).toLowerCase(Locale.ROOT) + ":" + port;
    }

    private static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
