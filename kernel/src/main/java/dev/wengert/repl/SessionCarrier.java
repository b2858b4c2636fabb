package dev.wengert.repl;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Carries the DSL's thread-bound session (its implicit tape and mode) from a replaced
 * evaluation thread to its successor.
 *
 * <p>{@code dev.wengert.core.Session} binds a session to the thread that evaluates user code. When
 * the kernel has to replace that thread after a forced stop, the variables of earlier cells
 * still point into the old session, so the new thread must adopt it. The kernel reaches the
 * class reflectively because it depends on the DSL only through its display interface: a
 * notebook without the DSL (or with an older one) simply carries nothing.
 */
final class SessionCarrier {

    static final String SESSION_CLASS = "dev.wengert.core.Session";

    private SessionCarrier() {
    }

    /**
     * The session bound to the calling thread, or {@code null} where the DSL has no sessions.
     * Call it on the evaluation thread.
     */
    static Object current(ClassLoader loader) {
        Method current = method(loader, "current");
        if (current == null) {
            return null;
        }
        try {
            return current.invoke(null);
        } catch (IllegalAccessException | InvocationTargetException e) {
            // a DSL that cannot hand out its session has nothing for us to carry
            return null;
        }
    }

    /** Binds {@code session} (from {@link #current}) to the calling thread; null does nothing. */
    static void bindToCurrentThread(Object session) {
        if (session == null) {
            return;
        }
        try {
            Method bind = session.getClass().getMethod("bindToCurrentThread");
            bind.invoke(session);
        } catch (NoSuchMethodException | IllegalAccessException e) {
            throw new IllegalStateException(SESSION_CLASS + " has no public bindToCurrentThread()", e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("could not move the session to the new evaluation thread: "
                    + e.getCause(), e.getCause());
        }
    }

    private static Method method(ClassLoader loader, String name) {
        try {
            Class<?> session = Class.forName(SESSION_CLASS, true, loader);
            return session.getMethod(name);
        } catch (ClassNotFoundException | NoSuchMethodException | LinkageError e) {
            return null;
        }
    }
}
