package dev.wengert.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.wengert.compile.CompiledFn;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;

/** Threads and memory: each thread on its own tape, the functional API concurrent, long chains. */
class ThreadsAndMemoryTest {

    /** Eight different functions, differentiated on each thread's own implicit tape. */
    static double[] work(int k) {
        resetTape();
        var x = param("x", 0.3 + 0.1 * k);
        var y = param("y", -0.7 + 0.05 * k);
        Num z = constant(0);
        for (int i = 0; i < 2000; i++) {
            z = z.plus(sin(x.times(i % 7 + k)).times(y).plus(exp(y.times(0.01 * k))).div(i + 1));
        }
        z.backward();
        double[] g = {x.grad(), y.grad(), z.value()};
        double[] h = gradient(v -> v[0].times(v[1]).plus(cos(v[0].times(k))), 0.5 + k, 1.5);
        double[][] hh = hessian(v -> v[0].square().times(v[1]).times(k + 1), 1.0, 2.0);
        return new double[] {g[0], g[1], g[2], h[0], h[1], hh[0][0], hh[0][1]};
    }

    @Test
    void eightThreadsGiveExactlyTheSingleThreadResults() throws Exception {
        double[][] single = new double[8][];
        for (int k = 0; k < 8; k++) {
            single[k] = work(k);
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 5; round++) {
                List<Future<double[]>> fs = new ArrayList<>();
                for (int k = 0; k < 8; k++) {
                    final int kk = k;
                    fs.add(pool.submit(() -> work(kk)));
                }
                for (int k = 0; k < 8; k++) {
                    assertArrayEquals(bits(single[k]), bits(fs.get(k).get()), "thread result " + k + ", bit for bit");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theFunctionalApiIsSafeToCallConcurrently() throws Exception {
        Fn f = v -> logsumexp(v).times(v[0]).plus(tanh(v[1].times(v[2])));
        double[] x = {0.1, -0.4, 2.0};
        double[] want = gradient(f, x);
        CompiledFn c = compile(f, x);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<double[]>> fs = new ArrayList<>();
            for (int k = 0; k < 64; k++) {
                final int kk = k;
                fs.add(pool.submit(() -> kk % 2 == 0 ? gradient(f, x) : c.gradient(x)));
            }
            for (Future<double[]> fu : fs) {
                assertArrayEquals(bits(want), bits(fu.get()), "bit for bit");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aBackwardSweepOverTenMillionNodesNeedsNoStack() {
        mode(Mode.REVERSE);
        resetTape();
        var x = param("x", 1.0);
        Num y = x;
        for (int i = 0; i < 10_000_000; i++) {
            y = y.times(1.0000001);                // a 10⁷-node chain
        }
        y.backward();
        assertEquals(Math.pow(1.0000001, 10_000_000), x.grad(), 1e-6);
        assertTrue(tape().size() > 10_000_000);
        resetTape();
        assertEquals(0, tape().size(), "reset frees the tape");
    }

    static long[] bits(double[] d) {
        return java.util.Arrays.stream(d).mapToLong(Double::doubleToLongBits).toArray();
    }
}
