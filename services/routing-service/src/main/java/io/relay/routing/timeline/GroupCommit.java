package io.relay.routing.timeline;

import io.relay.routing.RoutingProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Commits the statements of concurrent callers together. A message's acceptance and each delivery event
 * are one statement that commits on its own; at 400 messages a second that is 800 transactions, and
 * this machine's PostgreSQL spent 0.23–0.26 ms of CPU a statement committed alone against 0.10–0.11 ms
 * ten to a transaction ({@code docs/benchmarks.md}). So a caller hands its statement to one worker,
 * which runs whatever has queued (up to {@code ROUTING_GROUP_COMMIT_MAX}, after waiting up to
 * {@code ROUTING_GROUP_COMMIT_LINGER} for more) in one transaction, and the caller returns only once
 * that transaction committed: what it sees is what it saw before, a statement committed.
 *
 * <p>If any statement of a batch fails, or the commit does, the batch is rolled back and each statement
 * runs again on its own, so only its own caller hears of its failure. The statements' status changes
 * are announced after the commit ({@code TransactionalEventListener}), so a rolled-back batch announces
 * nothing. A caller already in a transaction (a capped dispatch under its cap's lock) runs its statement
 * in that transaction, at once.
 */
@Component
public class GroupCommit implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);

    private final TransactionTemplate transactions;
    private final Duration linger;
    private final int max;
    private final BlockingQueue<Work<?>> queue = new LinkedBlockingQueue<>();
    private volatile Thread worker;
    private volatile boolean running;

    private static final class Work<T> {
        final Supplier<T> statement;
        final CompletableFuture<T> done = new CompletableFuture<>();
        /** what the statement returned in the batch's transaction, handed over once that committed */
        private T result;

        Work(Supplier<T> statement) {
            this.statement = statement;
        }

        void runInBatch() {
            result = statement.get();
        }

        void committed() {
            done.complete(result);
        }

        void runAlone() {
            try {
                done.complete(statement.get());
            } catch (RuntimeException | Error e) {
                done.completeExceptionally(e);
            }
        }
    }

    @org.springframework.beans.factory.annotation.Autowired
    public GroupCommit(PlatformTransactionManager transactions, RoutingProperties properties) {
        this(
                transactions,
                properties.routing().groupCommitMax(),
                properties.routing().groupCommitLinger());
    }

    public GroupCommit(PlatformTransactionManager transactions, int max, Duration linger) {
        this.transactions = new TransactionTemplate(transactions);
        this.max = max;
        this.linger = linger;
    }

    /** Runs {@code statement} and returns its result once it is committed, with others' or on its own. */
    public <T> T run(Supplier<T> statement) {
        return await(submit(statement));
    }

    /**
     * Hands {@code statement} over without waiting: the future completes once it is committed. A caller
     * with several statements submits them all, then waits, so they share one commit. Where {@link #run}
     * would run it at once (inside a transaction, on the worker, stopped), it runs here at once and the
     * future is already complete: committed with that transaction, as {@code run} would be.
     */
    public <T> CompletableFuture<T> submit(Supplier<T> statement) {
        if (!running
                || max == 1
                || Thread.currentThread() == worker
                || TransactionSynchronizationManager.isActualTransactionActive()) {
            return now(statement);
        }
        Work<T> work = new Work<>(statement);
        queue.add(work);
        if (!running && queue.remove(work)) {
            return now(statement); // stopped meanwhile, and the worker did not take it: at once, here
        }
        return work.done;
    }

    /** What a submitted statement returned, or what it threw, as {@link #run} would. */
    public static <T> T await(CompletableFuture<T> submitted) {
        try {
            return submitted.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for a commit", e);
        }
    }

    private static <T> CompletableFuture<T> now(Supplier<T> statement) {
        try {
            return CompletableFuture.completedFuture(statement.get());
        } catch (RuntimeException | Error e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void loop() {
        List<Work<?>> batch = new ArrayList<>(max);
        while (running || !queue.isEmpty()) {
            try {
                Work<?> first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, max - batch.size());
                if (batch.size() < max && !linger.isZero()) {
                    LockSupport.parkNanos(linger.toNanos());
                    queue.drainTo(batch, max - batch.size());
                }
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                // never leave a caller waiting: whatever was taken and not answered fails
                batch.forEach(w -> w.done.completeExceptionally(e));
                log.error("group commit failed: {}", e.toString());
            } finally {
                batch.clear();
            }
        }
    }

    private void commit(List<Work<?>> batch) {
        if (batch.size() == 1) {
            batch.getFirst().runAlone();
            return;
        }
        try {
            transactions.executeWithoutResult(status -> batch.forEach(Work::runInBatch));
        } catch (RuntimeException e) {
            log.debug("a batch of {} statements failed, each runs alone: {}", batch.size(), e.toString());
            batch.forEach(Work::runAlone);
            return;
        }
        batch.forEach(Work::committed);
    }

    @Override
    public void start() {
        running = true;
        worker = Thread.ofPlatform().name("group-commit").daemon().start(this::loop);
    }

    /** After the consumers and the web server stopped: what queued is committed, then the worker ends. */
    @Override
    public void stop() {
        running = false;
        Thread w = worker;
        if (w != null) {
            try {
                w.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        worker = null;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Started before the consumers and the web server, stopped after them. */
    @Override
    public int getPhase() {
        return Integer.MIN_VALUE + 1000;
    }
}
