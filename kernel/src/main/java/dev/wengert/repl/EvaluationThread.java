package dev.wengert.repl;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one long-lived thread that runs all user code of a notebook.
 *
 * <p>The DSL binds its session (implicit tape, mode) to the thread that evaluates user code,
 * so every cell must run on the same thread, not on a fresh one per snippet as JShell's own
 * local engine does. An interrupt first interrupts that thread (enough for code that sleeps,
 * waits or checks {@link Thread#isInterrupted()}); if the task is still running after the
 * grace period, the thread is stopped with {@link Thread#stop()} (still functional on Java 17)
 * and replaced, and the session of the old thread is bound to the new one. A stopped task
 * reports {@link Stopped} to its caller whatever the dying thread does afterwards.
 */
final class EvaluationThread implements AutoCloseable {

    /** Thrown by {@link #call} when the task was interrupted and stopped. */
    static final class Stopped extends Exception {
        Stopped() {
            super("interrupted");
        }
    }

    // deep recursion (recursive user functions over Num) needs more than the default stack
    private static final long STACK_BYTES = 64L << 20;

    private final long graceMillis;
    private final ScheduledExecutorService stopper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "wengert-interrupt");
        t.setDaemon(true);
        return t;
    });
    private final Object lock = new Object();
    private Worker worker;
    private Object carriedSession;
    private int generation;
    private volatile ClassLoader userLoader = EvaluationThread.class.getClassLoader();
    // an interrupt that came while no task ran (JShell was compiling) still stops the cell
    private boolean interruptPending;

    /** @param graceMillis how long an interrupted task may keep running before it is stopped */
    EvaluationThread(long graceMillis) {
        this.graceMillis = graceMillis;
    }

    /**
     * Runs {@code task} on the evaluation thread and waits for it.
     *
     * @param timeoutMillis interrupt the task after this long; negative waits forever
     * @throws Stopped if the task was interrupted and did not finish on its own
     * @throws Exception whatever the task threw, unwrapped
     */
    <T> T call(Callable<T> task, long timeoutMillis) throws Exception {
        Task<T> job = new Task<>(task);
        synchronized (lock) {
            if (interruptPending) {
                throw new Stopped();
            }
            Worker target = liveWorker();
            target.current = job;
            target.queue.add(job);
        }
        try {
            return timeoutMillis < 0 ? job.result.get() : job.result.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            interrupt();
            return await(job);
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    private static <T> T await(Task<T> job) throws Exception {
        try {
            return job.result.get();
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    private static Exception unwrap(ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof Exception) {
            return (Exception) cause;
        }
        if (cause instanceof Error) {
            throw (Error) cause;
        }
        return e;
    }

    /**
     * Interrupts the running task, if any, and schedules its forced stop after the grace
     * period; until {@link #clearInterrupt()}, later tasks are refused. Returns at once: the
     * caller of {@link #call} sees the outcome.
     */
    void interrupt() {
        Worker target;
        Task<?> running;
        synchronized (lock) {
            interruptPending = true;
            target = worker;
            running = target == null ? null : target.current;
        }
        if (running == null || running.result.isDone()) {
            return;
        }
        running.interrupted = true;
        target.thread.interrupt();
        stopper.schedule(() -> forceStop(target, running), graceMillis, TimeUnit.MILLISECONDS);
    }

    /** Forgets interrupts of the previous cell; call when a cell starts. */
    void clearInterrupt() {
        synchronized (lock) {
            interruptPending = false;
        }
    }

    /**
     * The class loader of user code (JShell's snippet loader), made the evaluation thread's
     * context class loader so libraries that look classes up by name find the user's.
     */
    void setUserLoader(ClassLoader loader) {
        userLoader = loader;
    }

    /** Number of evaluation threads replaced so far (after forced stops). */
    int replacements() {
        synchronized (lock) {
            return Math.max(0, generation - 1);
        }
    }

    @SuppressWarnings({"deprecation", "removal"}) // Thread.stop is the only way to end a runaway loop in-process
    private void forceStop(Worker target, Task<?> running) {
        synchronized (lock) {
            if (running.result.isDone() || target.current != running) {
                return;
            }
            target.retired = true;
            carriedSession = target.session;
            if (worker == target) {
                worker = null;
            }
        }
        running.result.completeExceptionally(new Stopped());
        target.thread.stop();
    }

    private Worker liveWorker() {
        if (worker == null) {
            generation++;
            worker = new Worker(generation, carriedSession);
            worker.thread.start();
        }
        return worker;
    }

    @Override
    public void close() {
        stopper.shutdownNow();
        synchronized (lock) {
            if (worker != null) {
                worker.retired = true;
                worker.thread.interrupt();
                worker = null;
            }
        }
    }

    /** A unit of work and its outcome. */
    private static final class Task<T> {
        final Callable<T> body;
        final CompletableFuture<T> result = new CompletableFuture<>();
        volatile boolean interrupted;

        Task(Callable<T> body) {
            this.body = body;
        }

        void run() {
            try {
                result.complete(body.call());
            } catch (Throwable t) {
                result.completeExceptionally(interrupted && t instanceof ThreadDeath ? new Stopped() : t);
            }
        }
    }

    /** One incarnation of the evaluation thread. */
    private final class Worker implements Runnable {
        final LinkedBlockingQueue<Task<?>> queue = new LinkedBlockingQueue<>();
        final Thread thread;
        final Object inherited;
        volatile Task<?> current;
        volatile Object session;
        volatile boolean retired;

        Worker(int generation, Object inherited) {
            this.inherited = inherited;
            this.thread = new Thread(null, this, "wengert-eval-" + generation, STACK_BYTES);
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            try {
                SessionCarrier.bindToCurrentThread(inherited);
            } catch (RuntimeException e) {
                System.err.println("wengert: " + e.getMessage());
            }
            while (!retired) {
                try {
                    Task<?> task = queue.take();
                    if (task.interrupted) {
                        task.result.completeExceptionally(new Stopped());
                        continue;
                    }
                    Thread.currentThread().setContextClassLoader(userLoader);
                    // remember the session before user code runs, in case this thread must die
                    session = SessionCarrier.current(userLoader);
                    task.run();
                } catch (InterruptedException | ThreadDeath e) {
                    // an interrupt that arrived between tasks, or a stop: retired decides
                } finally {
                    Thread.interrupted(); // a late interrupt must not leak into the next cell
                }
            }
        }
    }
}
