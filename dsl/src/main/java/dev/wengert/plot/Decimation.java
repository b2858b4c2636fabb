package dev.wengert.plot;

import java.util.Arrays;

/**
 * Thins a line to what its pixels can show, so a plot of 10⁶ points stays a small vector
 * drawing with the same picture.
 *
 * <p>Bins are as fine as the whole canvas ({@code w} columns, {@code h} rows), which is finer
 * than the data area inside it, so nothing visible moves:
 * <ul>
 *   <li>a line whose x only increases (a function, a loss per iteration) keeps, per pixel
 *       column, its first, lowest, highest and last point (the "M4" aggregation of Jugel et
 *       al., VLDB 2014): the drawn line is the same to the pixel, with at most 4 points a
 *       column;</li>
 *   <li>any other line (a path in the plane) keeps the first and last point of each run of
 *       consecutive points inside one pixel; if that is still more than {@code limit}, every
 *       k-th point is kept and the plot says so;</li>
 *   <li>a band keeps, per pixel column, its lowest lower and highest upper edge.</li>
 * </ul>
 * The lines kept are then simplified to within a quarter of a pixel (Ramer–Douglas–Peucker).
 * Gaps (non-finite values) are kept, one per gap. Written here because JFreeChart draws every
 * point it is given and no library on Maven Central thins series for it.
 */
final class Decimation {
    private Decimation() {
    }

    /** One axis' mapping of data to [0, 1] for binning: linear, or log10 (non-positive values are gaps). */
    static final class Scale {
        private final double lo;
        private final double span;
        private final boolean log;

        private Scale(double lo, double hi, boolean log) {
            this.lo = lo;
            this.span = hi > lo ? hi - lo : 0;
            this.log = log;
        }

        /** The scale spanning the drawable values of the given arrays (finite, and positive on a log axis). */
        static Scale of(boolean log, double[]... arrays) {
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            for (double[] a : arrays) {
                for (double v : a) {
                    double t = transform(v, log);
                    if (!Double.isNaN(t)) {
                        lo = Math.min(lo, t);
                        hi = Math.max(hi, t);
                    }
                }
            }
            return lo <= hi ? new Scale(lo, hi, log) : new Scale(0, 0, log);
        }

        /** The scale of a fixed range [lo, hi] (linear). */
        static Scale range(double lo, double hi) {
            return new Scale(lo, hi, false);
        }

        private static double transform(double v, boolean log) {
            if (!Double.isFinite(v)) {
                return Double.NaN;
            }
            if (log) {
                return v > 0 ? Math.log10(v) : Double.NaN;
            }
            return v;
        }

        /** Whether v can be drawn on this axis. */
        boolean drawable(double v) {
            return !Double.isNaN(transform(v, log));
        }

        /** Where v lies across n pixels (not clamped). */
        double pixel(double v, int n) {
            return span == 0 ? 0 : (transform(v, log) - lo) / span * n;
        }

        /** The bin of v among n across the range, clamped to [0, n − 1]. */
        int bin(double v, int n) {
            if (span == 0) {
                return 0;
            }
            double f = (transform(v, log) - lo) / span;
            return (int) Math.max(0, Math.min(n - 1, Math.floor(f * n)));
        }
    }

