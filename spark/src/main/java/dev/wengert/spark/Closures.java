package dev.wengert.spark;

import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;

/**
 * The up-front check that a model or loss can travel to the executors. Spark would find out
 * too, but only inside a job, as "Task not serializable" wrapped around a stack of its own
 * frames; here the user learns which captured value is the problem before any work starts.
 */
final class Closures {
    private Closures() {
    }

    /**
     * Throws {@code IllegalArgumentException} (a {@code FitException} when {@code fit}) naming the
     * class that cannot be serialized, and, for a lambda, which captured value holds it.
     */
    static void checkSerializable(Object f, String what, boolean fit) {
        try (ObjectOutputStream out = new ObjectOutputStream(OutputStream.nullOutputStream())) {
            out.writeObject(f);
        } catch (NotSerializableException e) {
            // the exception's message is the name of the class that cannot be serialized
            String culprit = e.getMessage();
            String holder = capturedBy(f, culprit);
            String message = what + " cannot be sent to the Spark executors: it captures an instance of "
                    + culprit + ", which does not implement java.io.Serializable" + holder + ". A " + what
                    + " may capture only serializable values (numbers, strings, arrays of them, Serializable "
                    + "objects). Copy what it needs into local variables before writing the lambda (a lambda "
                    + "that reads a field or calls an instance method captures `this`), or make "
                    + simpleName(culprit) + " Serializable.";
            throw fit ? new dev.wengert.fit.FitException(message, e) : new IllegalArgumentException(message, e);
        } catch (IOException | RuntimeException e) {
            String message = what + " cannot be sent to the Spark executors: serializing it failed with " + e;
            throw fit ? new dev.wengert.fit.FitException(message, e) : new IllegalArgumentException(message, e);
        }
    }

    /** ", held by captured value #i (a T) of the lambda defined in C", when f is a lambda. */
    private static String capturedBy(Object f, String culprit) {
        SerializedLambda lambda = serializedLambda(f);
        if (lambda == null) {
            return " (reached from " + f.getClass().getName() + ")";
        }
        String where = " of the lambda written in " + lambda.getCapturingClass().replace('/', '.')
                + (lambda.getImplMethodName().startsWith("lambda$") ? "" : " (" + lambda.getImplMethodName() + ")");
        for (int i = 0; i < lambda.getCapturedArgCount(); i++) {
            Object arg = lambda.getCapturedArg(i);
            if (arg != null && !serializable(arg)) {
                String type = arg.getClass().getName();
                return ", held by captured value " + (i + 1) + " of " + lambda.getCapturedArgCount()
                        + (type.equals(culprit) ? "" : " (a " + type + ")") + where;
            }
        }
        return where;
    }

    private static SerializedLambda serializedLambda(Object f) {
        if (!(f instanceof Serializable)) {
            return null;
        }
        try {
            Method m = f.getClass().getDeclaredMethod("writeReplace");
            m.setAccessible(true);
            Object r = m.invoke(f);
            return r instanceof SerializedLambda s ? s : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static boolean serializable(Object o) {
        try (ObjectOutputStream out = new ObjectOutputStream(OutputStream.nullOutputStream())) {
            out.writeObject(o);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static String simpleName(String className) {
        int dot = Math.max(className.lastIndexOf('.'), className.lastIndexOf('$'));
        return className.substring(dot + 1);
    }
}
