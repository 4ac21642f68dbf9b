package io.relay.web;

import io.relay.security.CanonicalPath;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A path the container, a filter and a handler could read differently ({@link CanonicalPath}) is
 * answered 400 problem+json before any of them runs: the same rule, and the same answer, as the
 * gateway's. The raw request URI is judged, as the client sent it.
 */
public class CanonicalPathFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<String> refusal = CanonicalPath.refusal(request.getRequestURI());
        if (refusal.isPresent()) {
            response.setStatus(400);
            response.setContentType("application/problem+json");
            response.getWriter().write(CanonicalPath.problemJson(refusal.get()));
            return;
        }
        chain.doFilter(request, response);
    }
}
