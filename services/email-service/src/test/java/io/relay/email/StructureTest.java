package io.relay.email;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.relay.testsupport.StructureRules;
import org.junit.jupiter.api.Test;

/** The packages of this service depend on each other one way only, and no main class outgrows a reader. */
class StructureTest {

    private final JavaClasses classes = StructureRules.mainClasses("io.relay.email");

    @Test
    void noPackageCycles() {
        StructureRules.noPackageCycles("io.relay.email").check(classes);
    }

    @Test
    void noMainClassOver300Lines() {
        StructureRules.noClassOverMaxLines().check(classes);
    }
}
