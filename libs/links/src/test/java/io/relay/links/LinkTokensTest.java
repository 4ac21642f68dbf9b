package io.relay.links;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relay.testsupport.MutableClock;
import io.relay.web.UnauthenticatedException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Signing, expiry and key rotation of customer links: pure, no server needed. */
class LinkTokensTest {

    private static final String OLD_KEY = "old-signing-key-0123456789";
    private static final String NEW_KEY = "new-signing-key-9876543210";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T09:00:00Z"));
    private final JsonMapper json = JsonMapper.builder().build();

    private LinkTokens tokens(String current, String previous) {
        return new LinkTokens(new LinkKeys(current, previous), json, clock);
    }

    @Test
    void aLinkNamesTenantCustomerAndPurposeAndCarriesARandomId() {
        LinkTokens signer = tokens(NEW_KEY, "");
        String a = signer.issue("acme", "c-1", LinkClaims.UNSUBSCRIBE, "offers", "email", Duration.ofDays(1));
        String b = signer.issue("acme", "c-1", LinkClaims.UNSUBSCRIBE, "offers", "email", Duration.ofDays(1));

        LinkClaims claims = signer.verify(a, LinkClaims.UNSUBSCRIBE);

        assertThat(claims.tenantId()).isEqualTo("acme");
        assertThat(claims.customerId()).isEqualTo("c-1");
        assertThat(claims.category()).isEqualTo("offers");
        assertThat(claims.channel()).isEqualTo("email");
        assertThat(a).isNotEqualTo(b);
        assertThat(claims.linkId())
                .isNotEqualTo(signer.verify(b, LinkClaims.UNSUBSCRIBE).linkId());
    }

    @Test
    void afterRotationOldLinksStillWorkWhileTheOldKeyIsListedAsPrevious() {
        String oldLink =
                tokens(OLD_KEY, "").issue("acme", "c-1", LinkClaims.PREFERENCES, null, null, Duration.ofDays(7));

        assertThat(tokens(NEW_KEY, OLD_KEY)
                        .verify(oldLink, LinkClaims.PREFERENCES)
                        .customerId())
                .isEqualTo("c-1");
        assertThatThrownBy(() -> tokens(NEW_KEY, "").verify(oldLink, LinkClaims.PREFERENCES))
                .as("once the old key is retired, its links stop working")
                .isInstanceOf(UnauthenticatedException.class);
    }

    @Test
    void aLinkStopsWorkingTheMomentItExpires() {
        LinkTokens signer = tokens(NEW_KEY, "");
        String link = signer.issue("acme", "c-1", LinkClaims.PREFERENCES, null, null, Duration.ofHours(1));

        clock.advance(Duration.ofMinutes(59));
        assertThat(signer.verify(link, LinkClaims.PREFERENCES)).isNotNull();
        clock.advance(Duration.ofMinutes(1));
        assertThatThrownBy(() -> signer.verify(link, LinkClaims.PREFERENCES))
                .isInstanceOf(UnauthenticatedException.class);
    }

    @Test
    void aShortOrMissingSigningKeyIsRefusedAtStart() {
        assertThatThrownBy(() -> new LinkKeys("short", "")).hasMessageContaining("LINK_SIGNING_KEY");
    }
}
