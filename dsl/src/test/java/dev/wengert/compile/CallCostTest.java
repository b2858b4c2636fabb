package dev.wengert.compile;

import dev.wengert.core.Fn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.wengert.compile.GeneratedLoopsTest.points;
import static dev.wengert.compile.GeneratedLoopsTest.restore;
import static dev.wengert.compile.AllocatedBytes.allocated;
import static dev.wengert.compile.AllocatedBytes.counter;
import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * What a compiled gradient allocates per call, counted in bytes on the calling thread, not
 * timed (issue 20: no call of a run more than 2× its median). A call that allocated would
 * bring on collections that land in single calls; once the first call has sized the sweep's
 * buffers, {@code valueAndGradientInto} allocates nothing, interpreted or with generated loops,
 * gradients and values alike.
 */
class CallCostTest {
    private String saved;
    private String savedVerdict;

    @BeforeEach
    void save() {
        saved = System.getProperty("wengert.codegen");
        savedVerdict = System.getProperty("wengert.codegen.verdict");
    }

    @AfterEach
    void restoreProperties() {
        restore("wengert.codegen", saved);
        restore("wengert.codegen.verdict", savedVerdict);
    }

    /** The fewest bytes any of 20 calls after the first allocated (gradient, value), and the most a gradient did. */
    private static long[] fewestBytes(CompiledFn c, double[][] x) {
        var mx = counter();
        double[] g = new double[x[0].length];
        c.valueAndGradientInto(x[0], g);
        c.value(x[0]);
        long gradient = Long.MAX_VALUE;
        long most = 0;
        long value = Long.MAX_VALUE;
        for (int k = 1; k < x.length; k++) {
            long before = allocated(mx);
            c.valueAndGradientInto(x[k], g);
            long used = allocated(mx) - before;
            gradient = Math.min(gradient, used);
            most = Math.max(most, used);
            before = allocated(mx);
            c.value(x[k]);
            value = Math.min(value, allocated(mx) - before);
        }
        return new long[] {gradient, value, most};
    }

    @Test
    void anInterpretedGradientAllocatesNothingPerCall() {
        System.setProperty("wengert.codegen", "off");
        Fn f = CodegenTest.llsq(64);
        CompiledFn c = compile(f, points(32, 1, 40)[0]);
        long[] bytes = fewestBytes(c, points(32, 21, 41));
        assertEquals(0, bytes[0], "bytes allocated by a gradient of " + c);
        assertEquals(0, bytes[1], "bytes allocated by a value of " + c);
        // one call in a run may see a few KB the JVM allocates on the thread (seen once in 20
        // calls while the JIT replaced the interpreter's methods): nothing that grows with the tape
        assertTrue(bytes[2] < 4_096, bytes[2] + " bytes in the costliest of 20 gradients of " + c.size() + " operations");
        assertEquals(0, c.generatedOperations());
    }

    @Test
    void aGradientWithGeneratedLoopsAllocatesNothingPerCall() {
        System.setProperty("wengert.codegen", "0");
        System.setProperty("wengert.codegen.verdict", "keep");
        Fn f = CodegenTest.llsq(64);
        CompiledFn c = GeneratedLoopsTest.generated(f, points(40, 1, 42)[0]);
        assertTrue(c.generatedOperations() > 0, c.toString());
        long[] bytes = fewestBytes(c, points(40, 21, 43));
        assertEquals(0, bytes[0], "bytes allocated by a gradient of " + c);
        assertEquals(0, bytes[1], "bytes allocated by a value of " + c);
        assertTrue(c.generatedOperations() > 0, "still generated: " + c);
    }
}
