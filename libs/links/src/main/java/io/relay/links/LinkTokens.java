package io.relay.links;

import io.relay.web.UnauthenticatedException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import tools.jackson.databind.json.JsonMapper;

/**
 * Signed, expiring tokens for the links customers follow: {@code base64url(claims).base64url(HMAC)}.
 * Nothing in a token can be guessed or changed: the id is random and the signature covers it all.
 */
public class LinkTokens {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final LinkKeys keys;
    private final JsonMapper json;
    private final Clock clock;

    public LinkTokens(LinkKeys keys, JsonMapper json, Clock clock) {
        this.keys = keys;
        this.json = json;
        this.clock = clock;
    }

    public String issue(
            String tenantId, String customerId, String purpose, String category, String channel, Duration ttl) {
        byte[] id = new byte[12];
        RANDOM.nextBytes(id);
        LinkClaims claims = new LinkClaims(
                keys.currentId(),
                tenantId,
                customerId,
                purpose,
                category,
                channel,
                clock.instant().plus(ttl).getEpochSecond(),
                "lnk_" + B64.encodeToString(id));
        String payload = B64.encodeToString(json.writeValueAsBytes(claims));
        return payload + "." + B64.encodeToString(keys.sign(claims.keyId(), payload));
    }

    /**
     * The claims of a genuine, unexpired token for {@code purpose}.
     *
     * @throws UnauthenticatedException for anything else (answered 401, nothing changes)
     */
    public LinkClaims verify(String token, String purpose) {
        if (token == null || token.length() > 2048) {
            throw invalid();
        }
        int dot = token.indexOf('.');
        if (dot <= 0 || dot != token.lastIndexOf('.')) {
            throw invalid();
        }
        String payload = token.substring(0, dot);
        LinkClaims claims;
        byte[] signature;
        try {
            claims = json.readValue(B64D.decode(payload), LinkClaims.class);
            signature = B64D.decode(token.substring(dot + 1));
        } catch (RuntimeException e) {
            throw invalid();
        }
        if (claims.keyId() == null || !keys.verify(claims.keyId(), payload, signature)) {
            throw invalid();
        }
        if (!purpose.equals(claims.purpose()) || !Instant.now(clock).isBefore(claims.expiresAt())) {
            throw invalid();
        }
        return claims;
    }

    private static UnauthenticatedException invalid() {
        return new UnauthenticatedException("this link is not valid or has expired; ask for a new one");
    }
}
