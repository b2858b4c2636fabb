package dev.wengert.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.wengert.core.Session;

/** One evaluation thread; interrupts, forced stops, and the session carried across them. */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // safety net only
class EvaluationThreadTest {

    private final EvaluationThread thread = new EvaluationThread(100);

    @AfterEach
    void close() {
        thread.close();
    }

    @Test
    void everyTaskRunsOnTheSameThread() throws Exception {
        Thread first = thread.call(Thread::currentThread, -1);
        assertSame(first, thread.call(Thread::currentThread, -1));
    }

    @Test
    void cooperativeCodeEndsOnInterrupt() throws Exception {
        CountDownLatch sleeping = new CountDownLatch(1);
        CompletableFuture<Exception> outcome = CompletableFuture.supplyAsync(() -> {
            try {
                thread.call(() -> {
                    sleeping.countDown();
                    Thread.sleep(1_000_000);
                    return null;
                }, -1);
                return null;
            } catch (Exception e) {
                return e;
            }
        });
        sleeping.await();
        thread.interrupt();
        assertEquals(InterruptedException.class, outcome.get().getClass());
        assertEquals(0, thread.replacements()); // the thread itself survived
    }

    @Test
    void runawayLoopIsStoppedAndTheSessionMovesToTheNewThread() throws Exception {
        Session before = thread.call(Session::current, -1);
        Thread old = thread.call(Thread::currentThread, -1);
        CountDownLatch spinning = new CountDownLatch(1);
        CompletableFuture<Exception> outcome = CompletableFuture.supplyAsync(() -> {
            try {
                thread.call(() -> {
                    spinning.countDown();
                    while (true) {
                        Thread.onSpinWait();
                    }
                }, -1);
                return null;
            } catch (Exception e) {
                return e;
            }
        });
        spinning.await();
        thread.interrupt();
        assertEquals(EvaluationThread.Stopped.class, outcome.get().getClass());

        thread.clearInterrupt();
        Thread now = thread.call(Thread::currentThread, -1);
        assertEquals(1, thread.replacements());
        assertSame(before, thread.call(Session::current, -1));
        assertSame(now, before.owner());
        old.join(); // the stopped thread really ended
    }

    @Test
    void afterAnInterruptTasksAreRefusedUntilTheNextCell() throws Exception {
        thread.interrupt();
        assertThrows(EvaluationThread.Stopped.class, () -> thread.call(() -> 1, -1));
        thread.clearInterrupt();
        assertEquals(1, thread.call(() -> 1, -1));
    }

    @Test
    void timeoutInterruptsTheTask() {
        assertThrows(EvaluationThread.Stopped.class, () -> thread.call(() -> {
            while (true) {
                Thread.onSpinWait();
            }
        }, 50));
    }
}
