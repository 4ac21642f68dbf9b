package io.relay.preference;

import java.time.Clock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

@SpringBootApplication
@org.springframework.boot.context.properties.EnableConfigurationProperties(
        io.relay.preference.export.ExportProperties.class)
public class PreferenceApplication {

    public static void main(String[] args) {
        SpringApplication.run(PreferenceApplication.class, args);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
