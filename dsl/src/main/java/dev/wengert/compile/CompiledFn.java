package dev.wengert.compile;

import dev.wengert.core.Fn;
import dev.wengert.core.Num;
import dev.wengert.core.Tape;
import dev.wengert.core.ValueAndGradient;

import java.util.Arrays;

/**
 * A function recorded once and replayed for new inputs: {@link #gradient} recomputes every
 * recorded operation's value and partials in place (no allocation per operation) and sweeps
 * back; {@link #value} recomputes the values alone.
 *
 * <p>Control flow is guarded. Every comparison the function made on recorded values while it
 * was recorded ({@code gt}, {@code lt}, …), and every direct read of a recorded value, is
 * checked after each replay; when one would come out differently, the function is recorded
 * again for the new inputs, transparently ({@link #recordings()} counts this). A compiled
 * gradient is therefore never the gradient of the wrong branch. A function that cannot be
 * replayed (it nests another differentiation) is recorded on every call instead.
 *
 * <p>Calls are synchronized: one compiled function may be shared between threads.
 *
 * <pre>{@code
 * CompiledFn f = compile(x -> x[0].gt(0) ? x[0].square() : x[0].neg(), 1.0);
 * f.gradient(3.0);    // [6.0], replayed
 * f.gradient(-2.0);   // [-1.0], the guard failed, so it was recorded again
 * f.recordings();     // 2
 * }</pre>
 */
public final class CompiledFn {
    private final Fn f;
    private final int n;
    private Program program;
    private Tape tape;
    private int[] leaves;
    private int output;
    private double constantValue;
    private int recordings;
    private int hvpReplaysSkipped;

    /** Records f at x0. */
    public CompiledFn(Fn f, double[] x0) {
        if (f == null) {
            throw new IllegalArgumentException("compile(f, x0): the function is null");
        }
        if (x0 == null || x0.length == 0) {
            throw new IllegalArgumentException("compile(f, x0): give the point to record at (at least one value)");
        }
        this.f = f;
        this.n = x0.length;
        record(x0);
    }

    private void record(double[] x) {
        if (program != null) {
            program.discard();                     // its loops, or a job still generating them, are for the old recording
        }
        program = new Program("the compiled tape of compile(f, x0)");
        tape = program.tape();
        Num[] in = new Num[n];
        leaves = new int[n];
        for (int i = 0; i < n; i++) {
            in[i] = program.parameter(x[i]);
            leaves[i] = in[i].position();
        }
        Num y;
        try {
            y = f.apply(in);
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("compile(f, x0): f was given " + n + " inputs and read past them ("
                    + e.getMessage() + ")", e);
        }
        if (y == null) {
            throw new IllegalArgumentException("compile(f, x0): f returned null; it must return a Num");
        }
        output = program.positionOf(y);
        constantValue = output >= 0 ? tape.value(output) : y.value();
        recordings++;
    }

    private void checkInputs(double[] x) {
        if (x == null || x.length != n) {
            throw new IllegalArgumentException("compiled function: it was compiled for " + n + " inputs but was given "
                    + (x == null ? "null" : String.valueOf(x.length)));
        }
    }

    /** Replays (or records again) at x. */
    private void prepare(double[] x) {
        checkInputs(x);
        if (!program.replayable() || !program.replay(leaves, x)) {
            record(x);
        } else if (output >= 0) {
            program.considerLoops(output);
        }
    }

    /**
     * f(x), from a replay that computes values only: each recorded operation's value by its
     * rule, no partial derivative (generated loops run a values-only method too), and the
     * guards checked as for a gradient, so a branch change records again. The same bits as
     * the value of {@link #valueAndGradient} and as f on doubles.
     *
     * <pre>{@code
     * CompiledFn f = compile(x -> x[0].times(x[1]).plus(exp(x[0])), 1.0, 2.0);
     * f.value(0.0, 3.0);   // 1.0
     * }</pre>
     */
    public synchronized double value(double... x) {
        program.callStarted(false);
        checkInputs(x);
        if (!program.replayable() || !program.replayValues(leaves, x)) {
            record(x);
        } else if (output >= 0) {
            program.considerLoops(output);
        }
        double v = output < 0 ? constantValue : tape.value(output);
        program.callEnded(false);
        return v;
    }