    /** Whether x never decreases (gaps ignored): then M4 applies. */
    static boolean increasing(double[] x) {
        double last = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            if (Double.isNaN(v)) {
                continue;
            }
            if (v < last) {
                return false;
            }
            last = v;
        }
        return true;
    }

    /** How far, in pixels, a simplified line may pass from a point it leaves out. */
    static final double TOLERANCE = 0.25;

    /**
     * The indices of the points to keep of the line (x, y) drawn on a w × h canvas, in order;
     * an index whose point is not drawable marks a gap. After binning, each gap-free run is
     * simplified by Ramer–Douglas–Peucker to within {@value #TOLERANCE} pixel, which leaves a
     * smooth curve a few points per bend instead of one per pixel.
     */
    static int[] line(double[] x, double[] y, Scale sx, Scale sy, int w, int h) {
        int[] binned = increasing(x) ? m4(x, y, sx, sy, w) : cells(x, y, sx, sy, w, h);
        return simplify(binned, x, y, sx, sy, w, h);
    }

    /** Ramer–Douglas–Peucker over each gap-free run of {@code idx}, in pixels; gaps kept. */
    static int[] simplify(int[] idx, double[] x, double[] y, Scale sx, Scale sy, int w, int h) {
        int n = idx.length;
        double[] px = new double[n], py = new double[n];
        boolean[] gap = new boolean[n];
        for (int k = 0; k < n; k++) {
            int i = idx[k];
            gap[k] = !sx.drawable(x[i]) || !sy.drawable(y[i]);
            px[k] = gap[k] ? 0 : sx.pixel(x[i], w);
            py[k] = gap[k] ? 0 : sy.pixel(y[i], h);
        }
        boolean[] keep = new boolean[n];
        int[] stack = new int[64];
        for (int a = 0; a < n; ) {
            if (gap[a]) {
                keep[a] = true;
                a++;
                continue;
            }
            int b = a;
            while (b + 1 < n && !gap[b + 1]) {
                b++;
            }
            keep[a] = true;
            keep[b] = true;
            // an explicit stack of (from, to) pairs: no recursion, whatever the length
            int top = 0;
            stack[top++] = a;
            stack[top++] = b;
            while (top > 0) {
                int to = stack[--top], from = stack[--top];
                double dx = px[to] - px[from], dy = py[to] - py[from];
                double len = Math.hypot(dx, dy);
                double worst = -1;
                int at = -1;
                for (int k = from + 1; k < to; k++) {
                    double d = len == 0 ? Math.hypot(px[k] - px[from], py[k] - py[from])
                            : Math.abs(dy * (px[k] - px[from]) - dx * (py[k] - py[from])) / len;
                    if (d > worst) {
                        worst = d;
                        at = k;
                    }
                }
                if (worst > TOLERANCE) {
                    keep[at] = true;
                    if (top + 4 > stack.length) {
                        stack = Arrays.copyOf(stack, 2 * stack.length);
                    }
                    stack[top++] = from;
                    stack[top++] = at;
                    stack[top++] = at;
                    stack[top++] = to;
                }
            }
            a = b + 1;
        }
        Indices out = new Indices(n);
        for (int k = 0; k < n; k++) {
            if (keep[k]) {
                out.add(idx[k]);
            }
        }
        return out.toArray();
    }

    private static int[] m4(double[] x, double[] y, Scale sx, Scale sy, int w) {
        Indices out = new Indices(Math.min(x.length, 4 * w + 16));
        int bin = -1, first = -1, last = -1, min = -1, max = -1;
        boolean gap = false;
        for (int i = 0; i < x.length; i++) {
            if (!sx.drawable(x[i]) || !sy.drawable(y[i])) {
                out.addSorted(first, min, max, last);
                first = -1;
                bin = -1;
                if (!gap && out.size() > 0) {
                    out.add(i);
                    gap = true;
                }
                continue;
            }
            gap = false;
            int b = sx.bin(x[i], w);
            if (b != bin) {
                out.addSorted(first, min, max, last);
                bin = b;
                first = last = min = max = i;
            } else {
                last = i;
                if (y[i] < y[min]) {
                    min = i;
                }
                if (y[i] > y[max]) {
                    max = i;
                }
            }
        }
        out.addSorted(first, min, max, last);
        return out.toArray();
    }

    private static int[] cells(double[] x, double[] y, Scale sx, Scale sy, int w, int h) {
        Indices out = new Indices(Math.min(x.length, 1024));
        long cell = Long.MIN_VALUE;
        int runEnd = -1;   // the last point of the current run, kept when the run ends
        boolean gap = false;
        for (int i = 0; i < x.length; i++) {
            if (!sx.drawable(x[i]) || !sy.drawable(y[i])) {
                if (runEnd >= 0) {
                    out.add(runEnd);
                    runEnd = -1;
                }
                cell = Long.MIN_VALUE;
                if (!gap && out.size() > 0) {
                    out.add(i);
                    gap = true;
                }
                continue;
            }
            gap = false;
            long c = (long) sx.bin(x[i], w) << 32 | sy.bin(y[i], h);
            if (c != cell) {
                if (runEnd >= 0) {
                    out.add(runEnd);
                }
                out.add(i);
                runEnd = -1;
                cell = c;
            } else {
                runEnd = i;
            }
        }
        if (runEnd >= 0) {
            out.add(runEnd);
        }
        return out.toArray();
    }

    /** Every k-th index (and the last), so at most about {@code limit} remain; the same array when it fits. */
    static int[] stride(int[] idx, int limit) {
        if (idx.length <= limit) {
            return idx;
        }
        int k = strideOf(idx.length, limit);
        Indices out = new Indices(limit + 2);
        for (int i = 0; i < idx.length; i += k) {
            out.add(idx[i]);
        }
        if ((idx.length - 1) % k != 0) {
            out.add(idx[idx.length - 1]);
        }
        return out.toArray();
    }

    /** The step {@link #stride} takes. */
    static int strideOf(int n, int limit) {
        return (int) Math.ceil((double) n / limit);
    }

    /**
     * A band (x increasing) as at most two points per pixel column: at the column's first and
     * last x, the lowest lower and the highest upper edge in it. Rows with a non-finite value
     * are left out. Returns {x, lower, upper}.
     */
    static double[][] band(double[] x, double[] lower, double[] upper, Scale sx, int w) {
        double[] bx = new double[Math.min(x.length, 2 * w + 2)];
        double[] bl = new double[bx.length], bu = new double[bx.length];
        int n = 0, bin = -1;
        double x0 = 0, x1 = 0, lo = 0, hi = 0;
        for (int i = 0; i <= x.length; i++) {
            boolean end = i == x.length;
            boolean ok = !end && sx.drawable(x[i]) && Double.isFinite(lower[i]) && Double.isFinite(upper[i]);
            if (!end && !ok) {
                continue;
            }
            int b = end ? -2 : sx.bin(x[i], w);
            if (b != bin) {
                if (bin != -1) {
                    if (n + 2 > bx.length) {
                        bx = Arrays.copyOf(bx, 2 * bx.length + 2);
                        bl = Arrays.copyOf(bl, bx.length);
                        bu = Arrays.copyOf(bu, bx.length);
                    }
                    bx[n] = x0;
                    bl[n] = lo;
                    bu[n++] = hi;
                    if (x1 != x0) {
                        bx[n] = x1;
                        bl[n] = lo;
                        bu[n++] = hi;
                    }
                }
                if (end) {
                    break;
                }
                bin = b;
                x0 = x1 = x[i];
                lo = lower[i];
                hi = upper[i];
            } else {
                x1 = x[i];
                lo = Math.min(lo, lower[i]);
                hi = Math.max(hi, upper[i]);
            }
        }
        return new double[][] {Arrays.copyOf(bx, n), Arrays.copyOf(bl, n), Arrays.copyOf(bu, n)};
    }

    /** A growable int list. */
    private static final class Indices {
        private int[] a;
        private int n;

        Indices(int capacity) {
            a = new int[Math.max(4, capacity)];
        }

        void add(int i) {
            if (n == a.length) {
                a = Arrays.copyOf(a, 2 * n);
            }
            a[n++] = i;
        }

        /** Adds the distinct indices among the four, in increasing order (none when first < 0). */
        void addSorted(int first, int min, int max, int last) {
            if (first < 0) {
                return;
            }
            int lo = Math.min(min, max), hi = Math.max(min, max);
            add(first);
            if (lo != first) {
                add(lo);
            }
            if (hi != lo && hi != first) {
                add(hi);
            }
            if (last != hi && last != lo && last != first) {
                add(last);
            }
        }

        int size() {
            return n;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
