package io.relay.testsupport;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shape every service and the gateway keep, as ArchUnit rules over their main classes: their
 * packages depend on each other one way only, and no class outgrows what a reader takes in at once.
 * Each module's {@code StructureTest} checks both.
 */
public final class StructureRules {

    /** The most lines a main source file may have. */
    public static final int MAX_LINES = 300;

    private StructureRules() {}

    /** The module's own main classes (run from the module's directory, as Maven does). */
    public static JavaClasses mainClasses(String rootPackage) {
        return new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(rootPackage);
    }

    /** No cycle between the packages right under {@code rootPackage} (each with its sub-packages). */
    public static ArchRule noPackageCycles(String rootPackage) {
        return slices().matching(rootPackage + ".(*)..").should().beFreeOfCycles();
    }

    /** No top-level main class whose source file is longer than {@link #MAX_LINES} lines. */
    public static ArchRule noClassOverMaxLines() {
        return classes().that().areTopLevelClasses().should(haveAtMostLines(MAX_LINES));
    }

    private static ArchCondition<JavaClass> haveAtMostLines(int max) {
        return new ArchCondition<>("have at most " + max + " lines of source") {
            @Override
            public void check(JavaClass javaClass, ConditionEvents events) {
                Path source = sourceOf(javaClass);
                if (source == null) {
                    return;
                }
                long lines = lines(source);
                events.add(new SimpleConditionEvent(
                        javaClass,
                        lines <= max,
                        javaClass.getName() + " has " + lines + " lines (" + source + "), more than " + max));
            }
        };
    }

    private static Path sourceOf(JavaClass javaClass) {
        String file = javaClass
                .getSource()
                .flatMap(source -> source.getFileName())
                .orElse(javaClass.getSimpleName() + ".java");
        Path path = Path.of("src/main/java", javaClass.getPackageName().replace('.', '/'), file);
        return Files.isRegularFile(path) ? path : null;
    }

    private static long lines(Path source) {
        try (var lines = Files.lines(source)) {
            return lines.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
