package io.relay.channel.spring;

import com.rabbitmq.client.Connection;
import io.relay.messaging.ParkingReplay;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Every message ends, so none may sit parked for good: a dispatch whose retries ran out while its
 * provider was down goes back to its queue every {@code relay.channel.parked-replay-interval}, for
 * another round of retries, until it is sent or the worker gives up at {@code DELIVERY_MAX_AGE} and
 * reports it failed. Only those parked for exhausted attempts: anything else waits for an operator.
 */
final class ParkedDispatches implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ParkedDispatches.class);
    static final String EXHAUSTED = "attempts exhausted";

    private final Connection connection;
    private final String queue;
    private final Duration interval;
    private volatile boolean running;
    private Thread worker;

    ParkedDispatches(Connection connection, String queue, Duration interval) {
        this.connection = connection;
        this.queue = queue;
        this.interval = interval;
    }

    private void loop() {
        while (running) {
            try {
                Thread.sleep(interval);
                ParkingReplay.Result result = ParkingReplay.replay(
                        connection, queue, 10_000, reason -> reason != null && reason.startsWith(EXHAUSTED));
                if (result.moved() > 0) {
                    log.info("{} parked dispatch(es) back to {} for another round", result.moved(), queue);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                log.warn("parked dispatches of {} not replayed this round: {}", queue, e.toString());
            }
        }
    }

    @Override
    public void start() {
        running = true;
        worker = Thread.ofVirtual().name("parked-" + queue).start(this::loop);
    }

    @Override
    public void stop() {
        running = false;
        if (worker != null) {
            worker.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
