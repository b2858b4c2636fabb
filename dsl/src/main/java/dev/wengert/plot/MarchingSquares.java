package dev.wengert.plot;

import java.util.ArrayList;
import java.util.List;

/**
 * Contour lines of a function sampled on a rectangular grid, by marching squares.
 *
 * <p>Each grid cell is classified by which of its four corners lie above the level; the line
 * crosses the cell's edges where the value, interpolated linearly along the edge, equals the
 * level. Neighbouring cells compute a shared edge's crossing from the same two corners, so the
 * pieces meet exactly and are joined into polylines by edge identity (no floating-point
 * matching). A saddle cell (opposite corners above) is resolved by the average of its corners.
 * Cells with a NaN corner are skipped: the line stops there rather than guess.
 *
 * <p>Grid convention: {@code z[j][i]} is the value at {@code (xs[i], ys[j])}.
 */
final class MarchingSquares {
    private MarchingSquares() {
    }

    /** The contour lines at {@code level}, each a polyline {@code {x0, y0, x1, y1, …}} in data coordinates. */
    static List<double[]> lines(double[] xs, double[] ys, double[][] z, double level) {
        return new Walk(xs, ys, z).lines(level);
    }

    /** The contour lines of several levels, {@code result.get(k)} for {@code levels[k]}, sharing one work area. */
    static List<List<double[]>> lines(double[] xs, double[] ys, double[][] z, double[] levels) {
        Walk w = new Walk(xs, ys, z);
        List<List<double[]>> out = new ArrayList<>(levels.length);
        for (double level : levels) {
            out.add(w.lines(level));
        }
        return out;
    }

    /**
     * The crossings of one level, in flat arrays indexed by edge id (2·(j·nx + i), +1 for the
     * vertical edge): a 200 × 200 grid has 80,000 edges, and boxed hash maps cost more than
     * the geometry. Every crossing has at most two neighbours, one per cell it borders.
     */
    private static final class Walk {
        private final double[] xs, ys;
        private final double[][] z;
        private final int nx;
        private final double[] px, py;
        private final int[] n1, n2;
        private final boolean[] done;
        private final int[] used;      // the edges crossed, in order of discovery
        private int nUsed;

        Walk(double[] xs, double[] ys, double[][] z) {
            this.xs = xs;
            this.ys = ys;
            this.z = z;
            this.nx = xs.length;
            int edges = 2 * xs.length * ys.length;
            px = new double[edges];
            py = new double[edges];
            n1 = new int[edges];
            n2 = new int[edges];
            used = new int[edges];
            done = new boolean[edges];
            java.util.Arrays.fill(n1, -1);
            java.util.Arrays.fill(n2, -1);
        }

        List<double[]> lines(double level) {
            int ny = ys.length;
            for (int j = 0; j + 1 < ny; j++) {
                double[] lo = z[j], hi = z[j + 1];
                for (int i = 0; i + 1 < nx; i++) {
                    double a = lo[i];          // (i, j)       bottom left
                    double b = lo[i + 1];      // (i+1, j)     bottom right
                    double c = hi[i + 1];      // (i+1, j+1)   top right
                    double d = hi[i];          // (i, j+1)     top left
                    int code = (a > level ? 1 : 0) | (b > level ? 2 : 0) | (c > level ? 4 : 0) | (d > level ? 8 : 0);
                    if (code == 0 || code == 15
                            || Double.isNaN(a) || Double.isNaN(b) || Double.isNaN(c) || Double.isNaN(d)) {
                        continue;
                    }
                    int bottom = 2 * (j * nx + i);
                    int top = 2 * ((j + 1) * nx + i);
                    int left = bottom + 1;
                    int right = 2 * (j * nx + i + 1) + 1;
                    switch (code) {
                        case 1: case 14: link(left, bottom, i, j, level); break;
                        case 2: case 13: link(bottom, right, i, j, level); break;
                        case 3: case 12: link(left, right, i, j, level); break;
                        case 4: case 11: link(right, top, i, j, level); break;
                        case 6: case 9: link(bottom, top, i, j, level); break;
                        case 7: case 8: link(left, top, i, j, level); break;
                        case 5: case 10: {
                            boolean centreAbove = (a + b + c + d) / 4 > level;
                            // code 5: a and c above; the centre decides whether they connect
                            if ((code == 5) == centreAbove) {
                                link(left, top, i, j, level);
                                link(bottom, right, i, j, level);
                            } else {
                                link(left, bottom, i, j, level);
                                link(right, top, i, j, level);
                            }
                            break;
                        }
                        default:
                            throw new AssertionError(code);
                    }
                }
            }
            List<double[]> out = join();
            // leave the arrays clean for the next level
            for (int k = 0; k < nUsed; k++) {
                n1[used[k]] = -1;
                n2[used[k]] = -1;
                done[used[k]] = false;
            }
            nUsed = 0;
            return out;
        }

        private void link(int p, int q, int i, int j, double level) {
            add(p, q, i, j, level);
            add(q, p, i, j, level);
        }

        private void add(int e, int other, int i, int j, double level) {
            if (n1[e] < 0) {
                n1[e] = other;
                used[nUsed++] = e;
                crossing(e, level);
            } else {
                n2[e] = other;
            }
        }

        /** Where the level crosses edge e, from its two corners in a fixed order (shared edges agree exactly). */
        private void crossing(int e, double level) {
            int cell = e >> 1;
            int i = cell % nx, j = cell / nx;
            double v0 = z[j][i];
            if ((e & 1) == 0) {   // horizontal: (i, j) to (i+1, j)
                double v1 = z[j][i + 1];
                double t = v1 == v0 ? 0.5 : (level - v0) / (v1 - v0);
                px[e] = xs[i] + t * (xs[i + 1] - xs[i]);
                py[e] = ys[j];
            } else {              // vertical: (i, j) to (i, j+1)
                double v1 = z[j + 1][i];
                double t = v1 == v0 ? 0.5 : (level - v0) / (v1 - v0);
                px[e] = xs[i];
                py[e] = ys[j] + t * (ys[j + 1] - ys[j]);
            }
        }

        /** Walks the crossings into polylines: open ones from their ends first, then closed loops. */
        private List<double[]> join() {
            List<double[]> out = new ArrayList<>();
            for (int pass = 0; pass < 2; pass++) {
                for (int k = 0; k < nUsed; k++) {
                    int s = used[k];
                    if (done[s] || (pass == 0 && n2[s] >= 0)) {
                        continue;
                    }
                    java.util.ArrayList<Integer> chain = new java.util.ArrayList<>();
                    int prev = -1;
                    int cur = s;
                    while (true) {
                        chain.add(cur);
                        done[cur] = true;
                        int next = -1;
                        for (int nb : new int[] {n1[cur], n2[cur]}) {
                            if (nb >= 0 && nb != prev && !done[nb]) {
                                next = nb;
                                break;
                            }
                        }
                        if (next < 0) {
                            if (pass == 1 && chain.size() > 2 && (n1[cur] == s || n2[cur] == s)) {
                                chain.add(s);   // a closed loop returns to its start
                            }
                            break;
                        }
                        prev = cur;
                        cur = next;
                    }
                    double[] line = new double[2 * chain.size()];
                    for (int m = 0; m < chain.size(); m++) {
                        line[2 * m] = px[chain.get(m)];
                        line[2 * m + 1] = py[chain.get(m)];
                    }
                    out.add(line);
                }
            }
            return out;
        }
    }
}
