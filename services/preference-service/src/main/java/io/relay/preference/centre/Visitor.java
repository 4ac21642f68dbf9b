package io.relay.preference.centre;

import io.relay.preference.preference.LedgerEntry;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The customer on one of their pages, as the consent ledger's evidence: the address the request came
 * from (the gateway's {@code X-Forwarded-For}, which it sets itself and never passes on from a client),
 * the user agent, and the version of the page's wording.
 */
final class Visitor {

    /** The preference centre's wording: a digest of its templates and words, so any change of text is a new version. */
    static final String PREFERENCES_WORDING = wording(
            "templates/preferences.html",
            "templates/fragments.html",
            Words.kind("marketing")
                    + Words.kind("transactional")
                    + Words.channel("email")
                    + Words.channel("sms")
                    + Words.channel("push"));

    static final String UNSUBSCRIBE_WORDING = wording("templates/unsubscribe.html", "templates/fragments.html", "");

    private static final int MAX_AGENT = 512;

    private Visitor() {}

    static LedgerEntry.Actor of(HttpServletRequest request, String wordingVersion) {
        String forwarded = request.getHeader("X-Forwarded-For");
        String address =
                forwarded == null || forwarded.isBlank() ? request.getRemoteAddr() : forwarded.split(",")[0].strip();
        String agent = request.getHeader("User-Agent");
        if (agent != null && agent.length() > MAX_AGENT) {
            agent = agent.substring(0, MAX_AGENT);
        }
        return new LedgerEntry.Actor(null, address, agent, wordingVersion);
    }

    private static String wording(String template, String fragments, String words) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String resource : new String[] {template, fragments}) {
                try (InputStream in = Visitor.class.getClassLoader().getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new IllegalStateException("no " + resource + " on the classpath");
                    }
                    digest.update(in.readAllBytes());
                }
            }
            digest.update(words.getBytes(StandardCharsets.UTF_8));
            return "w-" + HexFormat.of().formatHex(digest.digest()).substring(0, 12);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
