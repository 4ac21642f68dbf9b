package io.relay.gateway;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import reactor.netty.ReactorNetty;

@SpringBootApplication
@ConfigurationPropertiesScan
public class GatewayApplication {

    private static final Logger log = LoggerFactory.getLogger(GatewayApplication.class);

    public static void main(String[] args) {
        eventLoopsForAProxy();
        SpringApplication.run(GatewayApplication.class, args);
    }

    /**
     * Reactor Netty's defaults cost this proxy about a third of its CPU per request (infra/bench/gateway.sh).
     * Its event loops: at least four even in a one-CPU pod, so the client connection a request borrows from
     * the pool usually belongs to another loop and every request crosses threads twice; here one per CPU.
     * Its transport: native epoll changes a connection's interest in reads with an epoll_ctl call four times
     * per proxied request, where the JDK selector folds those changes into its next wait; io_uring queues
     * them, and the reads and writes, and hands them to the kernel together, so it costs less than either
     * (README, "Gateway cost"). So io_uring where the kernel and the container's seccomp profile let it
     * start a ring, else the JDK selector; Kubernetes' RuntimeDefault and Docker's default profiles block
     * io_uring. Either can still be set with -Dreactor.netty.ioWorkerCount / -Dreactor.netty.native.
     */
    static void eventLoopsForAProxy() {
        if (System.getProperty(ReactorNetty.IO_WORKER_COUNT) == null) {
            System.setProperty(
                    ReactorNetty.IO_WORKER_COUNT,
                    Integer.toString(Runtime.getRuntime().availableProcessors()));
        }
        if (System.getProperty(ReactorNetty.NATIVE) == null) {
            // Reactor Netty prefers io_uring to epoll when both are available: "true" means io_uring here
            System.setProperty(ReactorNetty.NATIVE, Boolean.toString(IoUring.isAvailable()));
        }
    }

    /** Which transport the event loops use, and why not io_uring: an SRE reads it in the start-up log. */
    static String transport() {
        if (!Boolean.parseBoolean(System.getProperty(ReactorNetty.NATIVE, "true"))) {
            return IoUring.isAvailable()
                    ? "nio (io_uring available, turned off by -Dreactor.netty.native=false)"
                    : "nio (io_uring unavailable: " + IoUring.unavailabilityCause() + ")";
        }
        if (IoUring.isAvailable()) {
            return "io_uring";
        }
        return Epoll.isAvailable() ? "epoll" : "nio";
    }

    @Bean
    ApplicationListener<ApplicationReadyEvent> transportReport() {
        return ready -> log.info(
                "event loops: {}, transport: {}",
                System.getProperty(ReactorNetty.IO_WORKER_COUNT, "Reactor Netty's default number"),
                transport());
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
