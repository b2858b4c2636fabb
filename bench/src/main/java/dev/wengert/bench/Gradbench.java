package dev.wengert.bench;

import dev.wengert.compile.CompiledFn;
import dev.wengert.compile.CompiledVecFn;
import dev.wengert.core.Fn;
import dev.wengert.core.Num;
import dev.wengert.core.VecFn;
import dev.wengert.tensor.Blocks;
import dev.wengert.tensor.Tensor;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import static dev.wengert.Wengert.*;

/**
 * The gradbench workloads of issue 20 (lse, llsq, det, ode, kmeans, gmm, ba, ht, lstm), written
 * as a user of the library writes them — scalar loops over {@code Num}, and where the problem
 * has a natural array form, {@code Tensor} code too — at sizes where one gradient takes
 * milliseconds. {@code bench/peers/gradbench_torch.py} computes the same functions on the same
 * inputs ({@link GradbenchData}) with PyTorch, as gradbench's PyTorch tool writes them.
 *
 * <p>Each workload offers its objective without derivatives and the derivative gradbench asks
 * for (a gradient, a Jacobian, kmeans' Newton direction), each by the fastest route the library
 * has for that form: a compiled tape ({@code compile}, {@code compileVec}) whose loops become
 * generated code, or tensor operations on constants for a tensor objective. {@link #check}
 * compares the fast route with an independent one before anything is timed.
 */
public final class Gradbench {
    private Gradbench() {
    }

    /** One workload in one form. */
    public interface Workload {
        /** f at the benchmark point, without derivatives. */
        Object objective();

        /** The derivative gradbench asks for, at the benchmark point. */
        Object derivative();

        /**
         * Checks the derivative against an independent route (a fresh recording, a closed form)
         * and returns the objective's summary value, which the PyTorch side prints too.
         */
        double check();

        /** The same objective written on plain doubles by hand, for objective ÷ doubles (null when not written). */
        default Object doubles() {
            return null;
        }
    }

    /** The compiled functions of the workloads made so far (settle waits for their generated code). */
    static final java.util.List<CompiledFn> COMPILED = new java.util.ArrayList<>();

    /** compile(f, x0), remembered for {@link #settle}. */
    static CompiledFn compiled(Fn f, double... x0) {
        CompiledFn c = compile(f, x0);
        COMPILED.add(c);
        return c;
    }

    /**
     * Brings a workload to its steady state before it is timed: calls it until its compiled
     * tapes have handed their loops to the code generation thread, waits for that thread, then
     * calls it on until the loops have been timed against the interpreter (kept or dropped).
     * With {@code -Dgradbench.quick=true} (bench/peers/gradbench.sh --quick) it calls for at most
     * 2 s and waits at most 5 s for the generated code, so a quick run stays short; a loop not
     * ready by then is timed as the interpreter runs it.
     */
    public static void settle(Workload w) {
        boolean quick = Boolean.getBoolean("gradbench.quick");
        long start = System.nanoTime();
        long end = start + (quick ? 2_000_000_000L : 15_000_000_000L);
        // code is generated once a tape's calls have taken what generating is estimated to cost
        // (Program.repayNanos: 0.5 s plus 2 µs per operation): call at least a little longer
        long repay = 0;
        for (CompiledFn c : COMPILED) {
            repay = Math.max(repay, 600_000_000L + 3_000L * c.size());
        }
        // each side's own calls must add up to the repay time: a derivative that never counts
        // towards it (kmeans' gradient with H·v, from an interpreted replay) must not leave the
        // objective's values-only loops ungenerated
        long derivative = 0;
        long objective = 0;
        for (int k = 0; (k < 400 || derivative < repay || objective < repay) && System.nanoTime() < end; k++) {
            long t0 = System.nanoTime();
            w.derivative();
            long t1 = System.nanoTime();
            w.objective();
            derivative += t1 - t0;
            objective += System.nanoTime() - t1;
        }
        for (CompiledFn c : COMPILED) {
            c.awaitGeneratedCode(quick ? 5_000 : 120_000);
        }
        for (int k = 0, calls = quick ? 10 : 40; k < calls; k++) {
            w.derivative();
            w.objective();
        }
        for (CompiledFn c : COMPILED) {
            System.out.println("settled: " + c);                 // in the JMH log: what runs generated
        }
    }

    /** Every workload by name: {@code lse.scalar}, {@code lse.tensor}, … */
    public static final Map<String, Supplier<Workload>> ALL = new LinkedHashMap<>();

