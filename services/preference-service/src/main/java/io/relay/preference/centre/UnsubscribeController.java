package io.relay.preference.centre;

import io.relay.links.LinkClaims;
import io.relay.links.LinkTokens;
import io.relay.preference.preference.Origin;
import io.relay.preference.preference.PreferenceService;
import io.relay.web.UnauthenticatedException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;

/**
 * RFC 8058 one-click unsubscribe. A mail client POSTs {@code List-Unsubscribe=One-Click} and the
 * customer is out of that category on that channel at once. GET only shows a page with a button:
 * link scanners that prefetch URLs must not unsubscribe anybody.
 */
@Controller
public class UnsubscribeController {

    private final LinkTokens tokens;
    private final PreferenceService preferences;

    public UnsubscribeController(LinkTokens tokens, PreferenceService preferences) {
        this.tokens = tokens;
        this.preferences = preferences;
    }

    @GetMapping("/unsubscribe")
    public String confirm(@RequestParam(required = false) String token, Model model) {
        LinkClaims link = tokens.verify(token, LinkClaims.UNSUBSCRIBE);
        model.addAttribute("token", token);
        model.addAttribute("category", link.category());
        model.addAttribute("channel", Words.channel(link.channel()));
        model.addAttribute("done", false);
        return "unsubscribe";
    }

    @PostMapping(value = "/unsubscribe")
    public String unsubscribe(
            @RequestParam(required = false) String token,
            @RequestParam(name = "List-Unsubscribe", required = false) String oneClick,
            Model model,
            jakarta.servlet.http.HttpServletRequest request) {
        LinkClaims link = tokens.verify(token, LinkClaims.UNSUBSCRIBE);
        if (!"One-Click".equals(oneClick)) {
            throw new io.relay.web.InvalidRequestException("List-Unsubscribe", "must be One-Click");
        }
        preferences.withdraw(
                link.tenantId(),
                link.customerId(),
                link.category(),
                link.channel(),
                Origin.unsubscribe(link.linkId(), Visitor.of(request, Visitor.UNSUBSCRIBE_WORDING)));
        model.addAttribute("category", link.category());
        model.addAttribute("channel", Words.channel(link.channel()));
        model.addAttribute("done", true);
        return "unsubscribe";
    }

    @ExceptionHandler(UnauthenticatedException.class)
    @ResponseStatus(HttpStatus.UNAUTHORIZED)
    String invalidLink() {
        return "link-invalid";
    }
}
