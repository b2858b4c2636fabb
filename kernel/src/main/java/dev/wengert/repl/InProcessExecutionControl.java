package dev.wengert.repl;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * JShell's execution engine for the kernel: snippets run in the kernel's own JVM, on the
 * {@link EvaluationThread}, and their results stay real objects.
 *
 * <p>JShell's engines report a snippet's value as a string. This one keeps the object in a
 * table and hands JShell a key instead; the kernel looks the key up in {@link #takeResult} and
 * renders the object through the display interface (an SVG plot stays an SVG plot). User
 * classes load through {@link UserClassLoader}, which sends their exits to {@link ExitCalls}.
 */
final class InProcessExecutionControl extends DirectExecutionControl {

    /** Prefix of the keys this engine returns in place of value strings. */
    static final String KEY_PREFIX = "\u0000wengert-result-";

    private final EvaluationThread thread;
    private final long timeoutMillis;
    private final Map<String, Object> results = new ConcurrentHashMap<>();
    private final AtomicLong nextKey = new AtomicLong();
    // JShell does not tell its caller that a snippet was stopped, so the engine remembers
    private volatile boolean stopped;

    /**
     * @param thread where snippets run
     * @param timeoutMillis interrupt a snippet that runs longer (IJAVA_TIMEOUT); negative: never
     */
    InProcessExecutionControl(EvaluationThread thread, long timeoutMillis) {
        super(new UserClassLoader.Delegate());
        this.thread = thread;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    protected String invoke(Method doit) throws Exception {
        thread.setUserLoader(doit.getDeclaringClass().getClassLoader());
        Object value;
        try {
            value = thread.call(() -> doit.invoke(null), timeoutMillis);
        } catch (EvaluationThread.Stopped e) {
            stopped = true;
            throw new ExecutionControl.StoppedException();
        }
        return keep(value);
    }

    /** A variable's value (the console's /vars), kept as an object like a snippet's result. */
    @Override
    public String varValue(String className, String varName) throws ExecutionControl.RunException,
            ExecutionControl.EngineTerminationException, ExecutionControl.InternalException {
        Object value;
        try {
            // the wrapper class is not public: its public field needs setAccessible to be read
            java.lang.reflect.Field field = findClass(className).getField(varName);
            field.setAccessible(true);
            value = field.get(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return super.varValue(className, varName);
        }
        return keep(value);
    }

    private String keep(Object value) {
        String key = KEY_PREFIX + nextKey.incrementAndGet();
        results.put(key, value == null ? NullValue.INSTANCE : value);
        return key;
    }

    /**
     * The object behind a value string JShell reported, removing it from the table; an
     * ordinary string (a value JShell computed itself) comes back as itself.
     */
    Object takeResult(String valueString) {
        if (valueString == null || !valueString.startsWith(KEY_PREFIX)) {
            return valueString;
        }
        Object value = results.remove(valueString);
        return value == NullValue.INSTANCE ? null : value;
    }

    /** Whether a snippet was stopped (interrupt or IJAVA_TIMEOUT) since the last call. */
    boolean takeStopped() {
        boolean was = stopped;
        stopped = false;
        return was;
    }

    /** Drops results nobody took (declarations, snippets of a failed cell). */
    void clearResults() {
        results.clear();
    }

    /** JShell's own rendering of a value: strings quoted, arrays listed, null as "null". */
    static String jshellText(Object value) {
        return valueString(value);
    }

    /** Runs {@code work} on the evaluation thread, e.g. rendering a value with user code. */
    <T> T onEvaluationThread(java.util.concurrent.Callable<T> work) throws Exception {
        return thread.call(work, timeoutMillis);
    }

    /** The table cannot hold null; this stands in for it. */
    private enum NullValue { INSTANCE }

    /** Hands JShell a prepared engine (JShell asks a provider to create one). */
    static final class Provider implements ExecutionControlProvider {
        private final InProcessExecutionControl control;

        Provider(InProcessExecutionControl control) {
            this.control = control;
        }

        @Override
        public String name() {
            return "wengert-in-process";
        }

        @Override
        public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
            return control;
        }
    }
}