    /** ∇f(x), by replay and one backward sweep. */
    public synchronized double[] gradient(double... x) {
        return valueAndGradient(x).gradient();
    }

    /** f(x) and ∇f(x) from one replay. */
    public synchronized ValueAndGradient valueAndGradient(double... x) {
        double[] g = new double[n];
        return new ValueAndGradient(valueAndGradientInto(x, g), g);
    }

    /**
     * f(x), with ∇f(x) written into {@code gradient}: the same replay as
     * {@link #valueAndGradient}, allocating nothing, for loops over many inputs (a row at a time).
     *
     * <pre>{@code
     * CompiledFn f = compile(x -> x[0].times(x[1]), 1.0, 1.0);
     * double[] g = new double[2];
     * double v = f.valueAndGradientInto(new double[] {3, 4}, g);   // v = 12, g = [4, 3]
     * }</pre>
     *
     * @param x        the inputs, as many as the function was compiled for
     * @param gradient receives ∂f/∂xᵢ; at least as long as x
     * @return f(x)
     */
    public synchronized double valueAndGradientInto(double[] x, double[] gradient) {
        if (gradient == null || gradient.length < n) {
            throw new IllegalArgumentException("compiled function: valueAndGradientInto needs a gradient array of at least "
                    + n + " elements (one per input) but was given " + (gradient == null ? "null" : String.valueOf(gradient.length))
                    + "; allocate new double[" + n + "] once and reuse it");
        }
        checkInputs(x);
        program.callStarted(true);
        if (output >= 0 && program.replayable() && program.replaysWithSweep(output)) {
            // the loop that ends at the output runs forward and backward in one pass
            if (program.replayAndSweep(leaves, x, output)) {
                program.considerLoops(output);
                program.adjoints(leaves, gradient);
                program.callEnded(true);
                return tape.value(output);
            }
            record(x);                                // a guard failed: the branch changed
        } else {
            prepare(x);
        }
        if (output < 0) {
            Arrays.fill(gradient, 0, n, 0.0);
            return constantValue;
        }
        program.sweep(output);
        program.adjoints(leaves, gradient);
        program.callEnded(true);
        return tape.value(output);
    }

    /**
     * H(x)·v, the Hessian–vector product, from a replay: forward over reverse on the recorded
     * nodes ({@link SecondOrder}) — tangents forward, then adjoints and their tangents in one
     * pass backward, array operations as whole blocks. A recording with nested differentiation
     * or a first-order user rule takes the nested way instead.
     *
     * <p>The replay interprets every node, since generated loops keep their partials in locals.
     * It is skipped when the tape already holds every value and partial for this very x (bit for
     * bit): after a gradient at x that ran no generated loop, or an earlier product at x. So
     * {@code valueAndGradientInto(x, g)} followed by {@code hvp(x, v)}, a Newton step's pair,
     * replays once. The results are the same bits either way.
     *
     * <pre>{@code
     * CompiledFn f = compile(x -> x[0].square().times(x[1]), 1.0, 2.0);
     * f.hvp(new double[] {1, 2}, new double[] {1, 0});   // [4, 2]: the first column of [[2x₁, 2x₀], [2x₀, 0]]
     * }</pre>
     */
    public synchronized double[] hvp(double[] x, double[] v) {
        checkInputs(x);
        if (v == null || v.length != n) {
            throw new IllegalArgumentException("compiled function: hvp(x, v) needs a direction of " + n + " values, not "
                    + (v == null ? "null" : String.valueOf(v.length)));
        }
        replayForProduct(x);
        double[] out = new double[n];
        if (output < 0) {
            return out;
        }
        if (!program.replayable()) {
            return dev.wengert.core.Functional.hvp(f, x, v);
        }
        try {
            SecondOrder.sweeps(program, leaves, output, v, out);
            return out;
        } catch (SecondOrder.Unsupported e) {
            return dev.wengert.core.Functional.hvp(f, x, v);
        }
    }

