package dev.wengert;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The public surface of the DSL, listed in {@code src/test/resources/public-api.txt}: every
 * public class and every public or protected member a user (or a library built on the DSL) can
 * call. A change to it fails this test with the lines added and removed, so an accidental
 * public method shows up in review; a deliberate one is recorded by running
 * {@code mvn -pl dsl test -Dtest=PublicApiTest -Dwengert.api.update=true} and committing the file.
 *
 * <p>The engine's interfaces to the packages built on it (ArrayTape, TapeStorage,
 * ProgramListener, BlockOp) are public because Java has no other way to let
 * {@code dev.wengert.tensor} and {@code dev.wengert.compile} reach them; they are listed here
 * too, under their names.
 */
class PublicApiTest {
    private static final Path LISTING = Path.of("src/test/resources/public-api.txt");

    @Test
    void thePublicSurfaceIsTheListedOne() throws IOException {
        List<String> now = surface();
        if (Boolean.getBoolean("wengert.api.update")) {
            Files.createDirectories(LISTING.getParent());
            Files.write(LISTING, now, StandardCharsets.UTF_8);
            return;
        }
        List<String> listed = Files.exists(LISTING) ? Files.readAllLines(LISTING, StandardCharsets.UTF_8) : List.of();
        if (!now.equals(listed)) {
            List<String> added = new ArrayList<>(now);
            added.removeAll(listed);
            List<String> removed = new ArrayList<>(listed);
            removed.removeAll(now);
            fail("the public API changed. Added:\n  " + String.join("\n  ", added) + "\nRemoved:\n  "
                    + String.join("\n  ", removed) + "\nIf this is intended, run mvn -pl dsl test -Dtest=PublicApiTest "
                    + "-Dwengert.api.update=true and commit " + LISTING + "; if not, make the member non-public.");
        }
    }

    static List<String> surface() {
        TreeSet<String> lines = new TreeSet<>();
        for (JavaClass jc : new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.wengert")) {
            Class<?> c = jc.reflect();
            if (!visible(c)) {
                continue;
            }
            String owner = c.getName();
            lines.add(owner + " " + kind(c) + supertypes(c));
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                if (member(k.getModifiers(), c) && !k.isSynthetic()) {
                    lines.add(owner + " " + modifiers(k.getModifiers()) + "<init>(" + params(k.getGenericParameterTypes()) + ")");
                }
            }
            for (Method m : c.getDeclaredMethods()) {
                if (member(m.getModifiers(), c) && !m.isSynthetic() && !m.isBridge()) {
                    lines.add(owner + " " + modifiers(m.getModifiers()) + m.getGenericReturnType().getTypeName() + " "
                            + m.getName() + "(" + params(m.getGenericParameterTypes()) + ")");
                }
            }
            for (Field f : c.getDeclaredFields()) {
                if (member(f.getModifiers(), c) && !f.isSynthetic()) {
                    lines.add(owner + " " + modifiers(f.getModifiers()) + f.getGenericType().getTypeName() + " " + f.getName());
                }
            }
        }
        return new ArrayList<>(lines);
    }

    /** A public class whose enclosing classes are public too (anonymous and local ones are not). */
    private static boolean visible(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            if (!Modifier.isPublic(k.getModifiers()) || k.isAnonymousClass() || k.isLocalClass()) {
                return false;
            }
        }
        return true;
    }

    /** Public members, and protected ones of classes a user may extend. */
    private static boolean member(int m, Class<?> c) {
        return Modifier.isPublic(m) || (Modifier.isProtected(m) && !Modifier.isFinal(c.getModifiers()));
    }

    private static String kind(Class<?> c) {
        return c.isRecord() ? "record" : c.isEnum() ? "enum" : c.isInterface() ? "interface"
                : Modifier.isAbstract(c.getModifiers()) ? "abstract class" : "class";
    }

    private static String supertypes(Class<?> c) {
        List<String> s = new ArrayList<>();
        if (c.getGenericSuperclass() != null && c.getSuperclass() != Object.class && !c.isEnum() && !c.isRecord()) {
            s.add(c.getGenericSuperclass().getTypeName());
        }
        for (Type t : c.getGenericInterfaces()) {
            s.add(t.getTypeName());
        }
        return s.isEmpty() ? "" : " : " + String.join(", ", s);
    }

    private static String modifiers(int m) {
        return (Modifier.isProtected(m) ? "protected " : "") + (Modifier.isStatic(m) ? "static " : "");
    }

    private static String params(Type[] types) {
        return Arrays.stream(types).map(Type::getTypeName).collect(Collectors.joining(", "));
    }
}
