package dev.wengert.fit;

import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;

/** The README tour's fitting snippet, as written there, so it keeps working. */
class FitTourTest {

    @Test
    void theReadmeTourFitsASmallTableAndPrintsTheSummary() {
        // a small table: a quantity decaying over time
        Table decay = Table.create("decay",
                DoubleColumn.create("t", 0, 1, 2, 3, 4, 5, 6, 7),
                DoubleColumn.create("y", 10.2, 6.1, 3.6, 2.3, 1.3, 0.85, 0.52, 0.29));

        // y = a·exp(−k·t): ordinary Java over Num; the fit differentiates it exactly
        var r = fit1((p, t) -> p[0].times(exp(p[1].times(-t)))).start(8, 0.3).names("a", "k").to(decay, "y", "t");
        String summary = r.toString();
        System.out.println(summary);

        assertTrue(r.converged(), r.reason());
        assertTrue(summary.contains("a   10.1788") && summary.contains("k  0.508599"), summary);
        assertTrue(summary.contains("Residual standard error: 0.0574908 on 6 degrees of freedom"), summary);
        double[][] ci = r.confidenceIntervals(0.95);
        assertTrue(ci[1][0] < 0.5086 && 0.5086 < ci[1][1]);
        assertEquals(10.1788 * Math.exp(-0.508599 * 2.5), r.predict(2.5), 1e-4);
    }
}
