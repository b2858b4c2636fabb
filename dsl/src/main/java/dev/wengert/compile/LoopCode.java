package dev.wengert.compile;


import dev.wengert.rules.Arithmetic;
import dev.wengert.rules.BinaryRule;
import dev.wengert.rules.Source;
import dev.wengert.rules.UnaryRule;

import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * Turns the loops of a compiled tape ({@link LoopFinder}) back into Java loops: for each, a
 * forward method that recomputes the values (keeping them in locals, storing only what is read
 * outside the loop or needed later), a values-only variant of it for a compiled value (no
 * partials, only what is read outside stored), and a backward method that runs the loop in
 * reverse, recomputing the cheap values it needs and summing adjoints in locals. Compiled by the JDK's
 * own compiler (in a child process, {@link ChildJavac}) into a hidden class, which the JIT then compiles like
 * hand-written code and which is unloaded with the tape.
 *
 * <p>Where a loop sits on the tape is a parameter of its methods, not a literal: its first
 * node {@code lo}, its first partial {@code q0}, its iteration count {@code n} and the base of
 * each cluster of external operands arrive in an {@code int[]} ({@link Loop#offsets}), its
 * varying constants in a {@code double[]}. So loops that differ only in their offsets produce
 * the same text ({@link #text}) and share one method ({@link LoopGroup}); the generated
 * source grows with the number of loop shapes, not with the number of loops.
 *
 * <p>Every expression is the one the replay interpreter and the sweep evaluate, in the same
 * order, so the generated loops reproduce the interpreter's values and adjoints to the bit.
 *
 * <p>Why generated source and not a library: the code is arithmetic on locals and arrays that
 * {@code javac} (always present where JShell is) compiles directly; a bytecode library would
 * add a dependency to write the same thing less readably.
 */
final class LoopCode {
    private static final String CLASS = "WengertLoops";
    /** Stands for a group's index in the texts of its methods until the group is numbered. */
    static final String NAME = "\u00a7";

    private final List<Object> data = new ArrayList<>();
    private final StringBuilder fields = new StringBuilder();
    private final StringBuilder init = new StringBuilder();
    /** The value and partial fields of rule calls, one per rule and bound constant. */
    private final Map<Object, Map<String, Integer>> ruleFields = new IdentityHashMap<>();
    private int ruleCount;
    /** The text being written. */
    private StringBuilder src;

    LoopCode() {
    }

    /**
     * The text of loop l's methods — f§ (forward), fv§ (forward computing values only), b§
     * (backward) and, when it runs in one pass, fb§ — with § standing for the group's index. Equal texts mean equal code: such loops
     * share one method.
     */
    String text(Loop l) {
        src = new StringBuilder();
        loop(l);
        String t = src.toString();
        src = null;
        return t;
    }

    /** The class holding every group's methods, each text named by its group's index. */
    String source(List<LoopGroup> groups) {
        StringBuilder s = new StringBuilder();
        s.append("package dev.wengert.compile;\n")
                .append("import java.util.function.DoubleBinaryOperator;\n")
                .append("import java.util.function.DoubleUnaryOperator;\n")
                .append("final class ").append(CLASS).append(" {\n")
                .append(fields);
        if (!data.isEmpty()) {
            s.append("  static {\n    Object[] d;\n    try {\n")
                    .append("      d = java.lang.invoke.MethodHandles.classData(java.lang.invoke.MethodHandles.lookup(), \"_\", Object[].class);\n")
                    .append("    } catch (IllegalAccessException e) {\n      throw new ExceptionInInitializerError(e);\n    }\n")
                    .append(init)
                    .append("  }\n");
        }
        for (LoopGroup g : groups) {
            s.append(g.text.replace(NAME, String.valueOf(g.index)));
        }
        return s.append("}\n").toString();
    }

    /**
     * Compiles the source (in a child process at low priority, {@link ChildJavac}, unless
     * {@code -Dwengert.codegen.javac=inprocess}) and loads it as a hidden class; sets each
     * group's method handles. Throws when there is no compiler or it refuses (the caller keeps
     * interpreting then).
     */
    void load(String source, List<LoopGroup> groups, java.util.function.BooleanSupplier cancelled)
            throws ReflectiveOperationException, IOException, InterruptedException {
        if (Boolean.getBoolean("wengert.codegen.print")) {
            System.err.println(source);                       // -Dwengert.codegen.print=true, to read what runs
        }
        byte[] bytes = null;
        if (ChildJavac.inChild()) {
            try {
                bytes = ChildJavac.compile("dev.wengert.compile", CLASS, source, cancelled);
            } catch (IOException e) {
                // no temporary folder or no process could be started: compile here, as without a javac executable
                ChildJavac.CHILD_FAILURES.incrementAndGet();
            }
        }
        if (bytes == null) {
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            if (javac == null) {
                throw new IllegalStateException("this Java runtime has no compiler (module jdk.compiler)");
            }
            ChildJavac.IN_JVM_COMPILES.incrementAndGet();
            bytes = compile(javac, source);
        }
        MethodHandles.Lookup hidden = MethodHandles.lookup().defineHiddenClassWithClassData(bytes, data.toArray(), true);
        MethodType fwd = MethodType.methodType(void.class, double[].class, double[].class, int[].class, double[].class);
        MethodType bwd = MethodType.methodType(void.class, double[].class, double[].class, double[].class, int[].class,
                double[].class);
        MethodType vals = MethodType.methodType(void.class, double[].class, int[].class, double[].class);
        for (LoopGroup g : groups) {
            g.forward = hidden.findStatic(hidden.lookupClass(), "f" + g.index, fwd);
            g.values = hidden.findStatic(hidden.lookupClass(), "fv" + g.index, vals);
            g.backward = hidden.findStatic(hidden.lookupClass(), "b" + g.index, bwd);
            if (g.loops.get(0).onePass) {
                g.fused = hidden.findStatic(hidden.lookupClass(), "fb" + g.index, bwd);
            }
        }
    }

    private static byte[] compile(JavaCompiler javac, String source) {
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StandardJavaFileManager std = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JavaFileManager files = new ForwardingJavaFileManager<>(std) {
            @Override
            public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                                                       FileObject sibling) {
                return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + kind.extension), kind) {
                    @Override
                    public OutputStream openOutputStream() {
                        return out;
                    }
                };
            }
        };
        JavaFileObject unit = new SimpleJavaFileObject(
                URI.create("string:///dev/wengert/compile/" + CLASS + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        boolean ok = javac.getTask(null, files, diagnostics, List.of("-g:none", "-proc:none", "-nowarn"), null,
                List.of(unit)).call();
        try {
            files.close();
        } catch (IOException ignored) {
            // an in-memory file manager has nothing to release
        }
        if (!ok) {
            throw new IllegalStateException("the generated loops did not compile: " + diagnostics.getDiagnostics());
        }
        return out.toByteArray();
    }

    // ---- one loop -------------------------------------------------------------------------------

    private Loop l;
    /** Values the backward method needs, by slot. */
    private boolean[] need;
    /** Slots whose values the forward method stores in every iteration. */
    private boolean[] store;
    /** Slots read by the next iteration. */
    private boolean[] carried;

    private void loop(Loop l) {
        this.l = l;
        int p = l.period;
        need = new boolean[p];
        store = new boolean[p];
        carried = new boolean[p];
        for (int j = 0; j < p; j++) {
            store[j] = l.out[j] == Loop.OUT_ALL;
            for (int a = 0; a < l.kind[j].length; a++) {
                if (l.kind[j][a] == Loop.CARRIED) {
                    carried[l.ref[j][a]] = true;
                }
            }
        }
        for (int j = 0; j < p; j++) {
            for (int a : partialOperands(l.code[j])) {
                needOperand(j, a);
            }
            if (partialNeedsValue(l.code[j])) {
                needValue(j);
            }
        }
        forward();
        values();
        backward();
        if (l.onePass) {
            fused();
        }
    }

    /** Whether loop l (which ends at the output) can run forward and backward in one pass. */
    static boolean onePass(Loop l) {
        boolean[] carried = new boolean[l.period];
        for (int j = 0; j < l.period; j++) {
            for (int a = 0; a < l.kind[j].length; a++) {
                if (l.kind[j][a] == Loop.CARRIED) {
                    carried[l.ref[j][a]] = true;
                }
            }
        }
        return new OnePass(l, carried).possible();
    }

    /** The start of every method: the loop's position and its clusters' bases, from the offsets. */
    private void prologue() {
        src.append("    final int lo = o[0], q0 = o[1], n = o[2];\n");
        for (int c = 0; c < l.bases.length; c++) {
            src.append("    final int e").append(c).append(" = o[").append(3 + c).append("];\n");
        }
        src.append("    final int lastB = lo + (n - 1) * ").append(l.period).append(";\n");
    }

    // ---- the arithmetic, from the rules' Source ------------------------------------------------

    /** The formulas of an arithmetic opcode: its rule's {@link Source}. */
    private static Source source(byte c) {
        return switch (c) {
            case Program.ADD, Program.ADD_K -> Arithmetic.ADD.source();
            case Program.SUB, Program.SUB_K, Program.K_SUB -> Arithmetic.SUB.source();
            case Program.MUL, Program.MUL_K -> Arithmetic.MUL.source();
            case Program.DIV, Program.DIV_K, Program.K_DIV -> Arithmetic.DIV.source();
            case Program.SQUARE -> Arithmetic.SQUARE.source();
            case Program.NEG -> Arithmetic.NEG.source();
            case Program.RECIPROCAL -> Arithmetic.RECIPROCAL.source();
            default -> null;
        };
    }

    /**
     * The name in the formulas ({@code a} or {@code b}) of each operand an arithmetic opcode
     * records: a constant on the right ({@code _K}) takes {@code b}, one on the left
     * ({@code K_}) takes {@code a}.
     */
    private static char[] operandNames(byte c) {
        return switch (c) {
            case Program.ADD, Program.SUB, Program.MUL, Program.DIV -> new char[] {'a', 'b'};
            case Program.K_SUB, Program.K_DIV -> new char[] {'b'};
            default -> new char[] {'a'};
        };
    }

    /** The formula of the partial with respect to recorded operand a. */
    private static String partialFormula(byte c, int a) {
        Source f = source(c);
        return operandNames(c)[a] == 'a' ? f.partialA() : f.partialB();
    }

    /** Whether an arithmetic opcode's partials are computed (not constants fixed when recording). */
    private static boolean computedPartials(byte c) {
        return source(c) != null && !LoopFinder.constantPartials(c);
    }

    /** The operands whose values a slot's partials depend on. */
    private static int[] partialOperands(byte c) {
        if (!computedPartials(c)) {
            return new int[0];
        }
        char[] names = operandNames(c);
        int[] read = new int[names.length];
        int n = 0;
        for (int x = 0; x < names.length; x++) {
            for (int a = 0; a < names.length; a++) {
                if (Source.reads(partialFormula(c, a), names[x])) {
                    read[n++] = x;
                    break;
                }
            }
        }
        return Arrays.copyOf(read, n);
    }

    /** Whether a slot's partials depend on its own value (y = a / b, 1 / a). */
    private static boolean partialNeedsValue(byte c) {
        if (!computedPartials(c)) {
            return false;
        }
        for (int a = 0; a < operandNames(c).length; a++) {
            if (Source.reads(partialFormula(c, a), 'y')) {
                return true;
            }
        }
        return false;
    }

    private void needOperand(int j, int a) {
        switch (l.kind[j][a]) {
            case Loop.INTERNAL -> needValue(l.ref[j][a]);
            case Loop.CARRIED -> store[l.ref[j][a]] = true;     // read back from the values array
            default -> { }
        }
    }

    /** The backward method needs slot j's value: recomputed from its operands, or stored by a rule call. */
    private void needValue(int j) {
        if (need[j]) {
            return;
        }
        need[j] = true;
        if (LoopFinder.ruleCall(l.code[j])) {
            store[j] = true;                                  // not worth calling the rule again
            return;
        }
        for (int a = 0; a < l.kind[j].length; a++) {
            needOperand(j, a);
        }
    }

    /** A two-operand rule's partial given both operands and its output (the generated code calls it). */
    @FunctionalInterface
    interface Ternary {
        double applyAsDouble(double a, double b, double y);
    }

    /**
     * The fields of a rule call's value and partial functions, with the rule's constant bound:
     * one set per rule and constant, shared by every loop that calls it. Returns their number.
     */
    private int rules(int j) {
        byte code = l.code[j];
        double k = l.konst[j];
        String key = code + ":" + (code == Program.UNARY || code == Program.BINARY ? 0 : Double.doubleToRawLongBits(k));
        Map<String, Integer> byKey = ruleFields.computeIfAbsent(l.rule[j], r -> new HashMap<>());
        Integer known = byKey.get(key);
        if (known != null) {
            return known;
        }
        int idx = ruleCount++;
        byKey.put(key, idx);
        Object value;
        Object[] partials;
        switch (code) {
            case Program.UNARY -> {
                UnaryRule r = (UnaryRule) l.rule[j];
                value = (DoubleUnaryOperator) r::value;
                partials = new Object[] {(DoubleBinaryOperator) r::partial};
            }
            case Program.BINARY -> {
                BinaryRule r = (BinaryRule) l.rule[j];
                value = (DoubleBinaryOperator) r::value;
                partials = new Object[] {(Ternary) r::partialA, (Ternary) r::partialB};
            }
            case Program.BINARY_K -> {
                BinaryRule r = (BinaryRule) l.rule[j];
                value = (DoubleUnaryOperator) x -> r.value(x, k);
                partials = new Object[] {(DoubleBinaryOperator) (x, y) -> r.partialA(x, k, y)};
            }
            default -> {
                BinaryRule r = (BinaryRule) l.rule[j];
                value = (DoubleUnaryOperator) x -> r.value(k, x);
                partials = new Object[] {(DoubleBinaryOperator) (x, y) -> r.partialB(k, x, y)};
            }
        }
        String vt = code == Program.BINARY ? "DoubleBinaryOperator" : "DoubleUnaryOperator";
        String dt = code == Program.BINARY ? "LoopCode.Ternary" : "DoubleBinaryOperator";
        fields.append("  private static final ").append(vt).append(" V").append(idx).append(";\n");
        init.append("    V").append(idx).append(" = (").append(vt).append(") d[").append(data.size()).append("];\n");
        data.add(value);
        for (int a = 0; a < partials.length; a++) {
            fields.append("  private static final ").append(dt).append(" D").append(idx).append('_').append(a).append(";\n");
            init.append("    D").append(idx).append('_').append(a).append(" = (").append(dt).append(") d[")
                    .append(data.size()).append("];\n");
            data.add(partials[a]);
        }
        return idx;
    }

    /**
     * {@code f§(v, pt, o, K)}: the loop forward. Values live in locals t0…; carried values pass to
     * the next iteration in c0…; stored are the slots read outside or by the backward method,
     * and a rule call's partial (where the interpreter's replay stores it too).
     */
    private void forward() {
        src.append("  static void f").append(NAME).append("(double[] v, double[] pt, int[] o, double[] K) {\n");
        prologue();
        forwardLocals();
        src.append("    for (int k = 0, b = lo, q = q0; k < n; k++, b += ").append(l.period).append(", q += ")
                .append(l.argsPerIteration).append(") {\n");
        forwardStatements();
        carriedUpdates();
        src.append("    }\n");
        outLastStores();
        src.append("  }\n");
    }

    /** Whether forwardStatements writes values only (fv…): no partials of rule calls. */
    private boolean valuesOnly;

    /**
     * {@code fv§(v, o, K)}: the loop forward for a value without derivatives (a compiled
     * {@code value(x)}): the same values in the same order as f§, but no rule call's partial,
     * and only the slots read outside the loop are stored (what the backward method would read
     * is left to the next gradient's replay, which runs f§).
     */
    private void values() {
        boolean[] full = store;
        store = new boolean[l.period];
        for (int j = 0; j < l.period; j++) {
            store[j] = l.out[j] == Loop.OUT_ALL;
        }
        valuesOnly = true;
        src.append("  static void fv").append(NAME).append("(double[] v, int[] o, double[] K) {\n");
        prologue();
        forwardLocals();
        src.append("    for (int k = 0, b = lo; k < n; k++, b += ").append(l.period).append(") {\n");
        forwardStatements();
        carriedUpdates();
        src.append("    }\n");
        outLastStores();
        src.append("  }\n");
        valuesOnly = false;
        store = full;
    }

    /** The carried values c… (in iteration 0 the nodes before the loop) and the values t…. */
    private void forwardLocals() {
        int p = l.period;
        for (int j = 0; j < p; j++) {
            if (carried[j]) {
                src.append("    double c").append(j).append(" = v[lo - ").append(p - j).append("];\n");
            }
        }
        for (int j = 0; j < p; j++) {
            src.append("    double t").append(j).append(" = 0;\n");
        }
    }

    /** One iteration's values, and what it stores. */
    private void forwardStatements() {
        for (int j = 0; j < l.period; j++) {
            String a0 = l.kind[j].length > 0 ? forwardOperand(j, 0) : null;
            String a1 = l.kind[j].length > 1 ? forwardOperand(j, 1) : null;
            if (LoopFinder.ruleCall(l.code[j])) {
                int r = rules(j);
                String args = a1 == null ? a0 : a0 + ", " + a1;
                src.append("      t").append(j).append(" = V").append(r).append(".applyAsDouble(").append(args).append(");\n");
                for (int a = 0; !valuesOnly && a < l.kind[j].length; a++) {
                    src.append("      pt[q + ").append(l.argOffset[j] + a).append("] = D").append(r).append('_').append(a)
                            .append(".applyAsDouble(").append(args).append(", t").append(j).append(");\n");
                }
            } else {
                src.append("      t").append(j).append(" = ").append(value(j, a0, a1)).append(";\n");
            }
            if (store[j]) {
                src.append("      v[b + ").append(j).append("] = t").append(j).append(";\n");
            }
        }
    }

    private void carriedUpdates() {
        for (int j = 0; j < l.period; j++) {
            if (carried[j]) {
                src.append("      c").append(j).append(" = t").append(j).append(";\n");
            }
        }
    }

    /** The last iteration's values that are read outside the loop and not stored every iteration. */
    private void outLastStores() {
        int p = l.period;
        for (int j = 0; j < p; j++) {
            if (l.out[j] == Loop.OUT_LAST && !store[j]) {
                src.append("    v[lastB + ").append(j).append("] = t").append(j).append(";\n");
            }
        }
    }

    private String forwardOperand(int j, int a) {
        return switch (l.kind[j][a]) {
            case Loop.INTERNAL -> "t" + l.ref[j][a];
            case Loop.CARRIED -> "c" + l.ref[j][a];
            default -> external(j, a);
        };
    }

    private String external(int j, int a) {
        return "v[" + externalIndex(j, a) + "]";
    }

    /**
     * The value of an arithmetic slot from the expression of its recorded operand(s) (a, and b
     * when both are recorded): its rule's formula, with the slot's constant in the other place.
     */
    private String value(int j, String a, String b) {
        byte c = l.code[j];
        Source f = source(c);
        if (f == null) {
            throw new IllegalStateException("no inline value for opcode " + c);
        }
        char[] names = operandNames(c);
        String k = constant(j);
        if (names.length == 2) {
            return Source.substitute(f.value(), a, b, null);
        }
        return names[0] == 'a' ? Source.substitute(f.value(), a, k, null) : Source.substitute(f.value(), k, a, null);
    }

    /**
     * {@code b§(v, a, pt, o, K)}: the loop's part of the backward sweep, iterations in reverse
     * (iteration 0 after the loop, as its carried adjoints go to nodes before the loop).
     */
    private void backward() {
        int p = l.period;
        src.append("  static void b").append(NAME).append("(double[] v, double[] a, double[] pt, int[] o, double[] K) {\n");
        prologue();
        for (int j = 0; j < p; j++) {
            if (carried[j]) {
                src.append("    double g").append(j).append(" = ")
                        .append(l.out[j] != Loop.OUT_NONE ? "a[lastB + " + j + "]" : "0.0").append(";\n");
                if (l.out[j] != Loop.OUT_NONE) {
                    src.append("    a[lastB + ").append(j).append("] = 0.0;\n");   // cleared once read (Program.consumed)
                }
            }
        }
        // the last iteration and the first are written out apart from the loop: the last is
        // where outside reads and dead slots differ, the first where carried adjoints leave
        src.append("    int k = n - 1, b = lastB, q = q0 + (n - 1) * ").append(l.argsPerIteration)
                .append(";\n    {\n");
        backwardBody(false, true);
        src.append("    }\n    for (k--, b -= ").append(p).append(", q -= ").append(l.argsPerIteration)
                .append("; k >= 1; k--, b -= ").append(p).append(", q -= ").append(l.argsPerIteration).append(") {\n");
        backwardBody(false, false);
        src.append("    }\n    {\n");
        backwardBody(true, false);                            // k = 0, b = lo, q = argBase
        src.append("    }\n");
        for (int j = 0; j < p; j++) {
            if (carried[j]) {
                src.append("    a[lo - ").append(p - j).append("] = g").append(j).append(";\n");
            }
        }
        src.append("  }\n");
    }

    /**
     * One iteration of the backward method. It loads the operands it needs first (before any
     * store, so the JIT keeps them in registers), recomputes the values its partials need, then
     * visits the slots from last to first as the interpreter visits nodes, adding each
     * contribution to a local adjoint (an earlier slot), to the carried adjoint g… (the previous
     * iteration's slot) or to the adjoint array (a node before the loop).
     *
     * <p>The sums are the interpreter's, in its order, with two shortcuts that cannot change a
     * result. A partial of ±1 contributes ±g without a multiplication (exact). And the first
     * contribution to a local adjoint is assigned, where the interpreter adds it to a cleared
     * 0.0: the two differ only when it is −0.0, and a local that differs only in the sign of a
     * zero passes that on only as the sign of a zero (through products and sums) until it is
     * added to an adjoint in the array, where it vanishes: array adjoints start at 0.0 and are
     * never −0.0 (x + y is −0.0 only when both are), and 0.0 + (−0.0) is 0.0. Results are read
     * only from the array. Dropping the addition takes a latency off every adjoint chain. The
     * array's cells of one iteration are updated once each, with their contributions in order,
     * when all external operands move with one stride (then no two of them are one cell).
     *
     * <p>Each cell of the array it reads an adjoint from (a slot read outside the loop, the
     * previous iteration's carried slot) it sets back to 0.0 right after: nothing reads it
     * again, and the next sweep then need not clear it (Program's clear as you go, see
     * {@code Program.consumed}).
     */
    private void backwardBody(boolean first, boolean last) {
        int p = l.period;
        boolean[] live = last ? l.liveLast : l.live;
        String in = "      ";
        for (int j = 0; j < p; j++) {
            for (int a = 0; a < l.kind[j].length; a++) {
                if (l.kind[j][a] != Loop.INTERNAL && operandNeeded(j, a)) {
                    // fused with the forward pass, the previous iteration's value is still in c…
                    String carriedValue = fusing ? "c" + l.ref[j][a] : "v[b - " + (p - l.ref[j][a]) + "]";
                    String load = l.kind[j][a] == Loop.CARRIED ? carriedValue : external(j, a);
                    src.append(in).append("double o").append(j).append('_').append(a).append(" = ").append(load)
                            .append(";\n");
                }
            }
        }
        for (int j = 0; j < p; j++) {
            if (need[j]) {
                String expr = fusing ? "t" + j                // computed just before, going forward
                        : store[j] ? "v[b + " + j + "]"
                        : value(j, backwardOperand(j, 0), l.kind[j].length > 1 ? backwardOperand(j, 1) : null);
                src.append(in).append("double u").append(j).append(" = ").append(expr).append(";\n");
            }
        }
        // adjoints as the sweep finds them on reaching this iteration; false: still exactly 0.0
        boolean[] slotHas = new boolean[p];
        boolean[] carryHas = new boolean[p];
        for (int j = 0; j < p; j++) {
            if (!live[j]) {
                continue;
            }
            src.append(in).append("double A").append(j);
            if (carried[j]) {
                src.append(" = g").append(j);
                slotHas[j] = true;
            } else if (l.out[j] == Loop.OUT_ALL || l.out[j] == Loop.OUT_LAST && last) {
                src.append(" = a[b + ").append(j).append("]; a[b + ").append(j).append("] = 0.0");
                slotHas[j] = true;
            }
            src.append(";\n");
        }
        for (int j = 0; j < p; j++) {
            if (carried[j] && (first || l.out[j] == Loop.OUT_ALL)) {
                // what the previous iteration's slot j (in iteration 0: the node before the loop) holds so far
                src.append(in).append(carriedOut(j, first)).append(" = a[b - ").append(p - j).append("]; a[b - ")
                        .append(p - j).append("] = 0.0;\n");
                carryHas[j] = true;
            }
        }
        boolean group = oneStride();
        Map<String, StringBuilder> cells = new LinkedHashMap<>();
        for (int j = p - 1; j >= 0; j--) {
            if (!live[j]) {
                continue;                                     // the sweep does not reach it: skipped, as there
            }
            if (!slotHas[j]) {
                src.append(in).append('A').append(j).append(" = 0.0;\n");   // reached, but nothing flowed in
                slotHas[j] = true;
            }
            for (int a = 0; a < l.kind[j].length; a++) {
                String c = contribution(j, a);
                switch (l.kind[j][a]) {
                    case Loop.INTERNAL -> add("A" + l.ref[j][a], c, slotHas, l.ref[j][a]);
                    case Loop.CARRIED -> {
                        if (!fusing || first) {
                            add(carriedOut(l.ref[j][a], first), c, carryHas, l.ref[j][a]);
                        }
                        // fused, later iterations pass on the adjoint they were given (OnePass)
                    }
                    default -> {
                        if (fusing) {
                            terms.put(termKey(j, a), c);
                            continue;
                        }
                        String cell = "a[" + externalIndex(j, a) + "]";
                        boolean minus = c.startsWith("-");
                        String term = minus ? c.substring(1) : c;
                        if (group) {
                            cells.computeIfAbsent(cell, x -> new StringBuilder(cell))
                                    .append(minus ? " - (" : " + (").append(term).append(')');
                        } else {
                            src.append(in).append(cell).append(minus ? " -= " : " += ").append(term).append(";\n");
                        }
                    }
                }
            }
        }
        for (var e : cells.entrySet()) {
            src.append(in).append(e.getKey()).append(" = ").append(e.getValue()).append(";\n");
        }
        for (int j = 0; j < p; j++) {
            if (carried[j] && !carryHas[j] && (!fusing || first)) {
                src.append(in).append(carriedOut(j, first)).append(" = 0.0;\n");   // nothing flowed back into it
            }
        }
    }

    /**
     * The local that collects the adjoint going back to the previous iteration's slot j: g…,
     * which the previous iteration then reads; fused, iteration 0's goes to h…, the node before
     * the loop, while g… stays what every iteration is given.
     */
    private String carriedOut(int j, boolean first) {
        return (fusing && first ? "h" : "g") + j;
    }

    // ---- forward and backward in one pass --------------------------------------------------------

    /** Whether backwardBody writes the fused method's part of an iteration. */
    private boolean fusing;
    /** Fused: each external operand's contribution in this iteration, by termKey. */
    private final Map<Integer, String> terms = new HashMap<>();

    private static int termKey(int j, int a) {
        return 2 * j + a;
    }

    /**
     * {@code fb§(v, a, pt, o, K)}: forward and backward in one pass, for a loop that ends at the
     * output and passes its carried adjoints on unchanged ({@link OnePass}). The caller has
     * cleared the adjoints and seeded the output; each iteration computes its values, then its
     * backward from the adjoints it is given (the seed, or 0), using the values still in
     * locals: nothing is stored for a second pass, nothing recomputed.
     *
     * <p>Contributions to the adjoint array are the one thing the sweep orders differently: it
     * visits iterations last to first, this pass first to last. The sweep's order is kept with
     * a delay line: with stride s, the cell an operand at {@code ref + s·k} reads is next read
     * by the operand whose ref is s less, one iteration later. So in iteration k the cell of
     * the smallest ref (of each residue mod s) is complete: it takes this iteration's
     * contributions, then those that larger refs made to it in earlier iterations, which wait in
     * locals Q… (one set per iteration of delay), in the sweep's order. The cells still open
     * when the loop ends are finished after it. A missing contribution (before iteration 0, or
     * a slot dead in the last iteration) waits as 0.0, and adding or subtracting 0.0 changes no
     * adjoint (array adjoints are never −0.0, see {@link #backwardBody}).
     */
    private void fused() {
        int p = l.period;
        int stride = fusedStride();
        // the external operands' contributions, per operand cell in the sweep's order (as
        // backwardBody visits them in an iteration with every slot live); an operand's cell is
        // named by its cluster and its distance from the cluster's base (ref(): cells of two
        // clusters never meet, so each cluster has delay lines of its own)
        TreeMap<Long, List<Integer>> byRef = new TreeMap<>();
        for (int j = p - 1; j >= 0; j--) {
            for (int a = 0; l.live[j] && a < l.kind[j].length; a++) {
                if (l.kind[j][a] == Loop.EXTERNAL) {
                    byRef.computeIfAbsent(ref(j, a), r -> new ArrayList<>()).add(termKey(j, a));
                }
            }
        }
        TreeMap<Long, Long> lowest = new TreeMap<>();   // (cluster, residue) → smallest ref
        for (long r : byRef.keySet()) {
            lowest.putIfAbsent(residue(r, stride), r);
        }
        src.append("  static void fb").append(NAME).append("(double[] v, double[] a, double[] pt, int[] o, double[] K) {\n");
        prologue();
        forwardLocals();
        for (int j = 0; j < p; j++) {
            if (carried[j]) {
                src.append("    double g").append(j).append(" = ")
                        .append(l.out[j] != Loop.OUT_NONE ? "a[lastB + " + j + "]" : "0.0").append(";\n");
                if (l.out[j] != Loop.OUT_NONE) {
                    src.append("    a[lastB + ").append(j).append("] = 0.0;\n");   // cleared once read (Program.consumed)
                }
                src.append("    double h").append(j).append(" = 0.0;\n");
            }
        }
        for (var e : byRef.entrySet()) {
            int d = delay(e.getKey(), lowest, stride);
            for (int i = 1; i <= d; i++) {
                for (int t = 0; t < e.getValue().size(); t++) {
                    src.append("    double ").append(waiting(e.getKey(), i, t)).append(" = 0.0;\n");
                }
            }
        }
        src.append("    int k = 0, b = lo, q = q0;\n    {\n");
        fusedIteration(true, false, byRef, lowest, stride);
        src.append("    }\n    for (k = 1, b += ").append(p).append(", q += ").append(l.argsPerIteration)
                .append("; k < n - 1; k++, b += ").append(p).append(", q += ").append(l.argsPerIteration).append(") {\n");
        fusedIteration(false, false, byRef, lowest, stride);
        src.append("    }\n    {\n");
        fusedIteration(false, true, byRef, lowest, stride);
        src.append("    }\n");
        // the cells later iterations would have finished: what waits for them, in the sweep's order
        int maxDelay = 0;
        for (long r : byRef.keySet()) {
            maxDelay = Math.max(maxDelay, delay(r, lowest, stride));
        }
        for (int e = 1; e <= maxDelay; e++) {
            for (long low : lowest.values()) {
                StringBuilder sum = new StringBuilder();
                for (var en : byRef.entrySet()) {
                    long r = en.getKey();
                    int d = delay(r, lowest, stride);
                    if (residue(r, stride) == residue(low, stride) && d >= e) {
                        for (int t = 0; t < en.getValue().size(); t++) {
                            sum.append(sign(en.getValue().get(t))).append(waiting(r, d - e + 1, t));
                        }
                    }
                }
                if (sum.length() > 0) {
                    String cell = "a[" + cell((int) (low >>> 32), (int) low) + " + (n - 1 + " + e + ") * " + stride + "]";
                    src.append("    ").append(cell).append(" = ").append(cell).append(sum).append(";\n");
                }
            }
        }
        for (int j = 0; j < p; j++) {
            if (carried[j]) {
                src.append("    a[lo - ").append(p - j).append("] = h").append(j).append(";\n");
            }
        }
        outLastStores();
        src.append("  }\n");
    }

    /** One iteration of fb…: values, adjoints, the finished cells, the delay line, the carried values. */
    private void fusedIteration(boolean first, boolean last, TreeMap<Long, List<Integer>> byRef,
                                TreeMap<Long, Long> lowest, int stride) {
        String in = "      ";
        forwardStatements();
        fusing = true;
        terms.clear();
        backwardBody(first, last);
        fusing = false;
        // this iteration's contributions (0.0 for a slot dead in it), then each residue's finished cell
        for (var e : byRef.entrySet()) {
            List<Integer> keys = e.getValue();
            for (int t = 0; t < keys.size(); t++) {
                String c = terms.get(keys.get(t));
                String term = c == null ? "0.0" : c.startsWith("-") ? c.substring(1) : c;
                src.append(in).append("double ").append(now(e.getKey(), t)).append(" = ").append(term).append(";\n");
            }
        }
        for (long low : lowest.values()) {
            String cell = "a[" + cell((int) (low >>> 32), (int) low) + " + k * " + stride + "]";
            StringBuilder sum = new StringBuilder(cell);
            for (var e : byRef.entrySet()) {
                long r = e.getKey();
                if (residue(r, stride) != residue(low, stride)) {
                    continue;
                }
                int d = delay(r, lowest, stride);
                for (int t = 0; t < e.getValue().size(); t++) {
                    sum.append(sign(e.getValue().get(t))).append(d == 0 ? now(r, t) : waiting(r, d, t));
                }
            }
            src.append(in).append(cell).append(" = ").append(sum).append(";\n");
        }
        for (var e : byRef.entrySet()) {
            long r = e.getKey();
            for (int i = delay(r, lowest, stride); i >= 1; i--) {
                for (int t = 0; t < e.getValue().size(); t++) {
                    src.append(in).append(waiting(r, i, t)).append(" = ")
                            .append(i == 1 ? now(r, t) : waiting(r, i - 1, t)).append(";\n");
                }
            }
        }
        carriedUpdates();
    }

    private int fusedStride() {
        for (int j = 0; j < l.period; j++) {
            for (int a = 0; a < l.kind[j].length; a++) {
                if (l.kind[j][a] == Loop.EXTERNAL) {
                    return l.stride[j][a];
                }
            }
        }
        return 1;
    }

    /** Operand a of slot j's first cell as (cluster, distance from the cluster's base) in one long. */
    private long ref(int j, int a) {
        return ((long) l.cluster[j][a] << 32) | l.delta[j][a];
    }

    /** The delay line a ref belongs to: its cluster and its residue modulo the stride. */
    private static long residue(long ref, int stride) {
        return (ref >>> 32 << 32) | Math.floorMod((int) ref, stride);
    }

    /** In how many iterations the cell an operand at ref reads is finished. */
    private static int delay(long ref, Map<Long, Long> lowest, int stride) {
        return (int) (ref - lowest.get(residue(ref, stride))) / stride;
    }

    /** " + " or " - ": how contribution key enters its cell (x − y and x + (−y) are one IEEE operation). */
    private String sign(int key) {
        int j = key / 2;
        int a = key % 2;
        return contribution(j, a).startsWith("-") ? " - " : " + ";
    }

    private static String now(long ref, int t) {
        return "T" + (ref >>> 32) + "_" + (int) ref + "_" + t;
    }

    private static String waiting(long ref, int i, int t) {
        return "Q" + (ref >>> 32) + "_" + (int) ref + "_" + i + "_" + t;
    }

    /**
     * Adds contribution c to an adjoint local; the first one is assigned. (The interpreter adds
     * it to 0.0, which differs only when c is −0.0; see {@link #backwardBody} for why that
     * cannot change a result.) A negated contribution is subtracted: x + (−y) and x − y are the
     * same IEEE operation.
     */
    private void add(String local, String c, boolean[] has, int slot) {
        String in = "      ";
        boolean minus = c.startsWith("-");
        String term = minus ? c.substring(1) : c;
        if (has[slot]) {
            src.append(in).append(local).append(minus ? " -= " : " += ").append(term).append(";\n");
        } else {
            src.append(in).append(local).append(" = ").append(c).append(";\n");
        }
        has[slot] = true;
    }

    /** partial × adjoint of operand a of slot j, as the sweep computes it (×1 and ×−1 are exact). */
    private String contribution(int j, int a) {
        if (l.fixedPartials(j)) {
            double c = l.partial[j][a];
            if (c == 1.0) {
                return "A" + j;
            }
            if (c == -1.0) {
                return "-A" + j;
            }
        }
        return "(" + partialExpr(j, a) + ") * A" + j;
    }

    /** Whether every external operand moves with the same stride (so two different ones are never one cell). */
    private boolean oneStride() {
        Integer s = null;
        for (int j = 0; j < l.period; j++) {
            for (int a = 0; a < l.kind[j].length; a++) {
                if (l.kind[j][a] == Loop.EXTERNAL) {
                    if (s != null && s != l.stride[j][a]) {
                        return false;
                    }
                    s = l.stride[j][a];
                }
            }
        }
        return true;
    }

    /** Operand a of slot j's cell in iteration k: its cluster's base, its distance from it, and its stride. */
    private String externalIndex(int j, int a) {
        int s = l.stride[j][a];
        return cell(l.cluster[j][a], l.delta[j][a]) + (s == 0 ? "" : " + k * " + s);
    }

    /** The cell at distance d from cluster c's base. */
    private static String cell(int c, long d) {
        return "e" + c + (d == 0 ? "" : d > 0 ? " + " + d : " - " + (-d));
    }

    /** Whether the backward method reads operand a of slot j (for a partial, or to recompute the slot). */
    private boolean operandNeeded(int j, int a) {
        if (need[j] && !store[j]) {
            return true;
        }
        for (int x : partialOperands(l.code[j])) {
            if (x == a) {
                return true;
            }
        }
        return false;
    }

    private String backwardOperand(int j, int a) {
        return l.kind[j][a] == Loop.INTERNAL ? "u" + l.ref[j][a] : "o" + j + "_" + a;
    }

    /**
     * Operand a's partial of slot j: constants as recorded, else its rule's formula over the
     * operands' and the slot's values in the backward method.
     */
    private String partialExpr(int j, int a) {
        byte c = l.code[j];
        if (l.fixedPartials(j)) {
            return literal(l.partial[j][a]);
        }
        if (!computedPartials(c)) {
            // a rule call's partial, stored going forward; or a constant one that differs
            // between iterations, stored when recording
            return "pt[q + " + (l.argOffset[j] + a) + "]";
        }
        char[] names = operandNames(c);
        String x = names[0] == 'a' ? backwardOperand(j, 0) : names.length == 2 ? backwardOperand(j, 1) : constant(j);
        String y = names.length == 2 ? backwardOperand(j, 1) : names[0] == 'b' ? backwardOperand(j, 0) : constant(j);
        return Source.substitute(partialFormula(c, a), x, y, "u" + j);
    }

    /**
     * Slot j's constant: a literal, or, where it differs between iterations, read from the
     * loop's constants (node b + j is element b + j − lo).
     */
    private String constant(int j) {
        if (!l.constantVaries[j]) {
            return literal(l.konst[j]);
        }
        return "K[b - lo + " + j + "]";
    }

    /** A double as an exact Java literal. */
    static String literal(double d) {
        if (Double.isNaN(d)) {
            return "Double.NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Double.POSITIVE_INFINITY" : "Double.NEGATIVE_INFINITY";
        }
        return "(" + Double.toHexString(d) + ")";
    }
}
