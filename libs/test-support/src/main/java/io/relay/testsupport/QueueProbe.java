package io.relay.testsupport;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Reads a queue the way a downstream service would, for tests: takes messages off it, decodes them,
 * keeps those the test is about and drops the rest, until enough arrived or time ran out.
 */
public final class QueueProbe {

    private QueueProbe() {}

    /**
     * @param decode turns a message into its payload (e.g. the envelope codec's decode)
     * @return the first {@code count} matching payloads
     * @throws AssertionError when fewer arrived within the time
     */
    public static <T> List<T> take(
            Connection connection,
            String queue,
            Function<GetResponse, Object> decode,
            Class<T> type,
            Predicate<T> mine,
            int count,
            Duration within) {
        List<T> found = new ArrayList<>();
        long deadline = System.nanoTime() + within.toNanos();
        try (Channel channel = connection.createChannel()) {
            while (found.size() < count) {
                GetResponse got = channel.basicGet(queue, true);
                if (got == null) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("only " + found.size() + " of " + count + " expected messages on "
                                + queue + " within " + within);
                    }
                    Thread.sleep(20); // polling a real broker from outside
                    continue;
                }
                Object payload = decode.apply(got);
                if (type.isInstance(payload) && mine.test(type.cast(payload))) {
                    found.add(type.cast(payload));
                }
            }
            return found;
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