    /**
     * f(x), its gradient into {@code gradient} and H(x)·v into {@code hv}, from one replay and
     * one product: the backward pass of {@link #hvp} forms the adjoints, which are the gradient,
     * as it forms their tangents — what a Newton-type step needs, at about the cost of the
     * product alone, where {@link #valueAndGradientInto} followed by {@link #hvp} sweeps the
     * tape backward twice (as {@code jvp(grad(f))} gives both in JAX). The value, gradient and
     * product are the same bits as those two calls give.
     *
     * <pre>{@code
     * CompiledFn f = compile(x -> x[0].square().times(x[1]), 1.0, 2.0);
     * double[] g = new double[2], hv = new double[2];
     * f.gradientAndHvpInto(new double[] {1, 2}, new double[] {1, 0}, g, hv);   // 2.0; g = [4, 1], hv = [4, 2]
     * }</pre>
     *
     * @return f(x)
     * @throws IllegalArgumentException for arrays of the wrong length
     */
    public synchronized double gradientAndHvpInto(double[] x, double[] v, double[] gradient, double[] hv) {
        checkInputs(x);
        if (v == null || v.length != n || gradient == null || gradient.length != n || hv == null || hv.length != n) {
            throw new IllegalArgumentException("compiled function: gradientAndHvpInto(x, v, gradient, hv) needs a "
                    + "direction v and two output arrays of " + n + " values each (given " + length(v) + ", "
                    + length(gradient) + " and " + length(hv) + ")");
        }
        replayForProduct(x);
        if (output < 0) {
            java.util.Arrays.fill(gradient, 0.0);
            java.util.Arrays.fill(hv, 0.0);
            return constantValue;
        }
        if (program.replayable()) {
            try {
                SecondOrder.sweeps(program, leaves, output, v, hv, gradient);
                return tape.value(output);
            } catch (SecondOrder.Unsupported e) {
                // a node without second-order tangents: the two calls, each with its own way
            }
        }
        double y = valueAndGradientInto(x, gradient);
        System.arraycopy(hvp(x, v), 0, hv, 0, n);
        return y;
    }

    /**
     * The replay a product needs: every node interpreted with its partials (generated loops keep
     * theirs in locals), or none when the tape already holds them for this very x.
     */
    private void replayForProduct(double[] x) {
        if (!program.replayable()) {
            return;
        }
        if (program.currentAt(leaves, x)) {
            // the last call replayed every node at this very x (a gradient without generated
            // loops, or an earlier product): a replay would write the same bits again
            hvpReplaysSkipped++;
        } else if (!program.replayInterpreted(leaves, x)) {
            record(x);                                 // a guard failed: the branch changed
        }
    }

    private static String length(double[] a) {
        return a == null ? "null" : String.valueOf(a.length);
    }

    /** How many products found the tape's values and partials current at their x and did not replay (tests count it). */
    synchronized int hvpReplaysSkipped() {
        return hvpReplaysSkipped;
    }

    /** How many times f was recorded: 1, plus one for every replay whose guards failed. */
    public synchronized int recordings() {
        return recordings;
    }

    /** The number of recorded operations. */
    public synchronized int size() {
        return tape.size();
    }

