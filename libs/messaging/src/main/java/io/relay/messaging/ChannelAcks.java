package io.relay.messaging;

import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.time.Duration;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The acknowledgements of one consumer channel whose deliveries are handled concurrently. A handled
 * message's ack may wait up to the linger, or until {@code batch} are waiting, and then goes out as one
 * {@code multiple} ack for every handled message below the oldest one still in work: a quorum queue
 * writes each ack to its log, so one ack for many costs the broker about as much as one. What still
 * waits behind a message in work when the linger is up is acked one by one, so a slow message never
 * holds the others' share of the prefetch.
 *
 * <p>Every ack, nack and the bookkeeping beside it happen under one lock: a {@code multiple} ack never
 * covers a message another thread is about to settle on its own (the broker would close the channel
 * for an unknown delivery tag). A crash loses the waiting acks and the broker hands those messages out
 * again: at-least-once, as after a crash between a handler and its ack.
 */
final class ChannelAcks {

    private static final Logger log = LoggerFactory.getLogger(ChannelAcks.class);

    private final Channel channel;
    private final Duration linger;
    private final int batch;
    private final ScheduledExecutorService timer;
    private final ReentrantLock lock = new ReentrantLock();
    /** delivered and neither handled nor settled */
    private final NavigableSet<Long> inWork = new TreeSet<>();
    /** handled, ack not sent yet */
    private final NavigableSet<Long> waiting = new TreeSet<>();

    private boolean flushPlanned;

    /** @param timer sends the acks whose linger is up; may be null when {@code linger} is zero */
    ChannelAcks(Channel channel, Duration linger, int batch, ScheduledExecutorService timer) {
        this.channel = channel;
        this.linger = linger;
        this.batch = Math.max(1, batch);
        this.timer = timer;
    }

    /** In delivery order, before the message's handling starts. */
    void delivered(long tag) {
        lock.lock();
        try {
            inWork.add(tag);
        } finally {
            lock.unlock();
        }
    }

    /** The handler finished: acked now, or with the others within the linger. */
    void handled(long tag) throws IOException {
        lock.lock();
        try {
            inWork.remove(tag);
            if (linger.isZero()) {
                channel.basicAck(tag, false);
                return;
            }
            waiting.add(tag);
            if (waiting.size() >= batch) {
                send(false);
            }
            if (!waiting.isEmpty() && !flushPlanned) {
                flushPlanned = true;
                timer.schedule(this::flush, linger.toNanos(), TimeUnit.NANOSECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Settled on its own, e.g. after it was moved to the retry or parking queue. */
    void ack(long tag) throws IOException {
        lock.lock();
        try {
            channel.basicAck(tag, false);
            inWork.remove(tag);
        } finally {
            lock.unlock();
        }
    }

    /** Handed back to the broker for another consumer. */
    void requeue(long tag) throws IOException {
        lock.lock();
        try {
            channel.basicNack(tag, false, true);
            inWork.remove(tag);
        } finally {
            lock.unlock();
        }
    }

    /** Sends every waiting ack: the linger is up, or the channel is about to close. */
    void flush() {
        lock.lock();
        try {
            flushPlanned = false;
            send(true);
        } catch (IOException | RuntimeException e) {
            // the channel is gone: the broker hands those messages out again
            log.debug("deferred ack failed: {}", e.toString());
            waiting.clear();
        } finally {
            lock.unlock();
        }
    }

    private void send(boolean all) throws IOException {
        if (waiting.isEmpty()) {
            return;
        }
        Long upTo = inWork.isEmpty() ? waiting.last() : waiting.lower(inWork.first());
        if (upTo != null) {
            channel.basicAck(upTo, true);
            waiting.headSet(upTo, true).clear();
        }
        if (all || waiting.size() >= batch) {
            for (long tag : waiting) {
                channel.basicAck(tag, false);
            }
            waiting.clear();
        }
    }
}
