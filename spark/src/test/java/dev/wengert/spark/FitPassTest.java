package dev.wengert.spark;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static dev.wengert.Wengert.exp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One partition's sums, without Spark: the compiled row model against the model's compiled rows. */
class FitPassTest {
    static final RowModel MISRA1A = (p, x) -> p[0].times(exp(p[1].times(x[0]).neg()).neg().plus(1));

    /** Misra1a's rows, repeated to fill a block of {@code rows} rows: (y, x) row-major. */
    static Block block(int rows) {
        Nist nist = Nist.read("Misra1a");
        double[] v = new double[rows * 2];
        for (int i = 0; i < rows; i++) {
            int j = i % nist.y().length;
            v[2 * i] = nist.y()[j];
            v[2 * i + 1] = nist.x()[j][0];
        }
        return new Block(2, rows, v, 0, 0, null);
    }

    @Test
    void theCompiledRowModelGivesTheForwardModeSums() {
        Block b = block(1000);
        double[] p = {240, 5.5e-4};
        FitPass compiled = new FitPass(2);
        compiled.add(b, MISRA1A.asModel(), MISRA1A, p, true);
        FitPass forward = new FitPass(2);
        forward.add(b, MISRA1A.asModel(), null, p, true);
        assertEquals(1000, compiled.n);
        assertEquals(forward.rss, compiled.rss, 1e-13 * forward.rss);
        assertArrayEquals(forward.jtr, compiled.jtr, 1e-12 * Math.abs(forward.jtr[0]));
        for (int i = 0; i < 4; i++) {
            assertEquals(forward.jtj[i], compiled.jtj[i], 1e-12 * Math.abs(forward.jtj[i]), "JᵀJ entry " + i);
            assertEquals(forward.curvature[i], compiled.curvature[i], 1e-12 * Math.abs(forward.curvature[i]),
                    "curvature entry " + i);
        }
    }

    /** The claim of fitCompiled: after the partition's first recording, rows cost no allocation. */
    @Test
    void aCompiledPassAllocatesNothingPerRow() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Block b = block(Block.CAPACITY);
        double[] p = {240, 5.5e-4};
        FitPass s = new FitPass(2);
        for (int k = 0; k < 5; k++) {
            s.add(b, MISRA1A.asModel(), MISRA1A, p, false);         // records once, then warms up
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int k = 0; k < 10; k++) {
            s.add(b, MISRA1A.asModel(), MISRA1A, p, false);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // 40,960 rows: even one 16-byte object per row would be 640 KB
        assertTrue(allocated < 16 * 1024, "10 blocks of " + Block.CAPACITY + " rows allocated " + allocated + " bytes");
        assertEquals(15L * Block.CAPACITY, s.n);
    }

    /**
     * Issue 19: the same for a {@link SerializableModel}, whose predictors are plain doubles. The
     * first pass over a cached block records each row; every later pass replays the block's
     * compiled rows, allocating nothing per row, and gives the row model's sums within rounding.
     */
    @Test
    void aSerializableModelsPassAllocatesNothingPerRowAfterTheFirst() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        SerializableModel m = (p, x) -> p[0].times(exp(p[1].times(x[0]).neg()).neg().plus(1));
        Block b = block(Block.CAPACITY);
        double[] p = {240, 5.5e-4};
        FitPass s = new FitPass(2);
        for (int k = 0; k < 5; k++) {
            // records once, then warms up, the curvature pass too: its work arrays are made once
            // per thread that replays the block's rows (wengert.fit.threads), on its first pass
            s.add(b, m, null, p, k > 0);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int k = 0; k < 10; k++) {
            s.add(b, m, null, p, true);                               // with the curvature pass too
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // 20 passes over 4,096 rows: a few kB per pass (the p×p results), where one 16-byte object
        // per row would be 1.3 MB
        assertTrue(allocated < 64 * 1024, "20 passes over " + Block.CAPACITY + " rows allocated " + allocated + " bytes");
        // the same sums as the row model's compiled recording (the same arithmetic, per row)
        FitPass one = new FitPass(2);
        one.add(b, m, null, p, true);
        FitPass compiled = new FitPass(2);
        compiled.add(b, MISRA1A.asModel(), MISRA1A, p, true);
        assertEquals(compiled.rss, one.rss, 1e-13 * compiled.rss);
        for (int i = 0; i < 4; i++) {
            assertEquals(compiled.jtj[i], one.jtj[i], 1e-12 * Math.abs(compiled.jtj[i]), "JᵀJ entry " + i);
            assertEquals(compiled.curvature[i], one.curvature[i], 1e-11 * Math.abs(compiled.curvature[i]),
                    "curvature entry " + i);
        }
    }

    /** The same for a minimisation's per-row loss: a pass over 40,960 rows allocates nothing per row. */
    @Test
    void aLossPassAllocatesNothingPerRow() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        RowLoss squared = (w, row) -> row[0].minus(MISRA1A.apply(w, new dev.wengert.core.Num[] {row[1]})).square();
        Block b = block(Block.CAPACITY);
        java.util.List<Block> blocks = java.util.Collections.nCopies(10, b);
        double[] w = {240, 5.5e-4};
        LossPass.sum(blocks.iterator(), squared, w);                      // warms up
        LossPass.sum(blocks.iterator(), squared, w);
        long before = threads.getCurrentThreadAllocatedBytes();
        LossPass s = LossPass.sum(blocks.iterator(), squared, w);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // one recording per pass (a few KB for this loss), then replays: 16 bytes per row would be 640 KB
        assertTrue(allocated < 64 * 1024, "a pass over 10 blocks of " + Block.CAPACITY + " rows allocated " + allocated + " bytes");
        assertEquals(10L * Block.CAPACITY, s.n);
        FitPass fit = new FitPass(2);
        for (int k = 0; k < 10; k++) {
            fit.add(b, MISRA1A.asModel(), MISRA1A, w, false);
        }
        assertEquals(fit.rss, s.value, 1e-12 * fit.rss, "Σ r² two ways");
        assertEquals(-2 * fit.jtr[0], s.gradient[0], 1e-10 * Math.abs(s.gradient[0]), "∂/∂b1 = −2 Σ r·∂m/∂b1");
    }
}
