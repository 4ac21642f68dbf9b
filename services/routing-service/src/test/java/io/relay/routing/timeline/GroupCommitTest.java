package io.relay.routing.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relay.testsupport.LocalInfrastructure;
import io.relay.testsupport.TestNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/** Against the machine's real PostgreSQL, on a table of its own. */
class GroupCommitTest {

    private final DriverManagerDataSource dataSource =
            new DriverManagerDataSource(LocalInfrastructure.postgresUrl(), LocalInfrastructure.postgresUser(), "");
    private final DataSourceTransactionManager transactions = new DataSourceTransactionManager(dataSource);
    private final JdbcClient jdbc = JdbcClient.create(dataSource);
    private final String table =
            TestNames.unique("group_commit").replace('-', '_').replace('.', '_');
    private GroupCommit commits;

    @BeforeEach
    void createTable() {
        jdbc.sql("CREATE TABLE " + table + " (id text PRIMARY KEY)").update();
    }

    @AfterEach
    void dropTable() {
        if (commits != null) {
            commits.stop();
        }
        jdbc.sql("DROP TABLE IF EXISTS " + table).update();
    }

    private GroupCommit started(int max, Duration linger) {
        commits = new GroupCommit(transactions, max, linger);
        commits.start();
        return commits;
    }

    /** Inserts a row and answers the id of the transaction it ran in. */
    private long insert(String id) {
        return jdbc.sql("WITH i AS (INSERT INTO " + table + " (id) VALUES (:id)) SELECT txid_current()")
                .param("id", id)
                .query(Long.class)
                .single();
    }

    private boolean stored(String id) {
        // a connection of its own: what another reader sees, i.e. only what is committed
        return JdbcClient.create(new DriverManagerDataSource(
                                LocalInfrastructure.postgresUrl(), LocalInfrastructure.postgresUser(), ""))
                        .sql("SELECT count(*) FROM " + table + " WHERE id = :id")
                        .param("id", id)
                        .query(Long.class)
                        .single()
                == 1;
    }

    /** Runs each id's insert on its own thread, all let go at once; returns each caller's outcome. */
    private List<Future<Long>> concurrently(GroupCommit commits, List<String> ids) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Long>> outcomes = new ArrayList<>();
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String id : ids) {
                outcomes.add(callers.submit(() -> {
                    go.await();
                    long txid = commits.run(() -> insert(id));
                    assertThat(stored(id))
                            .as("committed before run() returned: " + id)
                            .isTrue();
                    return txid;
                }));
            }
            go.countDown();
        }
        return outcomes;
    }

    @Test
    void concurrentCallersShareATransactionAndEachReturnsOnlyOnceItsStatementIsCommitted() throws Exception {
        GroupCommit commits = started(32, Duration.ofMillis(50));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add("m-" + i);
        }

        List<Long> transactionsUsed = new ArrayList<>();
        for (Future<Long> outcome : concurrently(commits, ids)) {
            transactionsUsed.add(outcome.get());
        }

        assertThat(transactionsUsed).hasSize(20);
        assertThat(transactionsUsed.stream().distinct().count())
                .as("transactions for 20 statements")
                .isLessThan(20);
        assertThat(ids).allMatch(this::stored);
    }

    @Test
    void aFailingStatementFailsOnlyItsOwnCallerAndTheOthersOfItsBatchAreCommitted() throws Exception {
        insert("taken");
        GroupCommit commits = started(32, Duration.ofMillis(100));

        List<Future<Long>> outcomes = concurrently(commits, List.of("a", "taken", "b"));

        assertThat(outcomes.get(0).get()).isPositive();
        assertThat(outcomes.get(2).get()).isPositive();
        assertThatThrownBy(() -> outcomes.get(1).get()).hasCauseInstanceOf(DuplicateKeyException.class);
        assertThat(stored("a")).isTrue();
        assertThat(stored("b")).isTrue();
    }

    @Test
    void aCallerInATransactionRunsItsStatementInThatTransactionSoItsRollbackUndoesIt() {
        GroupCommit commits = started(32, Duration.ofMillis(50));

        assertThatThrownBy(() -> new TransactionTemplate(transactions).executeWithoutResult(status -> {
                    commits.run(() -> insert("in-caller-tx"));
                    throw new IllegalStateException("the caller's transaction fails after the statement");
                }))
                .isInstanceOf(IllegalStateException.class);

        assertThat(stored("in-caller-tx")).isFalse();
    }

    @Test
    void onceStoppedAStatementRunsAtOnceOnItsCaller() {
        GroupCommit commits = started(32, Duration.ofMillis(50));
        commits.stop();

        long txid = commits.run(() -> insert("after-stop"));

        assertThat(txid).isPositive();
        assertThat(stored("after-stop")).isTrue();
    }
}
