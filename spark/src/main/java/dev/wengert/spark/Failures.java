package dev.wengert.spark;

/**
 * Spark reports an exception thrown inside a task as a {@code SparkException} ("Job aborted
 * due to stage failure: …") after its retries; when the task failed on one of our own clear
 * errors (a model that reads past its arrays, returns null), that error is what the user
 * should see, with Spark's exception as its cause.
 */
final class Failures {
    private Failures() {
    }

    static RuntimeException unwrap(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException || t.getClass().getName().startsWith("dev.wengert")) {
                String message = t.getMessage() + " (in a Spark task)";
                return t instanceof dev.wengert.fit.FitException
                        ? new dev.wengert.fit.FitException(message, e)
                        : new IllegalArgumentException(message, e);
            }
        }
        return e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
    }
}
