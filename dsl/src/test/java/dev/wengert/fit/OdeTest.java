package dev.wengert.fit;

import dev.wengert.core.Functional;
import dev.wengert.core.Mode;
import dev.wengert.core.Num;
import org.apache.commons.math3.ode.FirstOrderDifferentialEquations;
import org.apache.commons.math3.ode.nonstiff.ClassicalRungeKuttaIntegrator;
import org.apache.commons.math3.ode.sampling.StepHandler;
import org.apache.commons.math3.ode.sampling.StepInterpolator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * ODE models: the solution and its exact derivatives through Commons Math's field integrators
 * on {@code Num}, against the closed form of A → B → C, the sensitivity equations integrated by
 * the same Runge–Kutta scheme in doubles, and central differences of the discretised solution;
 * then fits of A → B → C and Lotka–Volterra against scipy (values by
 * {@code src/test/resources/reference/scipy_reference.py}: the closed form, and solve_ivp with
 * the sensitivity equations at tolerance 1e-13).
 */
class OdeTest {
    private static final Reference S = Reference.scipy();

    // A → B → C with rates k1 = p[0], k2 = p[1]
    private static final OdeSystem CHAIN = (t, y, p) -> new Num[] {
            p[0].times(y[0]).neg(),
            p[0].times(y[0]).minus(p[1].times(y[1])),
            p[1].times(y[1])};

    // prey x, predators y: x' = αx − βxy, y' = δxy − γy
    private static final OdeSystem LOTKA_VOLTERRA = (t, y, p) -> new Num[] {
            p[0].times(y[0]).minus(p[1].times(y[0]).times(y[1])),
            p[2].times(y[0]).times(y[1]).minus(p[3].times(y[1]))};

    private static Ode chain() {
        return Ode.of(CHAIN).initial(1, 0, 0).span(0, 10);
    }

    /** B(t) = k1/(k2 − k1)·(e^(−k1 t) − e^(−k2 t)) and its partials. */
    private static double[] closedFormB(double k1, double k2, double t) {
        double e1 = Math.exp(-k1 * t);
        double e2 = Math.exp(-k2 * t);
        double d = k2 - k1;
        return new double[] {k1 / d * (e1 - e2), k2 / (d * d) * (e1 - e2) - k1 / d * t * e1,
                -k1 / (d * d) * (e1 - e2) + k1 / d * t * e2};
    }

    @Test
    void theSolutionAndItsDerivativesAreTheClosedForm() {
        Ode ode = chain();
        double k1 = 0.9;
        double k2 = 0.35;
        for (Mode mode : new Mode[] {Mode.FORWARD, Mode.REVERSE}) {
            for (double t : new double[] {0, 0.5, 2, 7.3, 10}) {
                double[][] jac = Functional.jacobian(mode, p -> new Num[] {ode.component(1).apply(p, new double[] {t})},
                        new double[] {k1, k2});
                double[] b = closedFormB(k1, k2, t);
                double value = ode.solve(new double[] {k1, k2}, t)[0][1];
                assertEquals(b[0], value, 1e-9, "B(" + t + ")");
                assertEquals(b[1], jac[0][0], 1e-8, mode + " ∂B/∂k1 at " + t);
                assertEquals(b[2], jac[0][1], 1e-8, mode + " ∂B/∂k2 at " + t);
            }
        }
        double[][] y = ode.solve(new double[] {k1, k2}, 3);
        assertEquals(1.0, y[0][0] + y[0][1] + y[0][2], 1e-12, "mass is conserved");
    }

