package io.relay.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Against the machine's real PostgreSQL. */
class AutovacuumStandInTest {

    @Test
    void aRoundLeavesTheTableAnalysedSoItsPlansFitItsSize() throws SQLException {
        String schema = TestNames.schema("autovacuum");
        String table = schema + ".messages";
        try (Connection db = DriverManager.getConnection(
                        LocalInfrastructure.postgresUrl(), LocalInfrastructure.postgresUser(), null);
                Statement sql = db.createStatement()) {
            sql.execute("CREATE SCHEMA " + schema);
            try {
                sql.execute("CREATE TABLE " + table
                        + " (tenant_id TEXT, id TEXT, status TEXT, PRIMARY KEY (tenant_id, id))");
                sql.execute("INSERT INTO " + table
                        + " SELECT 't' || (n % 4), 'msg_' || n, 'dispatched' FROM generate_series(1, 5000) AS n");
                sql.execute("UPDATE " + table + " SET status = 'sent'"); // as every message does: a dead row each
                assertThat(reltuples(sql, table)).as("never analysed").isEqualTo(-1);
                assertThat(statistics(sql, schema)).isZero();

                AutovacuumStandIn.vacuumAnalyze(
                        List.of(new AutovacuumStandIn.Target(LocalInfrastructure.postgresUrl(), List.of(table))));

                assertThat(reltuples(sql, table)).isEqualTo(5000);
                assertThat(statistics(sql, schema))
                        .as("pg_stats has its columns")
                        .isEqualTo(3);
            } finally {
                sql.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    @Test
    void itStandsInExactlyWhereTheServerRunsWithoutAutovacuum() throws SQLException {
        boolean off;
        try (Connection db = DriverManager.getConnection(
                        LocalInfrastructure.postgresUrl(), LocalInfrastructure.postgresUser(), null);
                Statement sql = db.createStatement();
                ResultSet setting = sql.executeQuery("SHOW autovacuum")) {
            setting.next();
            off = setting.getString(1).equals("off");
        }
        try (AutovacuumStandIn standIn = AutovacuumStandIn.start(
                Duration.ofMinutes(10),
                List.of(AutovacuumStandIn.Target.database(LocalInfrastructure.postgresUrl())))) {
            assertThat(standIn.active()).isEqualTo(off);
            assertThat(standIn.rounds()).isZero();
        }
    }

    private static long reltuples(Statement sql, String table) throws SQLException {
        try (ResultSet row =
                sql.executeQuery("SELECT reltuples::bigint FROM pg_class WHERE oid = '" + table + "'::regclass")) {
            row.next();
            return row.getLong(1);
        }
    }

    private static long statistics(Statement sql, String schema) throws SQLException {
        try (ResultSet row = sql.executeQuery("SELECT count(*) FROM pg_stats WHERE schemaname = '" + schema + "'")) {
            row.next();
            return row.getLong(1);
        }
    }
}
