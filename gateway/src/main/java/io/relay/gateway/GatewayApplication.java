package io.relay.gateway;

import java.time.Clock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

@SpringBootApplication
@ConfigurationPropertiesScan
public class GatewayApplication {

    public static void main(String[] args) {
        eventLoopsForAProxy();
        SpringApplication.run(GatewayApplication.class, args);
    }

    /**
     * Reactor Netty's defaults cost this proxy about a third of its CPU per request (infra/bench/gateway.sh):
     * at least four event loops even in a one-CPU pod, so the client connection a request borrows from the
     * pool usually belongs to another loop and every request crosses threads twice; and the native epoll
     * transport, which changes a connection's interest in reads with an epoll_ctl call four times per
     * proxied request, where the JDK selector folds those changes into its next wait. Either can still be
     * set with -Dreactor.netty.ioWorkerCount / -Dreactor.netty.native.
     */
    static void eventLoopsForAProxy() {
        if (System.getProperty("reactor.netty.ioWorkerCount") == null) {
            System.setProperty(
                    "reactor.netty.ioWorkerCount",
                    Integer.toString(Runtime.getRuntime().availableProcessors()));
        }
        if (System.getProperty("reactor.netty.native") == null) {
            System.setProperty("reactor.netty.native", "false");
        }
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