    /**
     * How many of the recorded operations run as generated Java loops. A loop in f records the
     * same operations again and again; once the compiled function's calls have taken as long as
     * generating them is estimated to cost (0.5 s plus 2 µs per recorded operation, so a short
     * run never pays for it; {@code -Dwengert.codegen.repay=MS} sets that time,
     * {@code -Dwengert.codegen=N} a threshold in replayed operations instead, {@code off}
     * disables it), those runs are compiled to Java loops that the JIT treats like hand-written
     * code. They give the same values and gradients to the bit.
     *
     * <p>The compiling happens on a thread of its own ({@code wengert-codegen}, at the lowest OS
     * priority on Linux), with javac in a child process at the lowest priority too
     * ({@code -Dwengert.codegen.javac=inprocess}: in this JVM): calls go on
     * interpreting meanwhile and never wait for it; the loops are taken up by the first call
     * after they are ready, already compiled by the JIT. Loops that differ only in where they
     * sit (the rows of a double loop over data) share one generated method
     * ({@link #generatedMethods()}); the source is bounded ({@code -Dwengert.codegen.source=N}
     * characters, 200,000 by default: the shapes covering the most operations first). The
     * next few calls then time each shape generated and interpreted, and a shape that is not
     * faster is dropped ({@code -Dwengert.codegen.verdict=keep} keeps all). Loops
     * over {@code double[]} data count too (a constant that changes with the iteration, as in
     * {@code p[0].times(t[i])}). When f returns what a loop sums ({@code s = s.plus(term)},
     * each term reading inputs that move with the loop), possibly scaled or shifted
     * ({@code s.div(m)}), a gradient runs that loop forward and backward in one pass, with
     * nothing stored in between ({@link #toString()} says so). A
     * tape with array operations ({@code Tensor}) is not generated: its operations already run
     * as whole-array loops.
     *
     * <pre>{@code
     * CompiledFn f = compile(x -> { Num s = x[0]; for (int i = 1; i < x.length; i++) s = s.plus(x[i].square()); return s; },
     *                        new double[1000]);
     * for (int k = 0; k < 200_000; k++) f.gradient(new double[1000]);   // calls long enough to repay generating
     * f.awaitGeneratedCode(60_000);
     * f.generatedOperations();   // 1996 once taken up: the loop's square and add, 998 times (the first add starts from x[0])
     * }</pre>
     */
    public synchronized int generatedOperations() {
        return program.loopOperations();
    }

    /**
     * How many generated methods the loops share: one per loop shape, however many loops have it
     * (the rows of a loop over data), 0 without generated loops.
     */
    public synchronized int generatedMethods() {
        return program.loopShapes();
    }

    /** The size of the Java source generated for the current recording's loops, in characters (0 if none). */
    public synchronized int generatedSourceChars() {
        return program.sourceChars();
    }

    /** The program that replays this function's recording (tests count its clears). */
    synchronized Program program() {
        return program;
    }

    /** Waits until the code generation thread is done with this function and takes its loops up (tests only). */
    synchronized void awaitLoops() {
        program.awaitLoops();
    }

    /**
     * Waits, at most {@code millis} milliseconds, for the code generation thread to finish this
     * function's loops, and takes them up; returns whether it has (or was never asked to). For
     * benchmarks and scripts that want to time a steady state: calls themselves never wait.
     *
     * <pre>{@code
     * for (int k = 0; k < 1000; k++) f.gradient(x);   // enough replays to hand the loops over
     * f.awaitGeneratedCode(60_000);
     * }</pre>
     */
    public boolean awaitGeneratedCode(long millis) {
        long end = System.nanoTime() + millis * 1_000_000L;
        while (true) {
            synchronized (this) {
                program.callStarted();
                if (!program.generating()) {
                    return true;
                }
            }
            if (System.nanoTime() > end) {
                return false;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /**
     * Whether the next gradient's sweep is the program's own (it knows what the sweep from the
     * output reaches, from an earlier one) rather than the tape's first sweep (tests only).
     */
    synchronized boolean sweepsWithKnownReach() {
        return output >= 0 && program.storage().reachIsFrom(output);
    }

    /** Whether the code generation thread is working on this function's loops. */
    synchronized boolean generating() {
        return program.generating();
    }

    /** How many control-flow guards the current recording checks. */
    public synchronized int guards() {
        return program.guards();
    }

    @Override
    public synchronized String toString() {
        return "compiled function of " + n + " input" + (n == 1 ? "" : "s") + ": " + tape.size() + " operations, "
                + program.guards() + " guard" + (program.guards() == 1 ? "" : "s") + ", recorded " + recordings
                + " time" + (recordings == 1 ? "" : "s") + (program.replayable() ? "" : " (not replayable: it nests "
                + "another differentiation, so every call records)")
                + (program.loopsSummary() == null ? "" : "; " + program.loopsSummary());
    }
}