    static {
        ALL.put("lse.scalar", LseScalar::new);
        ALL.put("lse.tensor", LseTensor::new);
        ALL.put("llsq.scalar", LlsqScalar::new);
        ALL.put("llsq.tensor", LlsqTensor::new);
        ALL.put("det.minors", () -> new Det(false));
        ALL.put("det.lu", () -> new Det(true));
        ALL.put("ode.scalar", () -> new Ode(false));
        ALL.put("ode.tensor", () -> new Ode(true));
        ALL.put("kmeans.scalar", () -> new Kmeans(false));
        ALL.put("kmeans.tensor", () -> new Kmeans(true));
        ALL.put("gmm.scalar", () -> new Gmm(false));
        ALL.put("gmm.tensor", () -> new Gmm(true));
        ALL.put("ba.scalar", Ba::new);
        ALL.put("ht.scalar", () -> new Ht(false));
        ALL.put("ht.tensor", () -> new Ht(true));
        ALL.put("lstm.scalar", () -> new Lstm(false));
        ALL.put("lstm.tensor", () -> new Lstm(true));
    }

    /** The workload of that name. */
    public static Workload of(String name) {
        Supplier<Workload> s = ALL.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no workload " + name + "; they are " + ALL.keySet());
        }
        return s.get();
    }

    /** Relative agreement of two gradients, or an error naming the workload. */
    static void agree(String what, double[] want, double[] got, double tol) {
        if (want.length != got.length) {
            throw new IllegalStateException(what + ": " + got.length + " values, expected " + want.length);
        }
        double scale = 0;
        for (double w : want) {
            scale = Math.max(scale, Math.abs(w));
        }
        for (int i = 0; i < want.length; i++) {
            if (!(Math.abs(want[i] - got[i]) <= tol * Math.max(1, scale))) {
                throw new IllegalStateException(what + ": element " + i + " is " + got[i] + ", expected " + want[i]);
            }
        }
    }

    static double[] flat(double[][] a) {
        double[] f = new double[a.length * a[0].length];
        for (int i = 0; i < a.length; i++) {
            System.arraycopy(a[i], 0, f, i * a[0].length, a[0].length);
        }
        return f;
    }

    // ---- lse: log Σ exp xᵢ ------------------------------------------------------------------------

    static final int LSE_N = 10_000;

    static double[] lseData() {
        return new GradbenchData(1).uniform(LSE_N, -1, 1);
    }

    /** gradbench's lse as a loop: A = max xᵢ, then log Σ exp(xᵢ − A) + A. */
    static final class LseScalar implements Workload {
        static final Fn F = x -> {
            Num a = x[0];
            for (int i = 1; i < x.length; i++) {
                a = a.max(x[i]);
            }
            Num s = constant(0);
            for (Num xi : x) {
                s = s.plus(xi.minus(a).exp());
            }
            return s.log().plus(a);
        };
        final double[] x = lseData();
        final CompiledFn c = compiled(F, x);
        final double[] g = new double[x.length];

        public Object objective() {
            return c.value(x);
        }

        public Object derivative() {
            c.valueAndGradientInto(x, g);
            return g;
        }

        public Object doubles() {
            double a = x[0];
            for (int i = 1; i < x.length; i++) {
                a = Math.max(a, x[i]);
            }
            double s = 0;
            for (double xi : x) {
                s += Math.exp(xi - a);
            }
            return Math.log(s) + a;
        }

        public double check() {
            derivative();
            agree("lse.scalar", gradient(F, x), g, 1e-14);
            agree("lse.scalar softmax", tensor(x).softmax().values(), g, 1e-12);
            return c.value(x);
        }
    }

    /** lse as a tensor: one log-sum-exp node. */
    static final class LseTensor implements Workload {
        static Num lse(Tensor x) {
            return x.logsumexp();
        }

        static final Fn F = x -> lse(tensor(x, 0, x.length));
        final double[] x = lseData();
        final Tensor data = tensor(x);
        final CompiledFn c = compiled(F, x);
        final double[] g = new double[x.length];

        public Object objective() {
            return lse(data).value();
        }

        public Object derivative() {
            c.valueAndGradientInto(x, g);
            return g;
        }

        public double check() {
            derivative();
            agree("lse.tensor", gradient(LseScalar.F, x), g, 1e-12);
            return lse(data).value();
        }
    }

    // ---- llsq: ½ Σᵢ (sᵢ − Σⱼ xⱼ tᵢʲ)² ---------------------------------------------------------------

    static final int LLSQ_N = 1024;
    static final int LLSQ_M = 128;

    static double llsqT(int i) {
        return -1 + i * 2.0 / (LLSQ_N - 1);
    }

    /** llsq as gradbench writes it: a double loop over Num. */
    static final class LlsqScalar implements Workload {
        static final Fn F = x -> {
            Num sum = constant(0);
            for (int i = 0; i < LLSQ_N; i++) {
                double ti = llsqT(i);
                Num inner = constant(Math.signum(ti));
                for (int j = 0; j < x.length; j++) {
                    inner = inner.minus(x[j].times(Math.pow(ti, j)));
                }
                sum = sum.plus(inner.square());
            }
            return sum.div(2);
        };
        final double[] x = new GradbenchData(2).uniform(LLSQ_M);
        final CompiledFn c = compiled(F, x);
        final double[] g = new double[x.length];

        public Object objective() {
            return c.value(x);
        }

        public Object derivative() {
            c.valueAndGradientInto(x, g);
            return g;
        }

        public Object doubles() {
            double sum = 0;
            for (int i = 0; i < LLSQ_N; i++) {
                double ti = llsqT(i);
                double inner = Math.signum(ti);
                for (int j = 0; j < x.length; j++) {
                    inner -= x[j] * Math.pow(ti, j);
                }
                sum += inner * inner;
            }
            return sum / 2;
        }

        public double check() {
            derivative();
            agree("llsq.scalar", gradient(F, x), g, 1e-13);
            return c.value(x);
        }
    }

    /** llsq as matrices: r = s − T·x with T = (tᵢʲ), ½ Σ r². */
    static final class LlsqTensor implements Workload {
        static final Tensor T;
        static final Tensor S;

        static {
            double[] t = new double[LLSQ_N * LLSQ_M];
            double[] s = new double[LLSQ_N];
            for (int i = 0; i < LLSQ_N; i++) {
                double ti = llsqT(i);
                s[i] = Math.signum(ti);
                for (int j = 0; j < LLSQ_M; j++) {
                    t[i * LLSQ_M + j] = Math.pow(ti, j);
                }
            }
            T = tensor(t, LLSQ_N, LLSQ_M);
            S = tensor(s);
        }

        static Num llsq(Tensor x) {
            return S.minus(T.matmul(x)).square().sum().div(2);
        }

        static final Fn F = x -> llsq(tensor(x, 0, x.length));
        final double[] x = new GradbenchData(2).uniform(LLSQ_M);
        final Tensor data = tensor(x);
        final CompiledFn c = compiled(F, x);
        final double[] g = new double[x.length];

        public Object objective() {
            return llsq(data).value();
        }

        public Object derivative() {
            c.valueAndGradientInto(x, g);
            return g;
        }

        public double check() {
            derivative();
            agree("llsq.tensor", gradient(LlsqScalar.F, x), g, 1e-11);
            return llsq(data).value();
        }
    }

    // ---- det: ℓ×ℓ determinant by minors (gradbench), or by LU --------------------------------------

    static final int DET_L = 8;

    /** gradbench's det_of_minor: expansion along the first row, rows and columns removed through links r and c. */
    static Num detOfMinor(Num[] a, int n, int m, int[] r, int[] c) {
        int r0 = r[n];
        int cj = c[n];
        if (m == 1) {
            return a[r0 * n + cj];
        }
        Num detM = constant(0);
        int sign = 1;
        r[n] = r[r0];
        int cj1 = n;
        for (int j = 0; j < m; j++) {
            Num m0j = a[r0 * n + cj];
            c[cj1] = c[cj];
            Num detS = detOfMinor(a, n, m - 1, r, c);
            c[cj1] = cj;
            detM = sign > 0 ? detM.plus(m0j.times(detS)) : detM.minus(m0j.times(detS));
            cj1 = cj;
            cj = c[cj];
            sign = -sign;
        }
        r[n] = r0;
        return detM;
    }

    /** det_of_minor on doubles, for objective ÷ doubles. */
    static double detOfMinor(double[] a, int n, int m, int[] r, int[] c) {
        int r0 = r[n];
        int cj = c[n];
        if (m == 1) {
            return a[r0 * n + cj];
        }
        double detM = 0;
        int sign = 1;
        r[n] = r[r0];
        int cj1 = n;
        for (int j = 0; j < m; j++) {
            double m0j = a[r0 * n + cj];
            c[cj1] = c[cj];
            double detS = detOfMinor(a, n, m - 1, r, c);
            c[cj1] = cj;
            detM = sign > 0 ? detM + m0j * detS : detM - m0j * detS;
            cj1 = cj;
            cj = c[cj];
            sign = -sign;
        }
        r[n] = r0;
        return detM;
    }

    static final Fn DET_MINORS = a -> {
        int l = (int) Math.round(Math.sqrt(a.length));
        int[] r = new int[l + 1];
        int[] c = new int[l + 1];
        for (int i = 0; i < l; i++) {
            r[i] = i + 1;
            c[i] = i + 1;
        }
        return detOfMinor(a, l, l, r, c);
    };

    static final Fn DET_LU = a -> {
        int l = (int) Math.round(Math.sqrt(a.length));
        Num[][] m = new Num[l][l];
        for (int i = 0; i < l; i++) {
            m[i] = Arrays.copyOfRange(a, i * l, (i + 1) * l);
        }
        return det(m);
    };

    static final class Det implements Workload {
        final boolean lu;
        final double[] a = new GradbenchData(3).uniform(DET_L * DET_L);
        final CompiledFn c;
        final double[] g = new double[a.length];

        Det(boolean lu) {
            this.lu = lu;
            this.c = compiled(lu ? DET_LU : DET_MINORS, a);
        }

        public Object objective() {
            return c.value(a);
        }

        public Object derivative() {
            c.valueAndGradientInto(a, g);
            return g;
        }

        public Object doubles() {
            if (lu) {
                return null;
            }
            int[] r = new int[DET_L + 1];
            int[] c = new int[DET_L + 1];
            for (int i = 0; i < DET_L; i++) {
                r[i] = i + 1;
                c[i] = i + 1;
            }
            return detOfMinor(a, DET_L, DET_L, r, c);
        }

        public double check() {
            derivative();
            // ∂det/∂aᵢⱼ = det · (A⁻¹)ⱼᵢ
            double[][] m = new double[DET_L][];
            for (int i = 0; i < DET_L; i++) {
                m[i] = Arrays.copyOfRange(a, i * DET_L, (i + 1) * DET_L);
            }
            LUDecomposition f = new LUDecomposition(new Array2DRowRealMatrix(m));
            double det = f.getDeterminant();
            double[][] inv = f.getSolver().getInverse().getData();
            double[] want = new double[a.length];
            for (int i = 0; i < DET_L; i++) {
                for (int j = 0; j < DET_L; j++) {
                    want[i * DET_L + j] = det * inv[j][i];
                }
            }
            agree(lu ? "det.lu" : "det.minors", want, g, 1e-9);
            return c.value(a);
        }
    }

    // ---- ode: explicit Runge–Kutta 4 of y′ = f(x, y) from 0 to 2, ∇ₓ Σ yᵢ(2) -----------------------
    // gradbench differentiates the last element, y_{n−1}(2) = Π 2xᵢ/(i+1), which is 0 in doubles at
    // n = 1000 (and so is its gradient): the sum keeps every path and a checkable value.

    static final int ODE_N = 1000;
    static final int ODE_S = 10;

    /** z₀ = x₀, zᵢ = xᵢ·yᵢ₋₁, on doubles. */
    static void odeFun(double[] x, double[] y, double[] z) {
        z[0] = x[0];
        for (int i = 1; i < x.length; i++) {
            z[i] = x[i] * y[i - 1];
        }
    }

    /** z₀ = x₀, zᵢ = xᵢ·yᵢ₋₁. */
    static Num[] odeFun(Num[] x, Num[] y) {
        Num[] z = new Num[x.length];
        z[0] = x[0];
        for (int i = 1; i < x.length; i++) {
            z[i] = x[i].times(y[i - 1]);
        }
        return z;
    }

    static Num[] odeScalar(Num[] x) {
        int n = x.length;
        double h = 2.0 / ODE_S;
        Num[] yf = new Num[n];
        Arrays.fill(yf, constant(0));
        Num[] tmp = new Num[n];
        for (int step = 0; step < ODE_S; step++) {
            Num[] k1 = odeFun(x, yf);
            for (int i = 0; i < n; i++) {
                tmp[i] = yf[i].plus(k1[i].times(h).div(2));
            }
            Num[] k2 = odeFun(x, tmp);
            for (int i = 0; i < n; i++) {
                tmp[i] = yf[i].plus(k2[i].times(h).div(2));
            }
            Num[] k3 = odeFun(x, tmp);
            for (int i = 0; i < n; i++) {
                tmp[i] = yf[i].plus(k3[i].times(h));
            }
            Num[] k4 = odeFun(x, tmp);
            for (int i = 0; i < n; i++) {
                yf[i] = yf[i].plus(k1[i].plus(k2[i].times(2)).plus(k3[i].times(2)).plus(k4[i]).times(h).div(6));
            }
        }
        return yf;
    }

    /** The stage as tensors: x ⊙ (y shifted by one, 1 flowing in). */
    static Tensor odeFun(Tensor x, Tensor y) {
        return x.times(y.shift(1, 1.0));
    }

    static Tensor odeTensor(Tensor x) {
        double h = 2.0 / ODE_S;
        Tensor yf = tensor(new double[x.size()]);
        for (int step = 0; step < ODE_S; step++) {
            Tensor k1 = odeFun(x, yf);
            Tensor k2 = odeFun(x, yf.plus(k1.times(h).div(2)));
            Tensor k3 = odeFun(x, yf.plus(k2.times(h).div(2)));
            Tensor k4 = odeFun(x, yf.plus(k3.times(h)));
            yf = yf.plus(k1.plus(k2.times(2)).plus(k3.times(2)).plus(k4).times(h).div(6));
        }
        return yf;
    }

    static final class Ode implements Workload {
        final boolean tensors;
        final double[] x = new GradbenchData(4).uniform(ODE_N);
        final Tensor data = tensor(x);
        final Fn total;
        final CompiledFn c;
        final double[] g = new double[x.length];

        Ode(boolean tensors) {
            this.tensors = tensors;
            this.total = tensors ? v -> odeTensor(tensor(v, 0, v.length)).sum() : v -> sum(odeScalar(v));
            this.c = compiled(total, x);
        }

        public Object objective() {
            // the state at t = 2, as gradbench's primal returns it (the compiled tape sums it too)
            return tensors ? odeTensor(data).values() : c.value(x);
        }

        public Object derivative() {
            c.valueAndGradientInto(x, g);
            return g;
        }

        public Object doubles() {
            if (tensors) {
                return null;
            }
            int n = x.length;
            double h = 2.0 / ODE_S;
            double[] yf = new double[n];
            double[] tmp = new double[n];
            double[][] k = new double[4][n];
            for (int step = 0; step < ODE_S; step++) {
                odeFun(x, yf, k[0]);
                for (int i = 0; i < n; i++) {
                    tmp[i] = yf[i] + k[0][i] * h / 2;
                }
                odeFun(x, tmp, k[1]);
                for (int i = 0; i < n; i++) {
                    tmp[i] = yf[i] + k[1][i] * h / 2;
                }
                odeFun(x, tmp, k[2]);
                for (int i = 0; i < n; i++) {
                    tmp[i] = yf[i] + k[2][i] * h;
                }
                odeFun(x, tmp, k[3]);
                for (int i = 0; i < n; i++) {
                    yf[i] = yf[i] + (k[0][i] + k[1][i] * 2 + k[2][i] * 2 + k[3][i]) * h / 6;
                }
            }
            double total = 0;
            for (double y : yf) {
                total += y;
            }
            return total;
        }

        public double check() {
            derivative();
            // the tensor form against the scalar loops' fresh recording (RK4 with few steps is not
            // the closed form gradbench's manual tool uses, so that is no oracle here)
            agree(tensors ? "ode.tensor" : "ode.scalar", gradient(v -> sum(odeScalar(v)), x), g, 1e-12);
            return tensors ? odeTensor(data).sum().value() : c.value(x);
        }
    }

    // ---- kmeans: Σ over points of the squared distance to the nearest centroid; dir = ∇/diag H -----

    static final int KM_K = 10;
    static final int KM_N = 1000;
    static final int KM_D = 8;

    static final class Kmeans implements Workload {
        final boolean tensors;
        final double[] points = new GradbenchData(5).uniform(KM_N * KM_D);
        /** The last k points, as gradbench chooses them (so no cluster is empty). */
        final double[] centroids = Arrays.copyOfRange(points, (KM_N - KM_K) * KM_D, KM_N * KM_D);
        final Tensor p = tensor(points, KM_N, KM_D);
        final Tensor pt = p.transpose();
        final Fn cost;
        final CompiledFn c;
        final double[] g = new double[KM_K * KM_D];
        final double[] ones = new double[KM_K * KM_D];

        Kmeans(boolean tensors) {
            this.tensors = tensors;
            Arrays.fill(ones, 1.0);
            this.cost = tensors ? x -> costOf(tensor(x, 0, KM_K, KM_D)) : this::costScalar;
            this.c = compiled(cost, centroids);
        }

        /** The loops of gradbench's C++ objective. */
        Num costScalar(Num[] c) {
            Num total = constant(0);
            for (int i = 0; i < KM_N; i++) {
                Num closest = null;
                for (int j = 0; j < KM_K; j++) {
                    Num dist = constant(0);
                    for (int t = 0; t < KM_D; t++) {
                        Num diff = minus(points[i * KM_D + t], c[j * KM_D + t]);
                        dist = dist.plus(diff.square());
                    }
                    closest = j == 0 ? dist : closest.min(dist);
                }
                total = total.plus(closest);
            }
            return total;
        }

        /** gradbench's PyTorch objective: all squared distances as ‖a‖² + ‖b‖² − 2·b·aᵀ, their minimum over centroids. */
        Num costOf(Tensor c) {
            Tensor aSqr = p.square().sum(1);                       // (n)
            Tensor bSqr = c.square().sum(1).reshape(KM_K, 1);      // (k, 1)
            Tensor diff = c.matmul(pt);                            // (k, n)
            return diff.times(-2).plus(aSqr).plus(bSqr).amin(0).sum();
        }

        public Object objective() {
            return tensors ? costOf(tensor(centroids, KM_K, KM_D)).value() : c.value(centroids);
        }

        public Object doubles() {
            if (tensors) {
                return null;
            }
            double total = 0;
            for (int i = 0; i < KM_N; i++) {
                double closest = Double.POSITIVE_INFINITY;
                for (int j = 0; j < KM_K; j++) {
                    double dist = 0;
                    for (int t = 0; t < KM_D; t++) {
                        double diff = points[i * KM_D + t] - centroids[j * KM_D + t];
                        dist += diff * diff;
                    }
                    closest = Math.min(closest, dist);
                }
                total += closest;
            }
            return total;
        }

        /**
         * The Newton direction ∇f ⊘ (H·1): the gradient and the Hessian–vector product from the
         * compiled tape, in one call (its backward pass forms both, as JAX's jvp of grad does).
         */
        public Object derivative() {
            double[] h = new double[g.length];
            c.gradientAndHvpInto(centroids, ones, g, h);
            double[] dir = new double[g.length];
            for (int i = 0; i < dir.length; i++) {
                dir[i] = g[i] / h[i];
            }
            return dir;
        }

        public double check() {
            double[] dir = (double[]) derivative();
            // each centroid's Hessian is 2·(its cluster's size)·I, its gradient 2·Σ (c − x) over the cluster
            double[] grad = new double[g.length];
            int[] count = new int[KM_K];
            for (int i = 0; i < KM_N; i++) {
                int best = 0;
                double bestD = Double.POSITIVE_INFINITY;
                for (int j = 0; j < KM_K; j++) {
                    double d = 0;
                    for (int t = 0; t < KM_D; t++) {
                        double e = points[i * KM_D + t] - centroids[j * KM_D + t];
                        d += e * e;
                    }
                    if (d < bestD) {
                        bestD = d;
                        best = j;
                    }
                }
                count[best]++;
                for (int t = 0; t < KM_D; t++) {
                    grad[best * KM_D + t] += 2 * (centroids[best * KM_D + t] - points[i * KM_D + t]);
                }
            }
            double[] want = new double[g.length];
            for (int j = 0; j < KM_K; j++) {
                for (int t = 0; t < KM_D; t++) {
                    want[j * KM_D + t] = grad[j * KM_D + t] / (2.0 * count[j]);
                }
            }
            agree(tensors ? "kmeans.tensor" : "kmeans.scalar", want, dir, 1e-9);
            return (double) objective();
        }
    }

    // ---- gmm: the Gaussian mixture's negative log-likelihood with a Wishart prior ------------------

    static final int GMM_D = 10;
    static final int GMM_K = 5;
    static final int GMM_N = 1000;
    static final int GMM_ICF = GMM_D * (GMM_D + 1) / 2;
    static final double GMM_GAMMA = 1.0;
    static final int GMM_M = 0;

    /** log of the multivariate gamma function Γ_p(a). */
    static double logMultiGamma(double a, int p) {
        double r = 0.25 * p * (p - 1) * Math.log(Math.PI);
        for (int j = 1; j <= p; j++) {
            r += org.apache.commons.math3.special.Gamma.logGamma(a + 0.5 * (1 - j));
        }
        return r;
    }

    static double gmmConstant() {
        double c = -GMM_N * GMM_D * 0.5 * Math.log(2 * Math.PI);
        int n = GMM_D + GMM_M + 1;
        double wc = n * GMM_D * (Math.log(GMM_GAMMA) - 0.5 * Math.log(2));
        return c - GMM_K * (wc - logMultiGamma(0.5 * n, GMM_D));
    }

    static final class Gmm implements Workload {
        final boolean tensors;
        final Blocks at;
        final double[] xs;
        final Tensor data;
        final Fn f;
        final CompiledFn c;
        final double[] g;

        Gmm(boolean tensors) {
            this.tensors = tensors;
            GradbenchData r = new GradbenchData(6);
            double[] alphas = r.uniform(GMM_K);
            double[][] means = new double[GMM_K][];
            for (int k = 0; k < GMM_K; k++) {
                means[k] = r.uniform(GMM_D);
            }
            double[][] icf = new double[GMM_K][];
            for (int k = 0; k < GMM_K; k++) {
                icf[k] = r.uniform(GMM_ICF);
            }
            xs = r.uniform(GMM_N * GMM_D);
            data = tensor(xs, GMM_N, GMM_D);
            at = blocks("alphas", alphas, "means", means, "icf", icf);
            f = tensors ? x -> gmmTensor(at.tensor(x, "alphas"), at.tensor(x, "means"), at.tensor(x, "icf"))
                    : x -> gmmScalar(at.nums(x, "alphas"), at.nums(x, "means"), at.nums(x, "icf"));
            c = compiled(f, at.values());
            g = new double[at.size()];
        }

        /** The loops of ADBench's C++ objective. */
        Num gmmScalar(Num[] alphas, Num[] means, Num[] icf) {
            Num[][] qdiag = new Num[GMM_K][GMM_D];
            Num[] sumQ = new Num[GMM_K];
            for (int k = 0; k < GMM_K; k++) {
                Num s = constant(0);
                for (int t = 0; t < GMM_D; t++) {
                    qdiag[k][t] = icf[k * GMM_ICF + t].exp();
                    s = s.plus(icf[k * GMM_ICF + t]);
                }
                sumQ[k] = s;
            }
            Num slse = constant(0);
            Num[] main = new Num[GMM_K];
            Num[] xc = new Num[GMM_D];
            Num[] qx = new Num[GMM_D];
            for (int i = 0; i < GMM_N; i++) {
                for (int k = 0; k < GMM_K; k++) {
                    for (int t = 0; t < GMM_D; t++) {
                        xc[t] = minus(xs[i * GMM_D + t], means[k * GMM_D + t]);
                    }
                    // Q·xc with Q = diag(e^q) + L, L strictly lower, its parameters column by column
                    for (int t = 0; t < GMM_D; t++) {
                        qx[t] = qdiag[k][t].times(xc[t]);
                    }
                    int li = k * GMM_ICF + GMM_D;
                    for (int col = 0; col < GMM_D; col++) {
                        for (int row = col + 1; row < GMM_D; row++) {
                            qx[row] = qx[row].plus(icf[li++].times(xc[col]));
                        }
                    }
                    Num sq = constant(0);
                    for (int t = 0; t < GMM_D; t++) {
                        sq = sq.plus(qx[t].square());
                    }
                    main[k] = alphas[k].plus(sumQ[k]).minus(sq.times(0.5));
                }
                slse = slse.plus(logsumexp(main));
            }
            Num prior = constant(0);
            for (int k = 0; k < GMM_K; k++) {
                Num sq = constant(0);
                for (int t = 0; t < GMM_D; t++) {
                    sq = sq.plus(qdiag[k][t].square());
                }
                for (int t = GMM_D; t < GMM_ICF; t++) {
                    sq = sq.plus(icf[k * GMM_ICF + t].square());
                }
                prior = prior.plus(sq.times(0.5 * GMM_GAMMA * GMM_GAMMA)).minus(sumQ[k].times(GMM_M));
            }
            return slse.minus(logsumexp(alphas).times(GMM_N)).plus(prior).plus(gmmConstant());
        }

        /** The same with tensors: per component, the n×d centred data times its factor; log-sum-exp over components per point. */
        Num gmmTensor(Tensor alphas, Tensor means, Tensor icf) {
            Tensor[] inner = new Tensor[GMM_K];
            Num prior = constant(0);
            for (int k = 0; k < GMM_K; k++) {
                Tensor row = icf.slice(k, k + 1).reshape(GMM_ICF);
                Tensor q = row.slice(0, GMM_D);
                Tensor lp = row.slice(GMM_D, GMM_ICF);
                Tensor l = lp.lowerTriangular(GMM_D, -1, true);
                Tensor xc = data.minus(means.slice(k, k + 1));
                Tensor lx = xc.times(q.exp()).plus(xc.matmul(l.transpose()));
                Num sumQ = q.sum();
                inner[k] = lx.square().sum(1).times(-0.5).plus(alphas.get(k).plus(sumQ));
                prior = prior.plus(q.exp().square().sum().plus(lp.square().sum()).times(0.5 * GMM_GAMMA * GMM_GAMMA))
                        .minus(sumQ.times(GMM_M));
            }
            Num slse = concat(inner).reshape(GMM_K, GMM_N).logsumexp(0).sum();
            return slse.minus(alphas.logsumexp().times(GMM_N)).plus(prior).plus(gmmConstant());
        }

        public Object objective() {
            return tensors ? gmmTensor(at.get("alphas"), at.get("means"), at.get("icf")).value() : c.value(at.values());
        }

        public Object derivative() {
            c.valueAndGradientInto(at.values(), g);
            return at.with(g);
        }

        public double check() {
            derivative();
            Fn other = tensors ? x -> gmmScalar(at.nums(x, "alphas"), at.nums(x, "means"), at.nums(x, "icf"))
                    : x -> gmmTensor(at.tensor(x, "alphas"), at.tensor(x, "means"), at.tensor(x, "icf"));
            agree(tensors ? "gmm.tensor" : "gmm.scalar", gradient(other, at.values()), g, 1e-10);
            return (double) objective();
        }
    }

    // ---- ba: bundle adjustment's reprojection errors and their sparse Jacobian --------------------

    static final int BA_N = 10;
    static final int BA_M = 100;
    static final int BA_P = 1000;

    /** One camera (rotation 3, centre 3, focal length, principal point 2, radial distortion 2), as gradbench tiles it. */
    static double[] baCamera() {
        GradbenchData r = new GradbenchData(8);
        double[] c = new double[11];
        for (int i = 0; i < 3; i++) {
            c[i] = 0.1 * r.next();
        }
        for (int i = 3; i < 6; i++) {
            c[i] = r.next();
        }
        c[6] = 1 + r.next();
        c[7] = r.next();
        c[8] = r.next();
        c[9] = 0.01 * r.next();
        c[10] = 0.01 * r.next();
        return c;
    }

    static double[] baPoint() {
        GradbenchData r = new GradbenchData(9);
        return new double[] {r.next(), r.next(), 5 + r.next()};
    }

    /** w·(project(cam, X) − feat) for cam (11), X (3), w (1), feat (2): 17 inputs, 2 outputs. */
    static final VecFn BA_REPROJECTION = p -> {
        Num[] rot = {p[0], p[1], p[2]};
        Num[] x = {p[11].minus(p[3]), p[12].minus(p[4]), p[13].minus(p[5])};
        Num sqTheta = dot(rot, rot);
        Num[] xcam;
        if (sqTheta.ne(0)) {
            Num theta = sqTheta.sqrt();
            Num cos = theta.cos();
            Num sin = theta.sin();
            Num inv = div(1, theta);
            Num[] w = {rot[0].times(inv), rot[1].times(inv), rot[2].times(inv)};
            Num[] wx = cross(w, x);
            Num tmp = dot(w, x).times(minus(1, cos));
            xcam = new Num[3];
            for (int i = 0; i < 3; i++) {
                xcam[i] = x[i].times(cos).plus(wx[i].times(sin)).plus(w[i].times(tmp));
            }
        } else {
            Num[] rx = cross(rot, x);
            xcam = new Num[] {x[0].plus(rx[0]), x[1].plus(rx[1]), x[2].plus(rx[2])};
        }
        Num u = xcam[0].div(xcam[2]);
        Num v = xcam[1].div(xcam[2]);
        Num rsq = u.square().plus(v.square());
        Num l = plus(1, p[9].times(rsq)).plus(p[10].times(rsq).times(rsq));
        Num w = p[14];
        return new Num[] {
            w.times(u.times(l).times(p[6]).plus(p[7]).minus(p[15])),
            w.times(v.times(l).times(p[6]).plus(p[8]).minus(p[16]))
        };
    };

    static final class Ba implements Workload {
        final double[][] cams = new double[BA_N][];
        final double[][] points = new double[BA_M][];
        final double[] w = new double[BA_P];
        final double[][] feats = new double[BA_P][];
        final CompiledVecFn block;
        final CompiledFn wErr = compiled(x -> minus(1, x[0].square()), 0.5);
        final double[] in = new double[17];

        Ba() {
            double[] cam = baCamera();
            double[] pt = baPoint();
            GradbenchData r = new GradbenchData(10);
            double w0 = 0.5 + r.next();
            double[] f0 = {r.next(), r.next()};
            for (int i = 0; i < BA_N; i++) {
                cams[i] = cam.clone();
            }
            for (int i = 0; i < BA_M; i++) {
                points[i] = pt.clone();
            }
            for (int j = 0; j < BA_P; j++) {
                w[j] = w0;
                feats[j] = f0.clone();
            }
            block = compileVec(BA_REPROJECTION, input(0));
        }

        double[] input(int j) {
            System.arraycopy(cams[j % BA_N], 0, in, 0, 11);
            System.arraycopy(points[j % BA_M], 0, in, 11, 3);
            in[14] = w[j];
            in[15] = feats[j][0];
            in[16] = feats[j][1];
            return in;
        }

        /** The reprojection errors (2p) and the weight errors (p). */
        public Object objective() {
            double[] err = new double[3 * BA_P];
            for (int j = 0; j < BA_P; j++) {
                double[] e = block.value(input(j));
                err[2 * j] = e[0];
                err[2 * j + 1] = e[1];
                err[2 * BA_P + j] = wErr.value(w[j]);
            }
            return err;
        }

        /** The Jacobian's non-zero blocks: 2×15 per observation (camera, point, weight), 1 per weight. */
        public Object derivative() {
            double[] vals = new double[BA_P * 30 + BA_P];
            for (int j = 0; j < BA_P; j++) {
                double[][] jac = block.jacobian(input(j));
                System.arraycopy(jac[0], 0, vals, 30 * j, 15);
                System.arraycopy(jac[1], 0, vals, 30 * j + 15, 15);
                vals[30 * BA_P + j] = wErr.gradient(w[j])[0];
            }
            return vals;
        }

        public double check() {
            double[] vals = (double[]) derivative();
            double[][] want = jacobian(BA_REPROJECTION, input(BA_P - 1));
            agree("ba.scalar row 0", Arrays.copyOf(want[0], 15), Arrays.copyOfRange(vals, 30 * (BA_P - 1), 30 * (BA_P - 1) + 15), 1e-13);
            agree("ba.scalar row 1", Arrays.copyOf(want[1], 15), Arrays.copyOfRange(vals, 30 * (BA_P - 1) + 15, 30 * BA_P), 1e-13);
            agree("ba.scalar w", new double[] {-2 * w[0]}, new double[] {vals[30 * BA_P]}, 1e-15);
            return ((double[]) objective())[0];
        }
    }

    // ---- ht and lstm: in GradbenchHt and GradbenchLstm ---------------------------------------------

    static final class Ht implements Workload {
        final GradbenchHt ht;

        Ht(boolean tensors) {
            ht = new GradbenchHt(tensors);
        }

        public Object objective() {
            return ht.objective();
        }

        public Object derivative() {
            return ht.jacobian();
        }

        public double check() {
            return ht.check();
        }
    }

    static final class Lstm implements Workload {
        final GradbenchLstm lstm;

        Lstm(boolean tensors) {
            lstm = new GradbenchLstm(tensors);
        }

        public Object objective() {
            return lstm.objective();
        }

        public Object derivative() {
            return lstm.gradient();
        }

        public double check() {
            return lstm.check();
        }
    }

    /** Prints each workload's checked objective: {@code java -cp benchmarks.jar dev.wengert.bench.Gradbench}. */
    public static void main(String[] args) {
        for (String name : args.length > 0 ? Arrays.asList(args) : ALL.keySet()) {
            long t0 = System.nanoTime();
            Workload w = of(name);
            double v = w.check();
            System.out.printf("value %-14s %.15g   (checked in %.1f s)%n", name, v, (System.nanoTime() - t0) / 1e9);
        }
    }
}