    @Test
    void fixedStepRungeKuttaDerivativesAreTheSensitivityEquationsUnderTheSameScheme() {
        double h = 0.25;
        Ode ode = chain().rungeKutta(h);
        double k1 = 0.9;
        double k2 = 0.35;
        // y' = f(y), S' = f_y·S + f_p (S = ∂y/∂(k1, k2)), by Commons Math's double RK4 with the same step:
        // the derivative of an explicit Runge–Kutta step is that step applied to the variational system
        FirstOrderDifferentialEquations augmented = new FirstOrderDifferentialEquations() {
            public int getDimension() {
                return 9;
            }

            public void computeDerivatives(double t, double[] z, double[] dz) {
                double a = z[0];
                double b = z[1];
                dz[0] = -k1 * a;
                dz[1] = k1 * a - k2 * b;
                dz[2] = k2 * b;
                for (int j = 0; j < 2; j++) {
                    double sa = z[3 + j];
                    double sb = z[5 + j];
                    dz[3 + j] = -k1 * sa - (j == 0 ? a : 0);
                    dz[5 + j] = k1 * sa - k2 * sb + (j == 0 ? a : -b);
                    dz[7 + j] = k2 * sb + (j == 1 ? b : 0);
                }
            }
        };
        List<double[]> grid = new ArrayList<>();
        ClassicalRungeKuttaIntegrator rk4 = new ClassicalRungeKuttaIntegrator(h);
        rk4.addStepHandler(new StepHandler() {
            public void init(double t0, double[] y0, double t) {
            }

            public void handleStep(StepInterpolator s, boolean last) {
                double[] z = s.getInterpolatedState().clone();
                double[] row = new double[10];
                row[0] = s.getCurrentTime();
                System.arraycopy(z, 0, row, 1, 9);
                grid.add(row);
            }
        });
        double[] z0 = new double[9];
        z0[0] = 1;
        rk4.integrate(augmented, 0, z0, 10, new double[9]);
        assertEquals(40, grid.size());
        for (double[] row : grid) {
            double t = row[0];
            for (int c = 0; c < 3; c++) {
                int comp = c;
                double[][] jac = Functional.jacobian(Mode.FORWARD,
                        p -> new Num[] {ode.component(comp).apply(p, new double[] {t})}, new double[] {k1, k2});
                assertEquals(row[1 + c], ode.solve(new double[] {k1, k2}, t)[0][c], 1e-15, "y" + c + "(" + t + ")");
                assertEquals(row[4 + 2 * c], jac[0][0], 2e-15, "∂y" + c + "/∂k1 at " + t);
                assertEquals(row[5 + 2 * c], jac[0][1], 2e-15, "∂y" + c + "/∂k2 at " + t);
            }
        }
    }

    @Test
    void adaptiveStepDerivativesAreThoseOfTheDiscretisedSolution() {
        // Dormand–Prince chooses its steps from the solution, so they move with the parameters too;
        // the derivative is that of everything computed, which central differences of the same
        // discretised solution see as well (with tolerances loose enough that the discretisation,
        // not the ODE, dominates)
        Ode ode = Ode.of(LOTKA_VOLTERRA).initial(10, 5).span(0, 15).tolerances(1e-6, 1e-6);
        double[] p = {1.1, 0.4, 0.1, 0.4};
        double t = 9.5;
        double[][] jac = Functional.jacobian(Mode.FORWARD, q -> ode.state(q, t), p);
        for (int j = 0; j < 4; j++) {
            double h = 1e-6 * p[j];
            double[] up = p.clone();
            double[] down = p.clone();
            up[j] += h;
            down[j] -= h;
            double[] yu = ode.solve(up, t)[0];
            double[] yd = ode.solve(down, t)[0];
            for (int c = 0; c < 2; c++) {
                double fd = (yu[c] - yd[c]) / (2 * h);
                assertEquals(fd, jac[c][j], 1e-6 * Math.max(1, Math.abs(fd)), "∂y" + c + "/∂p" + j);
            }
        }
    }

    @Test
    void fittingRateConstantsOfAChainIsTheClosedFormFit() {
        Map<String, double[]> d = Reference.csv("chain.csv");
        FitResult b = fit(chain().component(1)).start(1, 0.5).names("k1", "k2").to(d.get("t"), d.get("B"));
        assertTrue(b.converged(), b.reason());
        for (int j = 0; j < 2; j++) {
            String key = "chain.B." + b.parameterNames()[j];
            NlsReferenceTest.close(S.get(key + ".estimate"), b.parameters()[j], 1e-8, key);
            NlsReferenceTest.close(S.get(key + ".se"), b.standardErrors()[j], 1e-6, key + " se");
        }
        // B and C together: one parameter vector, two observed components
        Ode ode = chain();
        FitResult bc = fitGlobal("k1", "k2").start(1, 0.5)
                .dataset(ode.component(1), d.get("t"), d.get("B"))
                .dataset(ode.component(2), d.get("t"), d.get("C"))
                .fit();
        for (int j = 0; j < 2; j++) {
            String key = "chain.BC." + bc.parameterNames()[j];
            NlsReferenceTest.close(S.get(key + ".estimate"), bc.parameters()[j], 1e-8, key);
            NlsReferenceTest.close(S.get(key + ".se"), bc.standardErrors()[j], 1e-6, key + " se");
        }
    }

