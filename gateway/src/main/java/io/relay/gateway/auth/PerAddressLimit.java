package io.relay.gateway.auth;

import io.relay.gateway.GatewayProperties;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import redis.clients.jedis.JedisPooled;

/**
 * Requests per second per client address on the routes that take no API key (customers' links,
 * Twilio's webhooks), counted in Redis across replicas: a link or a signature cannot be guessed at
 * speed. The address is the connection's, unless that is a proxy named in TRUSTED_PROXIES (CIDR
 * ranges, e.g. the ingress controller's pods): then the last X-Forwarded-For entry, the one it added.
 */
@Component
public class PerAddressLimit {

    private final JedisPooled redis;
    private final Clock clock;
    private final int perSecond;
    private final List<byte[][]> trusted = new ArrayList<>(); // {network, mask}

    public PerAddressLimit(JedisPooled redis, Clock clock, GatewayProperties settings) {
        int perSecond = settings.gateway().perAddressRateLimit();
        String trustedProxies = settings.gateway().trustedProxies() == null
                ? ""
                : settings.gateway().trustedProxies();
        this.redis = redis;
        this.clock = clock;
        this.perSecond = perSecond;
        for (String cidr : trustedProxies.split(",")) {
            if (!cidr.isBlank()) {
                trusted.add(range(cidr.strip()));
            }
        }
    }

    /** Whether this client ({@link #client}) may make one more request this second; blocking (Redis). */
    public boolean admit(String client) {
        String key = "gateway:per-address:" + client + ":" + clock.millis() / 1000;
        long n = redis.incr(key);
        if (n == 1) {
            redis.expire(key, 5);
        }
        return n <= perSecond;
    }

    String client(ServerHttpRequest request) {
        InetSocketAddress remote = request.getRemoteAddress();
        InetAddress address = remote == null ? null : remote.getAddress();
        if (address == null) {
            return "unknown";
        }
        String forwarded = request.getHeaders().getFirst("X-Forwarded-For");
        if (forwarded != null && trusted(address)) {
            String[] hops = forwarded.split(",");
            String last = hops[hops.length - 1].strip();
            if (!last.isEmpty() && last.length() <= 64) {
                return last;
            }
        }
        return address.getHostAddress();
    }

    private boolean trusted(InetAddress address) {
        byte[] bytes = address.getAddress();
        for (byte[][] range : trusted) {
            if (range[0].length == bytes.length) {
                boolean inside = true;
                for (int i = 0; i < bytes.length && inside; i++) {
                    inside = (bytes[i] & range[1][i]) == (range[0][i] & range[1][i]);
                }
                if (inside) {
                    return true;
                }
            }
        }
        return false;
    }

    private static byte[][] range(String cidr) {
        String[] parts = cidr.split("/");
        try {
            byte[] network = InetAddress.getByName(parts[0]).getAddress();
            int bits = parts.length > 1 ? Integer.parseInt(parts[1]) : network.length * 8;
            byte[] mask = new byte[network.length];
            for (int i = 0; i < mask.length; i++) {
                int take = Math.max(0, Math.min(8, bits - i * 8));
                mask[i] = (byte) (take == 0 ? 0 : 0xff << (8 - take));
            }
            return new byte[][] {network, mask};
        } catch (UnknownHostException | NumberFormatException e) {
            throw new IllegalArgumentException("relay.gateway.trusted-proxies: not a CIDR range: " + cidr, e);
        }
    }
}
