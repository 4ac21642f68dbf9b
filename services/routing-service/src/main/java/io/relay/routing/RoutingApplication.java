package io.relay.routing;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
@org.springframework.boot.context.properties.EnableConfigurationProperties(RoutingProperties.class)
public class RoutingApplication {

    public static void main(String[] args) {
        // calls to preference-service use the JDK's HttpURLConnection, which keeps at most
        // http.maxConnections idle connections per host (default 5): too few for the consumers and
        // request threads that call it at once, so most calls would open a new connection
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", "64");
        }
        SpringApplication.run(RoutingApplication.class, args);
    }
}
