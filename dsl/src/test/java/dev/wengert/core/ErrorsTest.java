package dev.wengert.core;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicReference;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;

/** Misuse gets a clear error naming the operation, the value and the fix — never a wrong number. */
class ErrorsTest {

    @BeforeEach
    void fresh() {
        mode(Mode.REVERSE);
        resetTape();
    }

    @AfterEach
    void restore() {
        mode(Mode.REVERSE);
        checkNonFinite(false);
        tapeWarning(Session.DEFAULT_WARN_AT);
    }

    private static String message(Runnable r) {
        return assertThrows(RuntimeException.class, r::run).getMessage();
    }

    @Test
    void backwardOnAConstant() {
        String m = message(() -> constant(2).times(3).backward());
        assertTrue(m.contains("does not depend on any parameter") && m.contains("param("), m);
    }

    @Test
    void derivativeWithRespectToANonParameter() {
        var x = param("x", 2.0);
        Num y = x.times(3);
        String m = message(() -> y.square().d(y));
        assertTrue(m.contains("not a parameter") && m.contains("gradient(f, x)"), m);
    }

    @Test
    void gradBeforeAnyBackward() {
        var x = param("x", 2.0);
        String m = message(x::grad);
        assertTrue(m.contains("parameter 'x'") && m.contains("backward()"), m);
    }

    @Test
    void valueAfterResetNamesTheParameter() {
        var x = param("x", 2.0);
        resetTape();
        String m = message(() -> x.times(2));
        assertTrue(m.contains("parameter 'x'") && m.contains("resetTape()") && m.contains("param("), m);
    }

    @Test
    void valueEscapingAFunctionalCall() {
        AtomicReference<Num> leaked = new AtomicReference<>();
        gradient(v -> {
            leaked.set(v[0]);
            return v[0].square();
        }, 1.0);
        String m = message(() -> leaked.get().plus(1));
        assertTrue(m.contains("functional call") && m.contains(".value()"), m);
    }

    @Test
    void mixingModes() {
        var r = param("r", 1.0);
        mode(Mode.FORWARD);
        var f = param("f", 2.0);
        String m = message(() -> r.times(f));
        assertTrue(m.contains("mul") && m.contains("parameter 'r'") && m.contains("parameter 'f'")
                && m.contains("same mode"), m);
    }

    @Test
    void anOuterParameterInsideAFunctionalCallIsAConstantOfIt() {
        var outer = param("outer", 1.5);
        // nesting: the gradient with respect to f's own argument; outer is a constant there
        assertArrayEquals(new double[] {1.5}, gradient(v -> v[0].times(outer), 2.0));
    }

    @Test
    void usingAValueOnAnotherThread() throws Exception {
        var x = param("x", 1.0);
        AtomicReference<Throwable> err = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                x.times(2);
            } catch (Throwable e) {
                err.set(e);
            }
        }, "worker");
        t.start();
        t.join();
        assertInstanceOf(WengertException.class, err.get());
        String m = err.get().getMessage();
        assertTrue(m.contains("parameter 'x'") && m.contains("worker") && m.contains("thread"), m);
    }

    @Test
    void ruleWithTheWrongNumberOfPartials() {
        Fn bad = rule("bad", 2, v -> v[0] + v[1], v -> new double[] {1});
        String m = message(() -> gradient(bad, 1, 2));
        assertTrue(m.contains("'bad'") && m.contains("1 partials") && m.contains("2 arguments"), m);
        String n = message(() -> bad.apply(param("p", 1)));
        assertTrue(n.contains("takes 2 arguments"), n);
    }

    @Test
    void arraysOfTheWrongLength() {
        String m = message(() -> gradient(v -> v[0].times(v[2]), 1.0, 2.0));
        assertTrue(m.contains("given 2 inputs") && m.contains("gradient"), m);
        String j = message(() -> jvp(v -> new Num[] {v[0]}, new double[] {1, 2}, new double[] {1}));
        assertTrue(j.contains("v has 1 values but x has 2"), j);
        String u = message(() -> vjp(v -> new Num[] {v[0], v[1]}, new double[] {1, 2}, new double[] {1}));
        assertTrue(u.contains("u has 1 values") && u.contains("2 outputs"), u);
        String e = message(() -> gradient(v -> v[0], new double[0]));
        assertTrue(e.contains("no coordinates"), e);
        String n = message(() -> gradient(null, 1.0));
        assertTrue(n.contains("function is null"), n);
    }

    @Test
    void checkingModeStopsAtTheFirstNonFiniteValue() {
        checkNonFinite(true);
        var x = param("x", -1.0);
        Num y = x.times(2);
        NonFiniteException e = assertThrows(NonFiniteException.class, () -> y.log());
        assertEquals("log", e.operation());
        assertEquals(2, e.position());
        assertTrue(e.getMessage().contains("log(-2.0) = NaN") && e.getMessage().contains("#2"), e.getMessage());
        checkNonFinite(false);
        assertTrue(Double.isNaN(y.log().value()), "off: IEEE NaN propagates");
    }

    @Test
    void largeImplicitTapeWarnsOnce() {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true));
        try {
            tapeWarning(1000);
            var x = param("x", 1.0);
            Num s = x;
            for (int i = 0; i < 3000; i++) {
                s = s.plus(x);
            }
        } finally {
            System.setErr(old);
        }
        String out = buf.toString();
        assertTrue(out.contains("1,000 operations") && out.contains("resetTape()"), out);
        assertEquals(out.indexOf("wengert:"), out.lastIndexOf("wengert:"), "warns once");
    }

    @Test
    void aWarningSizeBelowTheTapeWarnsAtTheNextOperation() {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true));
        String before;
        try {
            var x = param("x", 1.0);
            Num s = x;
            for (int i = 0; i < 100; i++) {
                s = s.plus(x);
            }
            tapeWarning(10);                       // the tape is already larger
            before = buf.toString();
            s = s.plus(x);
            s = s.plus(x);
        } finally {
            System.setErr(old);
        }
        assertEquals("", before, "setting the size does not warn by itself");
        String out = buf.toString();
        assertTrue(out.contains("operations") && out.contains("resetTape()"), out);
        assertEquals(out.indexOf("wengert:"), out.lastIndexOf("wengert:"), "warns once");
    }

    @Test
    void aStaleValueIsRefusedAsEitherOperandOnItsOwnTape() {
        // the second gradient call borrows the same private tape, rewound: the leaked value
        // shares the tape with the new parameter but not its generation
        AtomicReference<Num> leaked = new AtomicReference<>();
        gradient(v -> {
            leaked.set(v[0].square());
            return v[0];
        }, 1.0);
        for (boolean second : new boolean[] {true, false}) {
            RuntimeException e = assertThrows(RuntimeException.class,
                    () -> gradient(v -> second ? v[0].times(leaked.get()) : leaked.get().times(v[0]), 1.0));
            assertTrue(e.getMessage().contains("escaped"), e.getMessage());
        }
    }
}
