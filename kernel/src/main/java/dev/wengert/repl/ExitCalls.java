package dev.wengert.repl;

/**
 * Where {@code System.exit}, {@code Runtime.exit} and {@code Runtime.halt} of user code go.
 *
 * <p>User code runs in the REPL's own JVM, so an exit there ends the notebook kernel and every
 * variable with it. As the classes of snippets and of the jars a session adds ({@code %jars},
 * {@code %maven}, {@code IJAVA_CLASSPATH}) are loaded, {@link ExitRewriter} turns their calls of
 * those three methods (direct calls and method references) into calls of the methods here. The
 * console lets them through, so {@code System.exit(3)} ends a script with status 3; the kernel
 * calls {@link #refuse}, and the cell gets a {@link SecurityException} that says what happened
 * while the kernel and its variables stay. Reflection ({@code Method.invoke} of
 * {@code System.exit}) is not rewritten.
 *
 * <p>This replaces a Security Manager's {@code checkExit}: {@code System.setSecurityManager} is
 * deprecated for removal (JEP 411), prints a warning on every start, and is gone in JDK 24.
 */
public final class ExitCalls {

    private static volatile String refusal;

    private ExitCalls() {
    }

    /**
     * From now on, user code's exits throw a {@link SecurityException}.
     *
     * @param consequence what the exit would have done and what to do instead, for the message
     */
    public static void refuse(String consequence) {
        refusal = consequence;
    }

    /** User code's exits go through again (the default). */
    public static void allow() {
        refusal = null;
    }

    /** Replaces {@code System.exit(status)} in user code. */
    public static void systemExit(int status) {
        check("System.exit(" + status + ")");
        System.exit(status);
    }

    /** Replaces {@code runtime.exit(status)} in user code. */
    public static void runtimeExit(Runtime runtime, int status) {
        check("Runtime.exit(" + status + ")");
        runtime.exit(status);
    }

    /** Replaces {@code runtime.halt(status)} in user code. */
    public static void runtimeHalt(Runtime runtime, int status) {
        check("Runtime.halt(" + status + ")");
        runtime.halt(status);
    }

    private static void check(String call) {
        String consequence = refusal;
        if (consequence != null) {
            throw new SecurityException(call + " was refused: " + consequence);
        }
    }
}
