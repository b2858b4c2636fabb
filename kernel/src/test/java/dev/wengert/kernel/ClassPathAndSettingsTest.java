package dev.wengert.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import javax.tools.ToolProvider;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.wengert.repl.CellError;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;

/** %jars, %classpath and IJava's environment variables, with classes compiled on the spot. */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // safety net only
class ClassPathAndSettingsTest {

    @TempDir
    static Path dir;

    private static Path classes;
    private static Path jar;

    @BeforeAll
    static void compileLibraries() throws IOException {
        classes = compile("greet", "Hello", "package greet; public class Hello { public static String hi() { return \"hi\"; } }");
        Path other = compile("count", "Counter", "package count; public class Counter { public static int three() { return 3; } }");
        jar = dir.resolve("jars/counter.jar");
        Files.createDirectories(jar.getParent());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("count/Counter.class"));
            out.write(Files.readAllBytes(other.resolve("count/Counter.class")));
            out.closeEntry();
        }
    }

    private static Path compile(String pkg, String name, String source) throws IOException {
        Path src = dir.resolve("src-" + name + "/" + pkg + "/" + name + ".java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, source);
        Path out = dir.resolve("classes-" + name);
        Files.createDirectories(out);
        int status = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", out.toString(), src.toString());
        assertEquals(0, status);
        return out;
    }

    private static String text(DisplayData data) {
        return (String) data.getData(MIMEType.TEXT_PLAIN);
    }

    @Test
    void magicsAddJarsAndFoldersRelativeToTheNotebook() throws Exception {
        WengertKernel kernel = new WengertKernel(KernelSettings.from(Map.of(), dir), List.of(), List.of(), dir);
        try {
            assertEquals("\"hi\"", text(kernel.eval("%classpath " + dir.relativize(classes) + "\ngreet.Hello.hi()")));
            assertEquals("3", text(kernel.eval("%jars jars/*.jar\ncount.Counter.three()")));
            CellError error = assertThrows(CellError.class, () -> kernel.eval("%jars missing/*.jar"));
            assertTrue(error.getMessage().startsWith("%jars: no jars match missing/*.jar"), error.getMessage());
        } finally {
            kernel.onShutdown(false);
        }
    }

    @Test
    void ijavaEnvironmentVariablesCarryOver() throws Exception {
        Path script = dir.resolve("extra.jsh");
        Files.writeString(script, "int fromScript = 7;");
        Map<String, String> env = Map.of(
                "IJAVA_CLASSPATH", jar.toString(),
                "IJAVA_STARTUP_SCRIPTS_PATH", script.toString(),
                "IJAVA_STARTUP_SCRIPT", "int inline = 35;",
                "IJAVA_COMPILER_OPTS", "-Xlint:none",
                "IJAVA_TIMEOUT", "500");
        WengertKernel kernel = new WengertKernel(KernelSettings.from(env, dir), List.of(), List.of(), dir);
        try {
            assertEquals("45", text(kernel.eval("count.Counter.three() + fromScript + inline")));
            // IJAVA_TIMEOUT: a runaway cell is interrupted, then stopped, by itself
            assertThrows(CellError.Interrupted.class, () -> kernel.eval("while (true) {}"));
            assertEquals("1", text(kernel.eval("1")));
        } finally {
            kernel.onShutdown(false);
        }
    }
}
