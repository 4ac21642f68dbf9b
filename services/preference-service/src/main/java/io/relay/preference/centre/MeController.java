package io.relay.preference.centre;

import io.relay.links.LinkClaims;
import io.relay.links.LinkTokens;
import io.relay.preference.preference.Origin;
import io.relay.preference.preference.PreferenceService;
import io.relay.preference.preference.PreferencesRequest;
import io.relay.preference.preference.PreferencesView;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /v1/me/preferences?token=}: the preference centre as JSON, for the customer's own apps. */
@RestController
public class MeController {

    private final LinkTokens tokens;
    private final PreferenceService preferences;

    public MeController(LinkTokens tokens, PreferenceService preferences) {
        this.tokens = tokens;
        this.preferences = preferences;
    }

    @GetMapping("/v1/me/preferences")
    public PreferencesView get(@RequestParam(required = false) String token) {
        LinkClaims link = tokens.verify(token, LinkClaims.PREFERENCES);
        return preferences.view(link.tenantId(), link.customerId());
    }

    @PutMapping("/v1/me/preferences")
    public PreferencesView put(
            @RequestParam(required = false) String token,
            @RequestBody PreferencesRequest request,
            jakarta.servlet.http.HttpServletRequest http) {
        LinkClaims link = tokens.verify(token, LinkClaims.PREFERENCES);
        // the page is the business's own, so its wording is not ours to name
        return preferences.update(
                link.tenantId(),
                link.customerId(),
                request,
                Origin.preferenceCentre(link.linkId(), Visitor.of(http, null)),
                false);
    }
}
