package dev.wengert.fit;

import dev.wengert.core.Num;
import dev.wengert.core.VecFn;
import org.apache.commons.math3.Field;
import org.apache.commons.math3.exception.MathIllegalArgumentException;
import org.apache.commons.math3.exception.MathIllegalStateException;
import org.apache.commons.math3.ode.AbstractFieldIntegrator;
import org.apache.commons.math3.ode.FieldExpandableODE;
import org.apache.commons.math3.ode.FieldODEState;
import org.apache.commons.math3.ode.FieldODEStateAndDerivative;
import org.apache.commons.math3.ode.FirstOrderFieldDifferentialEquations;
import org.apache.commons.math3.ode.nonstiff.ClassicalRungeKuttaFieldIntegrator;
import org.apache.commons.math3.ode.nonstiff.DormandPrince54FieldIntegrator;
import org.apache.commons.math3.ode.sampling.FieldStepHandler;
import org.apache.commons.math3.ode.sampling.FieldStepInterpolator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A model made from an ODE: the state y(t) of dy/dt = f(t, y, p) from an initial state, solved
 * by Commons Math's field integrators on {@link Num}, so a fit gets the exact Jacobian of the
 * discretised solution (every arithmetic step of the integrator, its step-size control and its
 * dense output, differentiated by automatic differentiation) without sensitivity equations.
 *
 * <pre>{@code
 * // A → B → C: fit k1, k2 to measurements of B over time
 * Ode chain = Ode.of((t, y, p) -> new Num[] {
 *                 p[0].times(y[0]).neg(),
 *                 p[0].times(y[0]).minus(p[1].times(y[1])),
 *                 p[1].times(y[1])})
 *         .initial(1, 0, 0)
 *         .span(0, 10);
 * FitResult r = fit(chain.component(1)).start(1, 0.5).names("k1", "k2").to(times, b);
 * chain.solve(r.parameters(), 0, 1, 2);   // the fitted states at t = 0, 1, 2
 * }</pre>
 *
 * <p>The solution is computed once per parameter vector over the whole {@link #span} and read
 * anywhere inside it from the integrator's dense output, so every row of a fit (in one pass,
 * the models of all rows get the same parameter array) shares one integration, and a time's
 * value does not depend on which other times were asked for. By default Dormand–Prince 5(4)
 * with absolute and relative tolerances 1e-10; {@link #rungeKutta(double)} uses the classical
 * fixed-step Runge–Kutta method instead.
 */
public final class Ode {
    /** Right-hand-side evaluations allowed per solve, so a trial parameter that makes the system stiff stops. */
    private static final int MAX_EVALUATIONS = 200_000;

    private final OdeSystem system;
    private double[] y0;
    private VecFn initial;
    private double t0 = Double.NaN;
    private double t1 = Double.NaN;
    private double absTol = 1e-10;
    private double relTol = 1e-10;
    private double step = Double.NaN;
    /** The last solution, for the parameter array it was computed for. */
    private Solution last;

    private Ode(OdeSystem system) {
        this.system = system;
    }

    /** An ODE dy/dt = f(t, y, p); give its {@link #initial} state and {@link #span} next. */
    public static Ode of(OdeSystem f) {
        if (f == null) {
            throw new FitException("Ode.of(null): give the system, e.g. (t, y, p) -> new Num[] {p[0].times(y[0]).neg()}");
        }
        return new Ode(f);
    }

    /** The initial state y(t0), the same for every parameter vector. */
    public Ode initial(double... y0) {
        if (y0 == null || y0.length == 0) {
            throw new FitException("initial(): give the state at the start time, one value per component");
        }
        for (int i = 0; i < y0.length; i++) {
            if (!Double.isFinite(y0[i])) {
                throw new FitException("initial state component " + i + " is " + y0[i] + "; give finite values");
            }
        }
        this.y0 = y0.clone();
        this.initial = null;
        return invalidate();
    }

    /**
     * The initial state as a function of the parameters, e.g. an unknown starting population
     * fitted along with the rates: {@code .initial(p -> new Num[] {p[4], p[5]})}.
     */
    public Ode initial(VecFn y0) {
        if (y0 == null) {
            throw new FitException("initial(null): give the state at the start time, e.g. p -> new Num[] {p[2]}");
        }
        this.initial = y0;
        this.y0 = null;
        return invalidate();
    }

    /** The time span [t0, t1]: the initial state is at t0, and the model answers for times in the span. */
    public Ode span(double t0, double t1) {
        if (!Double.isFinite(t0) || !Double.isFinite(t1) || t0 == t1) {
            throw new FitException("span(" + t0 + ", " + t1 + "): give two different finite times, the start first");
        }
        this.t0 = t0;
        this.t1 = t1;
        return invalidate();
    }

    /** Dormand–Prince 5(4) (the default) with these absolute and relative error tolerances per step. */
    public Ode tolerances(double absolute, double relative) {
        if (!(absolute > 0) || !(relative > 0)) {
            throw new FitException("tolerances(" + absolute + ", " + relative + "): give positive tolerances, e.g. 1e-10, 1e-10");
        }
        this.absTol = absolute;
        this.relTol = relative;
        this.step = Double.NaN;
        return invalidate();
    }

    /** The classical Runge–Kutta method with a fixed step instead (the last step is shortened to end on t1). */
    public Ode rungeKutta(double step) {
        if (!(step > 0) || !Double.isFinite(step)) {
            throw new FitException("rungeKutta(" + step + "): give a positive step");
        }
        this.step = step;
        return invalidate();
    }

    private synchronized Ode invalidate() {
        last = null;
        return this;
    }

    /**
     * The model y_i(t) with the time as predictor {@code x[0]}: fit it to measurements of one
     * component over time.
     */
    public Model component(int i) {
        if (i < 0) {
            throw new FitException("component(" + i + "): give a state component, 0, 1, …");
        }
        return (p, x) -> {
            Num[] y = state(p, x[0]);
            if (i >= y.length) {
                throw new FitException("component(" + i + ") of an ODE with " + y.length + " state components (0 to "
                        + (y.length - 1) + ")");
            }
            return y[i];
        };
    }

    /**
     * The model with the time as {@code x[0]} and the component as {@code x[1]} (0, 1, …): for a
     * long table with a row per measurement of any component.
     */
    public Model model() {
        return (p, x) -> {
            if (x.length < 2) {
                throw new FitException("Ode.model() reads the time as x[0] and the component as x[1]; name two "
                        + "predictor columns, e.g. \"t\", \"species\" (or use component(i) for one component)");
            }
            Num[] y = state(p, x[0]);
            int i = (int) x[1];
            if (i != x[1] || i < 0 || i >= y.length) {
                throw new FitException("the component " + x[1] + " is not one of the ODE's " + y.length
                        + " state components (0 to " + (y.length - 1) + ")");
            }
            return y[i];
        };
    }

    /**
     * The state at time t for parameters p, differentiable in p (build other observations from
     * it, e.g. {@code (p, x) -> { Num[] y = ode.state(p, x[0]); return y[0].plus(y[1]); }}).
     * A state that is not finite (the system blew up, or the integrator gave up) comes back as NaN.
     */
    public Num[] state(Num[] p, double t) {
        check();
        if (!(Math.min(t0, t1) <= t && t <= Math.max(t0, t1))) {
            throw new FitException("time " + t + " is outside the ODE's span [" + t0 + ", " + t1 + "]; widen "
                    + ".span(t0, t1) to cover every time asked for");
        }
        return solution(p).at(t);
    }

    /** The states at the given times for plain parameter values: {@code [time][component]}. */
    public double[][] solve(double[] p, double... times) {
        Num[] par = Dataset.constants(p);
        double[][] out = new double[times.length][];
        for (int k = 0; k < times.length; k++) {
            Num[] y = state(par, times[k]);
            out[k] = new double[y.length];
            for (int i = 0; i < y.length; i++) {
                out[k][i] = y[i].value();
            }
        }
        return out;
    }

    private void check() {
        if (y0 == null && initial == null) {
            throw new FitException("the ODE has no initial state; give it with .initial(y0…) or .initial(p -> …)");
        }
        if (Double.isNaN(t0)) {
            throw new FitException("the ODE has no time span; give it with .span(t0, t1)");
        }
    }

    /** The solution for this parameter array: the cached one if it is the same array with the same values. */
    private synchronized Solution solution(Num[] p) {
        if (last != null && last.isFor(p)) {
            return last;
        }
        Num[] start = initial != null ? initial.apply(p) : Dataset.constants(y0);
        if (start == null || start.length == 0) {
            throw new FitException("the initial state function returned no state; return one Num per component");
        }
        last = new Solution(p, integrate(p, start), start.length);
        return last;
    }

    private List<FieldStepInterpolator<Num>> integrate(Num[] p, Num[] start) {
        Field<Num> field = start[0].getField();
        int n = start.length;
        FirstOrderFieldDifferentialEquations<Num> equations = new FirstOrderFieldDifferentialEquations<>() {
            @Override
            public int getDimension() {
                return n;
            }

            @Override
            public void init(Num t, Num[] y, Num finalTime) {
            }

            @Override
            public Num[] computeDerivatives(Num t, Num[] y) {
                Num[] r = system.rates(t, y, p);
                if (r == null || r.length != n) {
                    throw new FitException("the ODE system returned " + (r == null ? "null" : r.length + " rates")
                            + " for a state of " + n + " components; return one rate per component");
                }
                for (Num v : r) {
                    if (!Double.isFinite(v.value())) {
                        // the solution is lost at these parameters; the integrator would only go on with NaN
                        throw new NotFinite();
                    }
                }
                return r;
            }
        };
        AbstractFieldIntegrator<Num> integrator = Double.isNaN(step)
                ? new DormandPrince54FieldIntegrator<>(field, 0, Math.abs(t1 - t0), absTol, relTol)
                : new ClassicalRungeKuttaFieldIntegrator<>(field, Num.constant(Math.signum(t1 - t0) * step));
        integrator.setMaxEvaluations(MAX_EVALUATIONS);
        List<FieldStepInterpolator<Num>> steps = new ArrayList<>();
        integrator.addStepHandler(new FieldStepHandler<>() {
            @Override
            public void init(FieldODEStateAndDerivative<Num> s, Num t) {
            }

            @Override
            public void handleStep(FieldStepInterpolator<Num> interpolator, boolean isLast) {
                steps.add(interpolator);
            }
        });
        try {
            integrator.integrate(new FieldExpandableODE<>(equations), new FieldODEState<>(Num.constant(t0), start),
                    Num.constant(t1));
        } catch (MathIllegalStateException | MathIllegalArgumentException | NotFinite e) {
            // the integrator gave up (too many steps, a step too small, rates not finite): no solution here
            return null;
        }
        return steps;
    }

    /** Rates that are not finite: stops the integration at once. */
    private static final class NotFinite extends RuntimeException {
        NotFinite() {
            super(null, null, false, false);
        }
    }

    /** One integration: the steps' interpolators in time order, for the parameter array it was made for. */
    private static final class Solution {
        private final Num[] p;
        private final Num[] pValues;
        private final List<FieldStepInterpolator<Num>> steps;
        private final double[] ends;
        private final int n;

        Solution(Num[] p, List<FieldStepInterpolator<Num>> steps, int n) {
            this.p = p;
            this.n = n;
            this.pValues = p.clone();
            this.steps = steps;
            this.ends = new double[steps == null ? 0 : steps.size()];
            for (int k = 0; k < ends.length; k++) {
                ends[k] = steps.get(k).getCurrentState().getTime().getReal();
            }
        }

        /**
         * The same array with the same elements (one pass of a fit), or plain constants with the
         * same values (predictions at new times): no derivative can differ then.
         */
        boolean isFor(Num[] q) {
            if (q.length != pValues.length) {
                return false;
            }
            boolean same = q == p;
            boolean constants = true;
            for (int j = 0; j < q.length; j++) {
                same &= q[j] == pValues[j];
                constants &= q[j].isConstant() && pValues[j].isConstant() && q[j].value() == pValues[j].value();
            }
            return same || constants;
        }

        Num[] at(double t) {
            if (steps == null) {
                Num[] nan = new Num[n];
                Arrays.fill(nan, Num.constant(Double.NaN));
                return nan;
            }
            FieldStepInterpolator<Num> s = steps.get(find(t));
            if (t == s.getCurrentState().getTime().getReal()) {
                return s.getCurrentState().getState();
            }
            if (t == s.getPreviousState().getTime().getReal()) {
                return s.getPreviousState().getState();
            }
            return s.getInterpolatedState(Num.constant(t)).getState();
        }

        /** The first step whose end is at or past t (steps run forward or backward in time): binary search. */
        private int find(double t) {
            boolean forward = steps.get(0).isForward();
            int lo = 0;
            int hi = ends.length - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (forward ? ends[mid] >= t : ends[mid] <= t) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            return lo;
        }
    }
}
