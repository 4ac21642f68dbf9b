package io.relay.preference.centre;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * What the customer's own pages and calls (the preference centre, unsubscribe, /v1/me) answer with:
 * no script may run and nothing may load but their own inline styles, no other site may frame them
 * (clickjacking a one-click "unsubscribe"), the link's token leaves in no Referer, and no cache keeps
 * a page that carries a customer's choices.
 */
@Component
public class PageHeaders extends OncePerRequestFilter {

    static final String POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; "
            + "base-uri 'none'; frame-ancestors 'none'";

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return !(path.equals("/preferences") || path.equals("/unsubscribe") || path.startsWith("/v1/me/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setHeader("Content-Security-Policy", POLICY);
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Content-Type-Options", "nosniff");
        chain.doFilter(request, response);
    }
}