    @Test
    void lotkaVolterraWithFittedInitialStatesIsScipysFit() {
        Map<String, double[]> d = Reference.csv("lotka-volterra.csv");
        AtomicInteger solves = new AtomicInteger();
        Ode lv = Ode.of(LOTKA_VOLTERRA).initial(p -> {
            solves.incrementAndGet();
            return new Num[] {p[4], p[5]};
        }).span(0, 15);
        String[] names = {"alpha", "beta", "delta", "gamma", "x0", "y0"};
        FitResult r = fitGlobal(names).start(1.0, 0.5, 0.12, 0.5, 9.0, 6.0)
                .dataset(lv.component(0), d.get("t"), d.get("prey"))
                .dataset(lv.component(1), d.get("t"), d.get("predator"))
                .fit();
        assertTrue(r.converged(), r.reason());
        for (int j = 0; j < names.length; j++) {
            NlsReferenceTest.close(S.get("lv." + names[j] + ".estimate"), r.parameters()[j], 1e-7, names[j]);
            NlsReferenceTest.close(S.get("lv." + names[j] + ".se"), r.standardErrors()[j], 1e-5, names[j] + " se");
        }
        NlsReferenceTest.close(S.get("lv.cost"), r.cost(), 1e-8, "cost");
        // one solve per pass over both datasets' 62 rows, not one per row
        assertTrue(solves.get() <= r.evaluations() + 5, solves.get() + " solves for " + r.evaluations() + " evaluations");

        // the same fit from a long table: time and component as predictors
        double[] t = d.get("t");
        double[][] x = new double[2 * t.length][];
        double[] y = new double[2 * t.length];
        for (int i = 0; i < t.length; i++) {
            x[i] = new double[] {t[i], 0};
            y[i] = d.get("prey")[i];
            x[t.length + i] = new double[] {t[i], 1};
            y[t.length + i] = d.get("predator")[i];
        }
        FitResult longForm = fit(lv.model()).start(1.0, 0.5, 0.12, 0.5, 9.0, 6.0).names(names).to(x, y);
        assertArrayEquals(r.parameters(), longForm.parameters(), 1e-9);
    }

    @Test
    void badUseIsExplained() {
        Ode noStart = Ode.of(CHAIN).span(0, 1);
        assertTrue(assertThrows(FitException.class, () -> noStart.solve(new double[] {1, 1}, 0.5)).getMessage()
                .contains(".initial("));
        Ode noSpan = Ode.of(CHAIN).initial(1, 0, 0);
        assertTrue(assertThrows(FitException.class, () -> noSpan.solve(new double[] {1, 1}, 0.5)).getMessage()
                .contains(".span("));
        FitException outside = assertThrows(FitException.class, () -> chain().solve(new double[] {1, 1}, 12));
        assertTrue(outside.getMessage().contains("outside the ODE's span [0.0, 10.0]"), outside.getMessage());
        FitException comp = assertThrows(FitException.class,
                () -> fit(chain().component(3)).start(1, 0.5).to(new double[] {1, 2, 3}, new double[] {0.1, 0.2, 0.1}));
        assertTrue(comp.getMessage().contains("3 state components"), comp.getMessage());
        FitException rates = assertThrows(FitException.class, () -> Ode.of((t, y, p) -> new Num[] {p[0]})
                .initial(1, 2).span(0, 1).solve(new double[] {1}, 0.5));
        assertTrue(rates.getMessage().contains("1 rates for a state of 2 components"), rates.getMessage());
        // a rate that blows up gives NaN, which a fit rejects as a point where the model is undefined
        double[][] blown = Ode.of((t, y, p) -> new Num[] {y[0].square().times(p[0])}).initial(1).span(0, 2)
                .solve(new double[] {1}, 1.5);
        assertTrue(Double.isNaN(blown[0][0]), "y' = y² from 1 blows up at t = 1: " + blown[0][0]);
    }
}
