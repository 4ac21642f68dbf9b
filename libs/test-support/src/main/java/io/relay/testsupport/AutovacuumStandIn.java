package io.relay.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Autovacuum's work for what a suite or benchmark made, on a PostgreSQL that runs without it: this
 * machine's CI configuration sets {@code autovacuum = off}, and every production PostgreSQL runs it
 * (the default). Every {@code every}, each target is vacuumed and analysed, as autovacuum would.
 *
 * <p>Without it a table the services write to is never analysed, and the statements they prepared
 * while it was empty keep their first plans: a message looked up by its key was found by reading every
 * row of its tenant through another index, so PostgreSQL's cost per message grew with the table (5.5
 * against 1.6 ms a message after five minutes at 80/s, docs/benchmarks.md). ANALYZE also makes the
 * services' prepared statements plan again. Does nothing where the server runs autovacuum itself.
 */
public final class AutovacuumStandIn implements AutoCloseable {

    private final Thread worker;
    private final AtomicLong rounds = new AtomicLong();
    private volatile boolean running = true;

    /**
     * A database as {@code jdbcUrl}, and in it {@code tables} (schema-qualified), or the whole database
     * when none is named.
     */
    public record Target(String jdbcUrl, List<String> tables) {
        public static Target database(String jdbcUrl) {
            return new Target(jdbcUrl, List.of());
        }
    }

    private AutovacuumStandIn(Duration every, List<Target> targets, boolean needed) {
        this.worker = needed ? Thread.ofVirtual().name("autovacuum-stand-in").start(() -> loop(every, targets)) : null;
    }

    /** Starts it when the server's autovacuum is off; the first round comes after {@code every}. */
    public static AutovacuumStandIn start(Duration every, List<Target> targets) {
        return new AutovacuumStandIn(every, targets, !targets.isEmpty() && autovacuumOff(targets.getFirst()));
    }

    /** Whether it runs: the server's autovacuum is off. */
    public boolean active() {
        return worker != null;
    }

    /** Rounds done so far. */
    public long rounds() {
        return rounds.get();
    }

    /** One round now, on the calling thread: vacuum and analyse every target. */
    public static void vacuumAnalyze(List<Target> targets) throws SQLException {
        for (Target target : targets) {
            try (Connection connection = connect(target);
                    Statement statement = connection.createStatement()) {
                // VACUUM cannot run in a transaction: the JDBC default (autocommit) runs each on its own
                if (target.tables().isEmpty()) {
                    statement.execute("VACUUM (ANALYZE)");
                } else {
                    statement.execute("VACUUM (ANALYZE) " + String.join(", ", target.tables()));
                }
            }
        }
    }

    private void loop(Duration every, List<Target> targets) {
        while (running) {
            try {
                Thread.sleep(every);
                if (running) {
                    vacuumAnalyze(targets);
                    rounds.incrementAndGet();
                }
            } catch (InterruptedException e) {
                return;
            } catch (SQLException e) {
                // a database dropped under it as the suite ends, or a server restarting: the next round tries again
                System.err.println("autovacuum stand-in: " + e.getMessage());
            }
        }
    }

    private static boolean autovacuumOff(Target target) {
        try (Connection connection = connect(target);
                Statement statement = connection.createStatement();
                var result = statement.executeQuery("SHOW autovacuum")) {
            return result.next() && "off".equals(result.getString(1));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot ask PostgreSQL whether autovacuum runs", e);
        }
    }

    private static Connection connect(Target target) throws SQLException {
        return DriverManager.getConnection(target.jdbcUrl(), LocalInfrastructure.postgresUser(), null);
    }

    /** Stops it, waiting for a round in progress to finish (before the suite drops its databases). */
    @Override
    public void close() {
        running = false;
        if (worker != null) {
            worker.interrupt();
            try {
                worker.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
