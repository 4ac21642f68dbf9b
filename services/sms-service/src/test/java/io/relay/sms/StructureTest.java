package io.relay.sms;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.relay.testsupport.StructureRules;
import org.junit.jupiter.api.Test;

/** The packages of this service depend on each other one way only, and no main class outgrows a reader. */
class StructureTest {

    private final JavaClasses classes = StructureRules.mainClasses("io.relay.sms");

    @Test
    void noPackageCycles() {
        StructureRules.noPackageCycles("io.relay.sms").check(classes);
    }

    @Test
    void noMainClassOver300Lines() {
        StructureRules.noClassOverMaxLines().check(classes);
    }
}
