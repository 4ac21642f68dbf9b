package io.relay.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.MDC;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Puts the request id and tenant into the logging context, echoes {@code X-Request-Id}, and refuses
 * bodies over the limit before anything reads them.
 */
public class RequestContextFilter extends OncePerRequestFilter {

    public static final String REQUEST_ID = "X-Request-Id";
    public static final String TENANT = "X-Tenant-Id";
    /** The id (never the secret) of the API key a request came with, set by the gateway: who acted. */
    public static final String KEY_ID = "X-Tenant-Key-Id";
    /** The gateway's proof that it set X-Tenant-Id: a secret the services share with it (INTERNAL_TOKEN). */
    public static final String INTERNAL_TOKEN = "X-Internal-Token";

    private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private final long maxBodyBytes;
    private final byte[] internalToken;

    public RequestContextFilter(long maxBodyBytes, String internalToken) {
        this.maxBodyBytes = maxBodyBytes;
        this.internalToken = internalToken.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String requestId = request.getHeader(REQUEST_ID);
        if (requestId == null || !SANE_ID.matcher(requestId).matches()) {
            requestId = UUID.randomUUID().toString();
        }
        response.setHeader(REQUEST_ID, requestId);
        MDC.put("requestId", requestId);
        String tenant = request.getHeader(TENANT);
        // the services' own API for the gateway (/internal/**) needs the proof even without a tenant
        if (tenant != null || isInternal(request)) {
            // a tenant is believed only from the gateway: calling a service directly with a forged one fails
            String proof = request.getHeader(INTERNAL_TOKEN);
            if (proof == null
                    || !java.security.MessageDigest.isEqual(
                            internalToken, proof.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
                writeProblem(
                        response,
                        401,
                        "unauthenticated",
                        "Unauthenticated",
                        tenant != null
                                ? "X-Tenant-Id is accepted only from the gateway"
                                : "this endpoint is the gateway's only");
                MDC.remove("requestId");
                return;
            }
            if (tenant != null) {
                MDC.put("tenantId", tenant);
            }
        }
        try {
            if (request.getContentLengthLong() > maxBodyBytes) {
                writeTooLarge(response);
                return;
            }
            chain.doFilter(new LimitedRequest(request, maxBodyBytes), response);
        } finally {
            MDC.remove("requestId");
            MDC.remove("tenantId");
        }
    }

    /** The decoded path starts with /internal/ (a canonical path: CanonicalPathFilter ran first). */
    private static boolean isInternal(HttpServletRequest request) {
        String path = request.getRequestURI();
        if (path.indexOf('%') >= 0) {
            path = java.net.URLDecoder.decode(path.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        }
        return path.regionMatches(true, 0, "/internal/", 0, "/internal/".length());
    }

    private void writeTooLarge(HttpServletResponse response) throws IOException {
        writeProblem(
                response,
                413,
                "too-large",
                "Request body too large",
                "request body is larger than " + maxBodyBytes + " bytes");
    }

    private static void writeProblem(HttpServletResponse response, int status, String type, String title, String detail)
            throws IOException {
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.getWriter()
                .write("{\"type\":\"" + Problems.TYPE_BASE + type + "\",\"title\":\"" + title + "\",\"status\":"
                        + status + ",\"detail\":\"" + detail + "\"}");
    }

    /** Counts what is read, for bodies sent without a Content-Length. */
    private static final class LimitedRequest extends HttpServletRequestWrapper {
        private final long limit;

        LimitedRequest(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            ServletInputStream in = super.getInputStream();
            return new ServletInputStream() {
                private long read;

                @Override
                public int read() throws IOException {
                    int b = in.read();
                    if (b >= 0 && ++read > limit) {
                        throw new PayloadTooLargeException(limit);
                    }
                    return b;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    int n = in.read(buf, off, len);
                    if (n > 0 && (read += n) > limit) {
                        throw new PayloadTooLargeException(limit);
                    }
                    return n;
                }

                @Override
                public boolean isFinished() {
                    return in.isFinished();
                }

                @Override
                public boolean isReady() {
                    return in.isReady();
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    in.setReadListener(listener);
                }
            };
        }
    }
}
