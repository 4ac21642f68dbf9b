package io.relay.routing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The decision core stays plain Java: testable in milliseconds, free of wiring and I/O. */
class ArchitectureTest {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.relay.routing");

    @Test
    void theDecisionCoreUsesNoSpringNoBrokerNoDatabaseNoHttp() {
        noClasses()
                .that()
                .resideInAPackage("..routing.decide..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.springframework..",
                        "com.rabbitmq..",
                        "io.relay.messaging..",
                        "java.sql..",
                        "java.net..",
                        "redis.clients..",
                        "io.relay.routing.timeline..")
                .check(classes);
    }

    @Test
    void theMessageModelIsTheGroundFloorEveryOtherPackageStandsOn() {
        noClasses()
                .that()
                .resideInAPackage("..routing.message..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.relay.routing.accept..",
                        "io.relay.routing.decide..",
                        "io.relay.routing.route..",
                        "io.relay.routing.schedule..",
                        "io.relay.routing.timeline..",
                        "io.relay.routing.delivery..",
                        "io.relay.routing.erase..",
                        "io.relay.routing.template..",
                        "io.relay.routing.webhook..",
                        "io.relay.routing.metrics..",
                        "io.relay.routing.customer..",
                        "io.relay.routing.config..")
                .check(classes);
    }

    @Test
    void theDecisionCoreSeesPreferenceServicesAnswerNotItsClient() {
        noClasses()
                .that()
                .resideInAPackage("..routing.decide..")
                .should()
                .dependOnClassesThat()
                .haveSimpleNameEndingWith("Client")
                .check(classes);
    }
}
