package dev.wengert.core;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A small heap and a long recording, in a JVM of its own (-Xmx64m): the implicit tape warns
 * when it nears the maximum heap, before the heap runs out, and when it cannot grow any more
 * the error names the tape, its size and resetTape(); after resetTape() the session records
 * again. No bare OutOfMemoryError reaches the user.
 */
class TapeMemoryLimitTest {

    /** Records x + x + … until the tape cannot grow, then resets and records once more. */
    public static void main(String[] args) {
        Num x = Session.current().param("x", 1.0);
        Num y = x;
        long ops = 0;
        try {
            while (true) {
                y = y.plus(x);
                ops++;
            }
        } catch (WengertException e) {
            System.out.println("ERROR " + e.getMessage());
        }
        System.out.println("OPS " + ops);
        Session.current().reset();
        Num z = Session.current().param("z", 2.0);
        System.out.println("AFTER " + z.square().d(z));
    }

    @Test
    void theTapeWarnsNearTheHeapLimitAndFailsWithAnErrorThatSaysWhatToDo() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx64m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                TapeMemoryLimitTest.class.getName()).start();
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(done, "the filler finished");
        assertEquals(0, p.exitValue(), "no OutOfMemoryError escaped: " + err);
        List<String> lines = out.lines().toList();
        String error = lines.stream().filter(l -> l.startsWith("ERROR ")).findFirst().orElse("");
        assertTrue(error.contains("the implicit tape ran out of memory") && error.contains("operations (about")
                && error.contains("resetTape()") && error.contains("-Xmx"), error);
        assertTrue(err.contains("would take over a quarter of the") && err.contains("maximum heap"),
                "warned before running out: " + err);
        long ops = Long.parseLong(lines.stream().filter(l -> l.startsWith("OPS ")).findFirst().orElseThrow().substring(4));
        assertTrue(ops > 100_000, "it recorded a while first: " + ops);
        assertTrue(err.indexOf("quarter") >= 0 && !err.contains("OutOfMemoryError"), err);
        assertEquals("AFTER 4.0", lines.get(lines.size() - 1), "the session records again after resetTape()");
    }
}
