package io.relay.testsupport;

import java.util.Locale;
import java.util.UUID;

/** Unique names, so tests on the shared local broker, Redis and database never see each other. */
public final class TestNames {

    private TestNames() {}

    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A PostgreSQL schema name: lower case, underscores. */
    public static String schema(String prefix) {
        return (prefix + "_" + UUID.randomUUID().toString().substring(0, 8))
                .toLowerCase(Locale.ROOT)
                .replace('-', '_');
    }
}
