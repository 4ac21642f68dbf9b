package io.relay.security;

import java.util.Locale;
import java.util.Optional;

/**
 * One path, one decision: a request path that a router, a filter and a handler could read differently
 * is refused before any of them sees it. That is a raw path with an encoded {@code /}, {@code .},
 * {@code \} or {@code ;} (any case), a {@code ;} parameter, a {@code \}, an empty segment ({@code //})
 * or a dot segment ({@code .} or {@code ..}). What is left decodes to one path only, so a check on it
 * (the operator token's, a route's, a handler's) means the same everywhere.
 */
public final class CanonicalPath {

    /** The problem type both the gateway and the services answer with, as 400. */
    public static final String PROBLEM_TYPE = "https://relay.example/problems/path-not-canonical";

    public static final String TITLE = "Path not canonical";

    private CanonicalPath() {}

    /** Why {@code rawPath} (undecoded, without the query) is refused; empty when it is canonical. */
    public static Optional<String> refusal(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return Optional.empty();
        }
        String upper = rawPath.toUpperCase(Locale.ROOT);
        if (upper.contains("%2F")) {
            return Optional.of("the path contains an encoded '/' (%2F)");
        }
        if (upper.contains("%2E")) {
            return Optional.of("the path contains an encoded '.' (%2E)");
        }
        if (upper.contains("%5C")) {
            return Optional.of("the path contains an encoded '\\' (%5C)");
        }
        if (upper.contains("%3B")) {
            return Optional.of("the path contains an encoded ';' (%3B)");
        }
        if (rawPath.indexOf(';') >= 0) {
            return Optional.of("the path contains a ';' parameter");
        }
        if (rawPath.indexOf('\\') >= 0) {
            return Optional.of("the path contains a '\\'");
        }
        int start = rawPath.charAt(0) == '/' ? 1 : 0;
        while (start <= rawPath.length()) {
            int end = rawPath.indexOf('/', start);
            if (end < 0) {
                end = rawPath.length();
            }
            String segment = rawPath.substring(start, end);
            if (segment.isEmpty() && end < rawPath.length()) {
                return Optional.of("the path contains an empty segment (//)");
            }
            if (segment.equals(".") || segment.equals("..")) {
                return Optional.of("the path contains a dot segment ('" + segment + "')");
            }
            start = end + 1;
        }
        return Optional.empty();
    }

    /** The RFC 9457 body for a refused path: fixed texts only, nothing of the request echoed. */
    public static String problemJson(String reason) {
        return "{\"type\":\"" + PROBLEM_TYPE + "\",\"title\":\"" + TITLE + "\",\"status\":400,\"detail\":\""
                + reason.replace("\\", "\\\\") + "; send the path in its one plain form\"}";
    }
}
