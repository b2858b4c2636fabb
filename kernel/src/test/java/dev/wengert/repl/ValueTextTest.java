package dev.wengert.repl;

import static dev.wengert.Wengert.minimize;
import static dev.wengert.Wengert.param;
import static dev.wengert.Wengert.square;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.wengert.core.Num;
import dev.wengert.display.Displayable;
import dev.wengert.optim.OptimizationResult;

/** Values as the front ends print them: plain ones as JShell does, shortened; DSL ones whole. */
class ValueTextTest {

    @Test
    void plainValuesReadAsJShellWritesThem() {
        assertEquals("\"abc\"", ValueText.of("abc", 0));
        assertEquals("int[2] { 1, 2 }", ValueText.of(new int[] {1, 2}, 0));
        assertEquals("null", ValueText.of(null, 0));
    }

    @Test
    void longPlainValuesAreCutInTheMiddleToTheChosenLength() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz";
        assertEquals("abcde ... vwxyz", ValueText.truncate(alphabet, 15));
        assertEquals(alphabet, ValueText.truncate(alphabet, 0), "0: never shortened");
        assertEquals(alphabet, ValueText.truncate(alphabet, 26));
        String quoted = ValueText.of("x".repeat(5000), 1000);
        assertEquals(1000, quoted.length());
        assertTrue(quoted.startsWith("\"xxx") && quoted.endsWith("xxx\"") && quoted.contains(" ... "), quoted);
    }

    @Test
    void dslValuesArePrintedWhole() {
        OptimizationResult result = minimize(p -> square(p[0].minus(3)), 0.0);
        assertTrue(result.toString().length() > 40, result.toString());
        assertEquals(result.toString(), ValueText.of(result, 40));
        Num x = param("x", 1.5);
        assertEquals(x.toString(), ValueText.of(x, 3));
        Displayable custom = new Displayable() {
            @Override
            public Map<String, String> mimeBundle() {
                return Map.of("text/plain", toString());
            }

            @Override
            public String toString() {
                return "a displayable value of the user's, longer than the limit";
            }
        };
        assertEquals(custom.toString(), ValueText.of(custom, 10));
    }
}
